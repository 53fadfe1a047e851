"""The INI layout Ceph's files share (ceph.conf, keyrings): ``[section]`` headers,
``name = value`` lines, ``#``/``;`` comment lines. One reader; each format gives
its own errors and its own reading of names and values.

Pure. Who may import it: `sim.auth.keyring`, `mon.conf_file` and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

# bad(line number, the raw line, "section" or "entry") -> the format's own error
Bad = Callable[[int, str, str], Exception]


def entries(text: str, bad: Bad) -> Iterator[tuple[int, str, str | None, str]]:
    """``(line number, section, name, value)`` in file order; a section's header
    comes as ``name`` None. Names and values are stripped, nothing else."""
    section: str | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            if not line.endswith("]") or len(line) < 3:
                raise bad(n, raw, "section")
            section = line[1:-1].strip()
            yield n, section, None, ""
            continue
        name, eq, value = line.partition("=")
        if not eq or section is None or not name.strip():
            raise bad(n, raw, "entry")
        yield n, section, name.strip(), value.strip()
