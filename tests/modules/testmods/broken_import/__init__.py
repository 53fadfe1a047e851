from .module import Broken

__all__ = ["Broken"]
