from .module import OptWriter

__all__ = ["OptWriter"]
