from .module import DbNotes

__all__ = ["DbNotes"]
