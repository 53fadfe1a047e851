"""Who and what ``ceph config`` names: targets (``global``, ``mgr``,
``mgr.x``, ``osd/host:h1``), entities, option names, and one stored row
(`Entry`) — the checks a ``config`` write or read starts with (Ceph 16.2's
``ConfigMap::parse_mask``, ``EntityName::from_str``,
``ConfFile::normalize_key_name``). Pure functions; values are typed by
`sim.options.values`.

Who may import it: `mon.config_monitor`, `mon.config_render`, the command
files and tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.options import OptionSpec

ENTITY_TYPES = ("auth", "mon", "osd", "mds", "mgr", "client")


def normalize_key_name(name: str) -> str:
    """``ConfFile::normalize_key_name``: trim, inner whitespace and ``-`` become ``_``."""
    return "_".join(name.split()).replace("-", "_")


@dataclass(frozen=True)
class Mask:
    location_type: str = ""
    location_value: str = ""
    device_class: str = ""

    def __str__(self) -> str:
        r = f"{self.location_type}:{self.location_value}" if self.location_type else ""
        if self.device_class:
            r += ("/" if r else "") + f"class:{self.device_class}"
        return r

    def dump(self) -> dict[str, str]:
        d: dict[str, str] = {}
        if self.location_type:
            d |= {"location_type": self.location_type, "location_value": self.location_value}
        if self.device_class:
            d["device_class"] = self.device_class
        return d


def parse_mask(who: str) -> tuple[str, Mask] | None:
    """``ConfigMap::parse_mask``: ``osd.1``, ``osd/host:h1``, ``global/class:ssd`` ->
    (section, mask); None for an unknown daemon type. The section may be empty."""
    section, loc_type, loc_value, dev_class = "", "", "", ""
    for part in who.split("/"):
        if part == "global":
            section = "global"
            continue
        key, colon, value = part.partition(":")
        if colon:
            if key == "class":
                dev_class = value
            else:
                loc_type, loc_value = key, value
            continue
        if part.split(".", 1)[0] not in ENTITY_TYPES:
            return None
        section = part
    return section, Mask(loc_type, loc_value, dev_class)


def split_who(who: str) -> tuple[str, Mask]:
    """A stored who (``section[/mask]``) -> (section, mask)."""
    section, _, rest = who.partition("/")
    parsed = parse_mask(rest) if rest else None
    return section, (parsed[1] if parsed else Mask())


def parse_entity(who: str) -> tuple[str, str] | None:
    """``EntityName::from_str`` of ``who`` or ``who.``: (type, id), or None."""
    for s in (who, who + "."):
        etype, dot, eid = s.partition(".")
        if dot and etype in ENTITY_TYPES:
            return etype, eid
    return None


def stray_option(name: str) -> OptionSpec:
    """What Ceph makes of a stored option it does not know (level ``unknown``)."""
    return OptionSpec(name, "str", "unknown")


@dataclass(frozen=True)
class Entry:
    """One stored value with where it came from (a row of ``config dump``/``get``)."""

    section: str
    mask: Mask
    name: str
    value: str
    opt: OptionSpec

    @property
    def ro(self) -> str:
        return "" if self.opt.can_update_at_runtime else "*"
