"""The hello module (the mgr module developer guide's sample)."""

from .module import Hello

__all__ = ["Hello"]
