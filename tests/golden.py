"""Where the tests find real Ceph's outputs: ``tests/data/ceph16/``.

The files are verbatim captures of the ``ceph`` CLI against a real Ceph
16.2.15 cluster on this kind of machine; ``tests/data/ceph16/README.md``
says how they were captured and which placeholders replace host-specific
values. The suite reads only this copy, so a fresh clone needs nothing else.
"""

from __future__ import annotations

from pathlib import Path

CEPH16 = Path(__file__).resolve().parent / "data" / "ceph16"


def golden_text(name: str) -> str:
    """One captured output, as text."""
    return (CEPH16 / name).read_text()
