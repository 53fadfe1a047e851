"""Implementation modules of the mgr module API (re-exported by ``mgr_module``).

Private to the API directory; modules import from ``mgr_module``.
"""
