"""ceph.conf text: reading one (``config assimilate-conf -i``) and writing the
minimal one (``config generate-minimal-conf``), as Ceph 16.2 prints them.

Pure functions. Who may import it: the command files and tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim import ini

Conf = dict[str, dict[str, str]]  # section -> name -> value, in file order


class ConfError(ValueError):
    """A conf file that cannot be read (the mon's EINVAL)."""


def parse_conf(text: str) -> Conf:
    """INI as Ceph reads it: ``[section]``, ``key = value``, ``#``/``;`` comments;
    a key's spaces and dashes are underscores."""
    conf: Conf = {}

    def bad(n: int, raw: str, _what: str) -> Exception:
        return ConfError(f"parse error at line {n}: {raw!r}")

    for _n, section, key, value in ini.entries(text, bad):
        if key is None:
            conf.setdefault(section, {})
            continue
        name = "_".join(key.replace("-", " ").replace("_", " ").split())
        conf[section][name] = value.split("#", 1)[0].split(";", 1)[0].strip()
    return conf


def write_conf(conf: Mapping[str, Mapping[str, str]]) -> str:
    """What the mon prints for a conf: each non-empty section after a blank line,
    its options by name, tab-indented."""
    out = []
    for section, values in conf.items():
        if values:
            out.append(f"\n[{section}]\n")
            out += [f"\t{k} = {values[k]}\n" for k in sorted(values)]
    return "".join(out)


def minimal_conf(fsid: str, mon_addrs: list[str], extra: Mapping[str, str]) -> str:
    """``config generate-minimal-conf``: fsid, mon_host and the options flagged
    for a minimal conf that the database sets globally."""
    lines = [f"# minimal ceph.conf for {fsid}", "[global]", f"\tfsid = {fsid}"]
    lines.append("\tmon_host = " + " ".join(f"[v2:{a}/0]" for a in mon_addrs))
    lines += [f"\t{k} = {extra[k]}" for k in sorted(extra)]
    return "".join(line + "\n" for line in lines)
