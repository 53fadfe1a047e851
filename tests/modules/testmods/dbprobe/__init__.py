from .module import DbProbe

__all__ = ["DbProbe"]
