from .module import OSDPerfProbe

__all__ = ["OSDPerfProbe"]
