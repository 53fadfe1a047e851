from .module import Lifecycle

__all__ = ["Lifecycle"]
