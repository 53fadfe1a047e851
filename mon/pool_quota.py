"""Pool quotas: ``osd pool set-quota`` / ``get-quota`` and the pools that are
full because of them (OSDMonitor's ``update_pools_status``).

Pure: values are parsed and the OSDMap's pools changed here; the service
(`mon.osd_monitor.OSDMonitor`) stages and commits. The error texts are Ceph
16.2's, as a real 16.2 mon gave them (tests/data/ceph16/osd_pool_*quota*):
``max_bytes`` takes IEC units (``10Ki``, ``1KB``, ``1G``: powers of 1024,
upper-case only), ``max_objects`` SI units (``10K``: powers of 1000, one
letter). Who may import it: `mon.osd_monitor`, `mon.commands` and tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.formatting import byte_u_t, si_u_t
from sim.maps.osdmap import OSDMap, Pool

FIELDS = ("max_objects", "max_bytes")
UNITS = "BKMGTPE"  # B = 1, then powers of 1024 (IEC) or 1000 (SI)
INT64_MAX = (1 << 63) - 1
UINT64_MAX = (1 << 64) - 1


class QuotaValueError(ValueError):
    """A value Ceph's strict_iecstrtoll / strict_si_cast refuses (its text)."""


def _integer(text: str, whole: str, top: int) -> int:
    if not text or not text.lstrip("-").isdigit() or text.count("-") > 1 or "-" in text[1:]:
        raise QuotaValueError(f"Expected option value to be integer, got '{whole}'")
    n = int(text)
    if not -(top + 1) <= n <= top:
        raise QuotaValueError(f"The option value '{whole}' seems to be invalid")
    return n


def parse_iec(val: str) -> int:
    """``max_bytes``: Ceph's strict_iecstrtoll (``1K``/``1Ki``/``1KB`` = 1024)."""
    if not val:
        raise QuotaValueError("strict_iecstrtoll: value not specified")
    pos = len(val) - len(val.lstrip("-+0123456789"))
    number, unit = val[:pos], val[pos:]
    if len(unit) > 2:
        raise QuotaValueError("strict_iecstrtoll: illegal prefix (length > 2)")
    if unit and (unit[0] not in UNITS or (len(unit) == 2 and unit[1] not in "iB")):
        raise QuotaValueError("strict_iecstrtoll: unit prefix not recognized")
    n = _integer(number, val, INT64_MAX)
    if n < 0:
        raise QuotaValueError("strict_iecstrtoll: value should not be negative")
    shift = 10 * UNITS.index(unit[0]) if unit else 0
    if n << shift > INT64_MAX:
        raise QuotaValueError("strict_iecstrtoll: value seems to be too large")
    return n << shift


def parse_si(val: str) -> int:
    """``max_objects``: Ceph's strict_si_cast (one letter, ``10K`` = 10000)."""
    if not val:
        raise QuotaValueError("strict_si_cast: value not specified")
    unit = "" if val[-1].isdigit() else val[-1]
    if unit and unit not in UNITS:
        raise QuotaValueError("strict_si_cast: unit prefix not recognized")
    n = _integer(val[: len(val) - len(unit)], val, UINT64_MAX)
    if n < 0:
        raise QuotaValueError("strict_sistrtoll: value should not be negative")
    value = n * 1000 ** UNITS.index(unit) if unit else n
    if value > UINT64_MAX:
        raise QuotaValueError("strict_si_cast: value seems to be too large")
    return value


def set_quota(pool: Pool, field: str, val: str) -> str:
    """Change ``pool`` (a copy in a trial map); Ceph's status line."""
    value = parse_si(val) if field == "max_objects" else parse_iec(val)
    if field == "max_objects":
        pool.quota_max_objects = value
    else:
        pool.quota_max_bytes = value
    return f"set-quota {field} = {value} for pool {pool.name}"


@dataclass(frozen=True)
class PoolUsage:
    objects: int
    bytes: int  # what the quota counts: the pool's stored (user) bytes


def get_quota(pool: Pool, usage: PoolUsage) -> dict[str, object]:
    return {
        "pool_name": pool.name, "pool_id": pool.pool,
        "quota_max_objects": pool.quota_max_objects, "current_num_objects": usage.objects,
        "quota_max_bytes": pool.quota_max_bytes, "current_num_bytes": usage.bytes,
    }  # fmt: skip


def get_quota_plain(d: dict[str, object]) -> str:
    objs, nbytes = int(str(d["quota_max_objects"])), int(str(d["quota_max_bytes"]))
    lines = [f"quotas for pool '{d['pool_name']}':"]
    lines.append(
        f"  max objects: {si_u_t(objs)} objects  (current num objects: {d['current_num_objects']} objects)"
        if objs else "  max objects: N/A"
    )  # fmt: skip
    lines.append(
        f"  max bytes  : {byte_u_t(nbytes)}  (current num bytes: {d['current_num_bytes']} bytes)"
        if nbytes else "  max bytes  : N/A"
    )  # fmt: skip
    return "\n".join(lines) + "\n"


def out_of_quota(pool: Pool, usage: PoolUsage) -> str:
    """Why the pool is full ("" if it is not), as Ceph logs it."""
    if pool.quota_max_bytes and usage.bytes >= pool.quota_max_bytes:
        return f"reached quota's max_bytes: {byte_u_t(pool.quota_max_bytes)}"
    if pool.quota_max_objects and usage.objects >= pool.quota_max_objects:
        return f"reached quota's max_objects: {pool.quota_max_objects}"
    return ""


def update_pools_status(
    m: OSDMap, usage: dict[int, PoolUsage]
) -> tuple[list[Pool], list[tuple[str, str]]]:
    """The pools whose quota state changed (copies with ``full``/``full_quota``
    set or cleared) and the cluster log lines, as (priority, text)."""
    changed: list[Pool] = []
    log: list[tuple[str, str]] = []
    for pool in m.pools.values():
        u = usage.get(pool.pool)
        if u is None:
            continue
        why = out_of_quota(pool, u)
        if why and not pool.has_flag("full_quota"):
            log.append(("[WRN]", f"pool '{pool.name}' is full ({why})"))
            on = True
        elif not why and pool.has_flag("full_quota"):
            log.append(
                ("[INF]", f"pool '{pool.name}' no longer out of quota; removing NO_QUOTA flag")
            )
            on = False
        else:
            continue
        q = pool.copy()
        q.set_flag("full_quota", on)
        q.set_flag("full", on)
        changed.append(q)
    return changed, log


def full_pools(m: OSDMap) -> list[str]:
    """POOL_FULL's detail lines (pools full because of their quota)."""
    return [
        f"pool '{p.name}' is full (running out of quota)"
        for p in m.pools.values()
        if p.has_flag("full_quota")
    ]
