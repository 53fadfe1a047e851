"""Ceph's ``TextTable`` (left-aligned columns, two spaces apart, no trimming)."""

from __future__ import annotations

from collections.abc import Sequence


def _width(cell: str) -> int:
    return len(cell.encode())  # TextTable counts bytes


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Every cell padded to its column's width (header included), cells joined by
    two spaces, one line per row; the last column is padded too (``"1        "``)."""
    widths = [_width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _width(cell))
    lines = [
        "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True))
        for row in [headers, *rows]
    ]
    return "\n".join(lines) + "\n"
