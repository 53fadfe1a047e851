from .module import NeedsGpu

__all__ = ["NeedsGpu"]
