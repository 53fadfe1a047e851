"""A small dashboard: cluster status over HTTP on the active, redirects on standbys."""

from .module import Module, StandbyModule

__all__ = ["Module", "StandbyModule"]
