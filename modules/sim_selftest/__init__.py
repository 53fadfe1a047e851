"""selftest: exercises the mgr module API from inside a running mgr."""

from .module import Module

__all__ = ["Module"]
