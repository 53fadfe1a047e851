"""``osd pool get`` / ``osd pool set``: the variables of a pool, as Ceph 16.2's
OSDMonitor reads and validates them (``preprocess_command`` "osd pool get",
``prepare_command_pool_set``), with its messages.

Pure: `pool_get` reads a `Pool`; `pool_set` changes a pool of a *pending*
map (the caller stages it) and returns the status line, or raises
`CommandError`. The simulator's pools are replicated and never tiers, so the
tier and erasure-code variables answer as Ceph answers for such a pool.

Who may import it: `mon.osd_monitor` (which owns the pending map) and tests.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

from mon.errors import CommandError
from sim.maps.osdmap import OSDMap, Pool
from sim.options.values import ParseError, strict_iecstrtoll, strict_strtod, strict_strtoll

# ``osd pool get``'s choices, in Ceph 16.2's order (also the order of ``all``)
GET_VARS = (
    "size", "min_size", "pg_num", "pgp_num", "crush_rule", "hashpspool", "nodelete",
    "nopgchange", "nosizechange", "write_fadvise_dontneed", "noscrub", "nodeep-scrub",
    "hit_set_type", "hit_set_period", "hit_set_count", "hit_set_fpp", "use_gmt_hitset",
    "target_max_objects", "target_max_bytes", "cache_target_dirty_ratio",
    "cache_target_dirty_high_ratio", "cache_target_full_ratio", "cache_min_flush_age",
    "cache_min_evict_age", "erasure_code_profile", "min_read_recency_for_promote", "all",
    "min_write_recency_for_promote", "fast_read", "hit_set_grade_decay_rate",
    "hit_set_search_last_n", "scrub_min_interval", "scrub_max_interval", "deep_scrub_interval",
    "recovery_priority", "recovery_op_priority", "scrub_priority", "compression_mode",
    "compression_algorithm", "compression_required_ratio", "compression_max_blob_size",
    "compression_min_blob_size", "csum_type", "csum_min_block", "csum_max_block",
    "allow_ec_overwrites", "fingerprint_algorithm", "pg_autoscale_mode", "pg_autoscale_bias",
    "pg_num_min", "pg_num_max", "target_size_bytes", "target_size_ratio", "dedup_tier",
    "dedup_chunk_algorithm", "dedup_cdc_chunk_size", "bulk",
)  # fmt: skip
# ``osd pool set``'s choices, in Ceph 16.2's order
SET_VARS = (
    "size", "min_size", "pg_num", "pgp_num", "pgp_num_actual", "crush_rule", "hashpspool",
    "nodelete", "nopgchange", "nosizechange", "write_fadvise_dontneed", "noscrub",
    "nodeep-scrub", "hit_set_type", "hit_set_period", "hit_set_count", "hit_set_fpp",
    "use_gmt_hitset", "target_max_bytes", "target_max_objects", "cache_target_dirty_ratio",
    "cache_target_dirty_high_ratio", "cache_target_full_ratio", "cache_min_flush_age",
    "cache_min_evict_age", "min_read_recency_for_promote", "min_write_recency_for_promote",
    "fast_read", "hit_set_grade_decay_rate", "hit_set_search_last_n", "scrub_min_interval",
    "scrub_max_interval", "deep_scrub_interval", "recovery_priority", "recovery_op_priority",
    "scrub_priority", "compression_mode", "compression_algorithm",
    "compression_required_ratio", "compression_max_blob_size", "compression_min_blob_size",
    "csum_type", "csum_min_block", "csum_max_block", "allow_ec_overwrites",
    "fingerprint_algorithm", "pg_autoscale_mode", "pg_autoscale_bias", "pg_num_min",
    "pg_num_max", "target_size_bytes", "target_size_ratio", "dedup_tier",
    "dedup_chunk_algorithm", "dedup_cdc_chunk_size", "bulk",
)  # fmt: skip

TIER_VARS = frozenset((
    "hit_set_type", "hit_set_period", "hit_set_count", "hit_set_fpp", "target_max_objects",
    "target_max_bytes", "cache_target_dirty_ratio", "cache_target_dirty_high_ratio",
    "cache_target_full_ratio", "cache_min_flush_age", "cache_min_evict_age",
    "min_read_recency_for_promote", "min_write_recency_for_promote",
    "hit_set_grade_decay_rate", "hit_set_search_last_n",
))  # fmt: skip
EC_VARS = frozenset(("erasure_code_profile", "allow_ec_overwrites"))
FLAG_VARS = (
    "hashpspool", "nodelete", "nopgchange", "nosizechange", "write_fadvise_dontneed",
    "noscrub", "nodeep-scrub", "bulk",
)  # fmt: skip
# pool_opts_t: name -> value type ("int", "size": an int with IEC units, "float", "str")
OPTS = {
    "scrub_min_interval": "float", "scrub_max_interval": "float", "deep_scrub_interval": "float",
    "recovery_priority": "int", "recovery_op_priority": "int", "scrub_priority": "int",
    "compression_mode": "str", "compression_algorithm": "str",
    "compression_required_ratio": "float", "compression_max_blob_size": "size",
    "compression_min_blob_size": "size", "csum_type": "str", "csum_min_block": "size",
    "csum_max_block": "size", "fingerprint_algorithm": "str", "pg_autoscale_bias": "float",
    "pg_num_min": "int", "pg_num_max": "int", "target_size_bytes": "size",
    "target_size_ratio": "float", "dedup_tier": "str", "dedup_chunk_algorithm": "str",
    "dedup_cdc_chunk_size": "int",
}  # fmt: skip
_CHOICES = {
    "compression_mode": ("none", "passive", "aggressive", "force"),
    "compression_algorithm": ("none", "snappy", "zlib", "zstd", "lz4"),
    "csum_type": ("none", "crc32c", "crc32c_16", "crc32c_8", "xxhash32", "xxhash64"),
    "fingerprint_algorithm": ("none", "sha1", "sha256", "sha512"),
    "dedup_chunk_algorithm": ("none", "fixed", "fastcdc"),
}
_CHOICE_ERROR = {"compression_mode": "unrecognized compression mode '{v}'"}
AUTOSCALE_MODES = ("off", "warn", "on")
RULES = {0: "replicated_rule"}  # the simulator's CRUSH rules (`osd_dumps.crush_dump`)
MAX_POOL_SIZE = 10


@dataclass(frozen=True)
class PoolLimits:
    """The mon options ``osd pool set`` consults."""

    max_pg_per_osd: int = 250  # mon_max_pg_per_osd
    max_pool_pg_num: int = 65536  # mon_max_pool_pg_num
    allow_size_one: bool = False  # mon_allow_pool_size_one


# --- get ------------------------------------------------------------------------------


def pool_get(pool: Pool, var: str) -> list[tuple[str, Any, str]]:
    """(key, JSON value, plain text) for ``var`` (``all``: every one that applies)."""
    if var == "all":
        out = []
        for name in GET_VARS:
            if name == "all" or name in TIER_VARS or name in EC_VARS:
                continue
            if name in OPTS and name not in pool.opts:
                continue
            out.append(_value(pool, name))
        return out
    if var in TIER_VARS:
        raise CommandError(errno.EACCES, f"pool '{pool.name}' is not a tier pool: variable not "
                           "applicable")  # fmt: skip
    if var in EC_VARS:
        raise CommandError(errno.EACCES, f"pool '{pool.name}' is not a erasure pool: variable "
                           "not applicable")  # fmt: skip
    if var in OPTS and var not in pool.opts:
        raise CommandError(errno.ENOENT, f"option '{var}' is not set on pool '{pool.name}'")
    if var not in GET_VARS:
        raise CommandError(errno.EINVAL, f"unrecognized variable '{var}'")
    return [_value(pool, var)]


def _value(pool: Pool, name: str) -> tuple[str, Any, str]:
    if name in ("size", "min_size", "pg_num", "pgp_num"):
        v = int(getattr(pool, name))
        return name, v, str(v)
    if name == "crush_rule":
        rule = RULES.get(pool.crush_rule, str(pool.crush_rule))
        return name, rule, rule
    if name in FLAG_VARS:
        on = pool.has_flag(name)
        return name, on, "true" if on else "false"
    if name == "use_gmt_hitset":
        return name, True, "1"
    if name == "fast_read":
        return name, 0, "0"
    if name == "pg_autoscale_mode":
        return name, pool.autoscale_mode, pool.autoscale_mode
    v = pool.opts[name]
    return name, v, _g(v)


def _g(v: Any) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def get_plain(items: list[tuple[str, Any, str]]) -> str:
    return "".join(f"{k}: {text}\n" for k, _, text in items)


# --- set ------------------------------------------------------------------------------


def check_pg_num(m: OSDMap, pool: Pool, pg_num: int, size: int, limits: PoolLimits) -> None:
    """Ceph's ``check_pg_num``: the PGs every in OSD would carry must stay under
    ``mon_max_pg_per_osd`` (a map with no in OSDs is not checked here)."""
    _, _, num_in = m.counts()
    if num_in == 0:
        return
    projected = pg_num * size + sum(
        p.pg_num * p.size for p in m.pools.values() if p.pool != pool.pool
    )
    most = limits.max_pg_per_osd * num_in
    if projected > most:
        raise CommandError(errno.ERANGE, f"pool id {pool.pool} pg_num {pg_num} size {size} would "
                           f"mean {projected} total pgs, which exceeds max {most} "
                           f"(mon_max_pg_per_osd {limits.max_pg_per_osd} * num_in_osds "
                           f"{num_in})")  # fmt: skip


def _int(val: str) -> int:
    try:
        return strict_strtoll(val)
    except ParseError as exc:
        raise CommandError(errno.EINVAL, f"error parsing integer value '{val}': {exc}") from None


def _float(val: str) -> float:
    try:
        return strict_strtod(val)
    except ParseError as exc:
        raise CommandError(errno.EINVAL, f"error parsing floating point value '{val}': "
                           f"{exc}") from None  # fmt: skip


def _bool(val: str) -> bool:
    if val in ("true", "1"):
        return True
    if val in ("false", "0"):
        return False
    raise CommandError(errno.EINVAL, "expecting value 'true', 'false', '0', or '1'")


def pool_set(m: OSDMap, pool: Pool, var: str, val: str, sure: bool, limits: PoolLimits) -> str:
    """Change ``pool`` (of the pending map ``m``); the status line ("" when
    nothing needed changing, as Ceph answers a ``pg_num`` it already has)."""
    done = f"set pool {pool.pool} {var} to {val}"
    if var == "size":
        _set_size(m, pool, val, sure, limits)
    elif var == "min_size":
        n = _int(val)
        if n < 1 or n > pool.size:
            raise CommandError(errno.EINVAL, "pool min_size must be between 1 and size, which is "
                               f"set to {pool.size}")  # fmt: skip
        pool.min_size = n
    elif var == "pg_num":
        if not _set_pg_num(m, pool, val, limits):
            return ""
    elif var in ("pgp_num", "pgp_num_actual"):
        if pool.has_flag("nopgchange"):
            raise CommandError(errno.EPERM, "pool pgp_num change is disabled; you must unset "
                               "nopgchange flag for the pool first")  # fmt: skip
        n = _int(val)
        if n <= 0:
            raise CommandError(errno.EINVAL, f"specified pgp_num must > 0, but you set to {n}")
        if n > pool.pg_num:
            raise CommandError(errno.EINVAL, f"specified pgp_num {n} > pg_num {pool.pg_num}")
        pool.pgp_num = n
    elif var == "crush_rule":
        rule = next((i for i, name in RULES.items() if name == val), None)
        if rule is None:
            raise CommandError(errno.ENOENT, f"crush rule {val} does not exist")
        pool.crush_rule = rule
    elif var in FLAG_VARS:
        on = _bool(val)
        if var == "hashpspool" and on != pool.has_flag(var) and not sure:
            raise CommandError(errno.EPERM, "are you SURE?  this will remap all placement groups "
                               "in this pool, this triggers large data movement, pass "
                               "--yes-i-really-mean-it if you really do.")  # fmt: skip
        pool.set_flag(var, on)
    elif var == "pg_autoscale_mode":
        if val not in AUTOSCALE_MODES:
            raise CommandError(errno.EINVAL, f"specified invalid mode {val}")
        pool.autoscale_mode = val
    elif var in TIER_VARS or var == "use_gmt_hitset":
        raise CommandError(errno.EACCES, "(13) Permission denied")
    elif var == "allow_ec_overwrites":
        raise CommandError(errno.EINVAL, "ec overwrites can only be enabled for an erasure "
                           "coded pool")  # fmt: skip
    elif var == "fast_read":
        raise CommandError(errno.EINVAL, "fast read is not supported in replication pool")
    elif var in OPTS:
        _set_opt(m, pool, var, val)
    else:
        raise CommandError(errno.EINVAL, f"unrecognized variable '{var}'")
    pool.last_change = m.epoch
    return done


def _set_size(m: OSDMap, pool: Pool, val: str, sure: bool, limits: PoolLimits) -> None:
    if pool.has_flag("nosizechange"):
        raise CommandError(errno.EPERM, "pool size change is disabled; you must unset "
                           "nosizechange flag for the pool first")  # fmt: skip
    n = _int(val)
    if n <= 0 or n > MAX_POOL_SIZE:
        raise CommandError(errno.EINVAL, f"pool size must be between 1 and {MAX_POOL_SIZE}")
    if n == 1:
        if not limits.allow_size_one:
            raise CommandError(errno.EPERM, "configuring pool size as 1 is disabled by default.")
        if not sure:
            raise CommandError(errno.EPERM, "WARNING: setting pool size 1 could lead to data "
                               "loss without recovery. If you are *ABSOLUTELY CERTAIN* that is "
                               "what you want, pass the flag --yes-i-really-mean-it.")  # fmt: skip
    check_pg_num(m, pool, pool.pg_num, n, limits)
    pool.size = n
    pool.min_size = n - n // 2  # a replicated pool's default min_size


def _set_pg_num(m: OSDMap, pool: Pool, val: str, limits: PoolLimits) -> bool:
    if pool.has_flag("nopgchange"):
        raise CommandError(errno.EPERM, "pool pg_num change is disabled; you must unset "
                           "nopgchange flag for the pool first")  # fmt: skip
    n = _int(val)
    if n == pool.pg_num:
        return False
    if n <= 0 or n > limits.max_pool_pg_num:
        raise CommandError(errno.ERANGE, "'pg_num' must be greater than 0 and less than or equal "
                           f"to {limits.max_pool_pg_num} (you may adjust 'mon max pool pg num' "
                           "for higher values)")  # fmt: skip
    check_pg_num(m, pool, n, pool.size, limits)
    low, high = int(pool.opts.get("pg_num_min", 0)), int(pool.opts.get("pg_num_max", 0))
    if low and n < low:
        raise CommandError(errno.EINVAL, f"specified pg_num {n} < pg_num_min {low}")
    if high and n > high:
        raise CommandError(errno.EINVAL, f"specified pg_num {n} > pg_num_max {high}")
    # Ceph's mgr walks pg_num and pgp_num to the target; the simulator gets there at once.
    pool.pg_num = pool.pgp_num = n
    return True


def _set_opt(m: OSDMap, pool: Pool, var: str, val: str) -> None:
    kind = OPTS[var]
    value: Any
    if kind == "int":
        value = _int(val)
    elif kind == "size":
        try:
            value = strict_iecstrtoll(val)
        except ParseError as exc:
            raise CommandError(errno.EINVAL, f"error parsing value '{val}': {exc}") from None
    elif kind == "float":
        value = _float(val)
    else:
        value = val
    _check_opt(m, pool, var, value)
    unset = (kind != "str" and value == 0) or value == ""  # Ceph unsets an option set to 0
    pool.set_opt(var, None if unset else value)


def _check_opt(m: OSDMap, pool: Pool, var: str, value: Any) -> None:
    if var in _CHOICES and value not in _CHOICES[var]:
        text = _CHOICE_ERROR.get(var, "unrecognized {var} '{v}'")
        raise CommandError(errno.EINVAL, text.format(var=var, v=value))
    if var == "recovery_priority" and not -10 <= value <= 10:
        raise CommandError(errno.EINVAL, "pool recovery_priority must be between -10 and 10")
    if var == "target_size_ratio" and value < 0:
        raise CommandError(errno.EINVAL, "target_size_ratio cannot be negative")
    if var == "pg_autoscale_bias" and not 0 <= value <= 1000:
        raise CommandError(errno.EINVAL, "pg_autoscale_bias must be between 0 and 1000")
    if var == "compression_required_ratio" and not 0 <= value <= 1:
        raise CommandError(errno.EINVAL, "compression_required_ratio is out of range (0-1): "
                           f"'{value}'")  # fmt: skip
    if var == "pg_num_min" and value > pool.pg_num:
        raise CommandError(errno.EINVAL, f"specified pg_num_min {value} > pg_num {pool.pg_num}")
    if var == "pg_num_max" and value and value < pool.pg_num:
        raise CommandError(errno.EINVAL, f"specified pg_num_max {value} < pg_num {pool.pg_num}")
    if var == "dedup_tier" and m.pool_by_name(str(value)) is None:
        raise CommandError(errno.ENOENT, f"unrecognized pool '{value}'")
