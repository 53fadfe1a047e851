"""The mgr's module host: runs ceph-mgr Python modules unchanged.

`PyModuleHost` (host.py) implements `mgr.module_host.ModuleHost` for the
daemon. Modules import the API from ``mgr/api`` (put first on ``sys.path``
by `apipath.ensure_api_path`, which importing this package does) and reach
the host only through a `handle.ModuleHandle`. See docs/module-host.md.
"""

from mgr.host.apipath import ensure_api_path

ensure_api_path()
