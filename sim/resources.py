"""Where the data shipped with the simulator lives, in a checkout or an installed wheel.

Kernel layer: anyone may import it; it imports nothing of the simulator.

In the repository the scenario library, the shipped mgr modules and the
challenges for module authors stay at the top level (``scenarios/``,
``modules/``, ``challenges/``). A wheel carries copies of them inside
the ``sim`` package, under ``sim/_library/`` (``setup.py`` puts them there when
it builds), and they are found through the package with `importlib.resources`,
whatever the current directory. An editable install has no ``_library``: the
checkout's own folders are used.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

LIBRARY = "_library"
KINDS = ("scenarios", "modules", "challenges")
_CHECKOUT = Path(__file__).resolve().parents[1]


def library_dir(kind: str) -> Path:
    """The shipped folder `kind` (one of `KINDS`) as a real directory."""
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {KINDS}")
    packaged = files("sim").joinpath(LIBRARY, kind)
    if packaged.is_dir():
        return Path(str(packaged))
    return _CHECKOUT / kind


def scenarios_dir() -> Path:
    """The scenario library (``python -m sim scenario --list``)."""
    return library_dir("scenarios")


def modules_dir() -> Path:
    """The mgr modules shipped with the simulator (first on ``mgr_module_path``)."""
    return library_dir("modules")


def challenges_dir() -> Path:
    """The graded challenges for module authors (``python -m sim challenge list``)."""
    return library_dir("challenges")
