"""The native dir and the module API are importable here, as in a mgr."""

from __future__ import annotations

import sys

from mgr.host.apipath import API_DIR, NATIVE_DIR

for _p in (str(NATIVE_DIR), str(API_DIR)):
    if _p not in sys.path:
        sys.path.insert(0, _p)
