from .module import DbWriter

__all__ = ["DbWriter"]
