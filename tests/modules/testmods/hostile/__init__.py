from .module import Hostile

__all__ = ["Hostile"]
