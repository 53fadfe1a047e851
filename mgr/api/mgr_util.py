"""Helpers stock modules import from ``mgr_util`` (our implementation).

Formatting (``format_bytes``, ``format_dimless``, ``to_pretty_timedelta``,
colours), networking (``get_default_addr``, ``build_url``), timing
(``RTimer``, ``lock_timeout_log``, ``profile_method``) and time-series rates.
The CephFS connection pool needs libcephfs, which the simulator does not
have: ``CephfsClient`` answers from the FSMap and refuses a file system handle
with `CephfsConnectionException`.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import functools
import ipaddress
import logging
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Module_T = TypeVar("Module_T")  # Ceph's name: the module a CephfsClient serves
logger = logging.getLogger(__name__)

(BLACK, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, GRAY) = range(8)
RESET_SEQ = "\033[0m"
COLOR_SEQ = "\033[1;%dm"
COLOR_DARK_SEQ = "\033[0;%dm"
BOLD_SEQ = "\033[1m"
UNDERLINE_SEQ = "\033[4m"


def colorize(msg: str, color: int, dark: bool = False) -> str:
    return (COLOR_DARK_SEQ if dark else COLOR_SEQ) % (30 + color) + msg + RESET_SEQ


def bold(msg: str) -> str:
    return BOLD_SEQ + msg + RESET_SEQ


def format_units(n: int, width: int, colored: bool, decimal: bool) -> str:
    """``n`` in at most ``width`` characters with a unit suffix (k, M, G …)."""
    factor = 1000 if decimal else 1024
    units = [" ", "k", "M", "G", "T", "P", "E"]
    unit = 0
    while len(str(int(n) // (factor**unit))) > width - 1:
        unit += 1
    if unit > 0:
        text = f"{n / float(factor) ** unit:f}"[: width - 1]
        if text[-1] == ".":
            text = " " + text[:-1]
    else:
        text = f"{int(n):{width - 1}d}"
    formatted = text + units[unit]
    if not colored:
        return formatted
    color = BLACK if n == 0 else YELLOW
    return bold(colorize(formatted[:-1], color)) + bold(colorize(formatted[-1], YELLOW))


def format_dimless(n: int, width: int, colored: bool = False) -> str:
    return format_units(n, width, colored, decimal=True)


def format_bytes(n: int, width: int, colored: bool = False) -> str:
    return format_units(n, width, colored, decimal=False)


def merge_dicts(*args: dict[T, Any]) -> dict[T, Any]:
    out: dict[T, Any] = {}
    for d in args:
        out.update(d)
    return out


def to_pretty_timedelta(n: datetime.timedelta) -> str:
    """``42s``, ``5m``, ``3h``, ``2d``, ``6w``, ``4M``, ``2y``."""
    s = int(n.total_seconds())
    steps = [
        (datetime.timedelta(seconds=120), 1, "s"),
        (datetime.timedelta(minutes=120), 60, "m"),
        (datetime.timedelta(hours=48), 3600, "h"),
        (datetime.timedelta(days=14), 86400, "d"),
        (datetime.timedelta(days=7 * 12), 86400 * 7, "w"),
        (datetime.timedelta(days=365 * 2), 86400 * 30, "M"),
    ]
    for limit, unit, suffix in steps:
        if n < limit:
            return f"{s // unit}{suffix}"
    return f"{s // (86400 * 365)}y"


@functools.lru_cache(maxsize=1)
def get_default_addr() -> str:
    """``::`` when IPv6 works on this host, else ``0.0.0.0``."""
    try:
        with contextlib.closing(socket.socket(socket.AF_INET6)) as sock:
            sock.bind(("::1", 0))
            return "::"
    except OSError:
        return "0.0.0.0"


def wrap_ipv6(address: str) -> str:
    try:
        if ipaddress.ip_address(address).version == 6:
            return f"[{address}]"
    except ValueError:
        pass
    return address


def build_url(host: str, scheme: str | None = None, port: int | None = None, path: str = "") -> str:
    """``build_url('example.com', 'https', 443)`` -> ``https://example.com:443``."""
    netloc = wrap_ipv6(host)
    if port:
        netloc += f":{port}"
    return urllib.parse.urlunparse((scheme or "", netloc, path, "", "", ""))


class ServerConfigException(Exception):
    pass


class CephfsConnectionException(Exception):
    def __init__(self, error_code: int, error_message: str) -> None:
        super().__init__(error_code, error_message)
        self.errno = error_code
        self.error_str = error_message

    def to_tuple(self) -> tuple[int, str, str]:
        return self.errno, "", self.error_str

    def __str__(self) -> str:
        return f"{self.errno} ({self.error_str})"


class CephfsConnectionPool:
    """Ceph's pool of libcephfs handles, without libcephfs: a handle is refused."""

    def __init__(self, mgr: Any) -> None:
        self.mgr = mgr

    def get_fs_handle(self, fs_name: str) -> Any:
        raise CephfsConnectionException(
            -errno.ENOTSUP, "libcephfs is not available in ceph-mgr-sim"
        )

    def put_fs_handle(self, fs_name: str, fs_handle: Any = None) -> None:
        return None

    def del_all_connections(self) -> None:
        return None


class CephfsClient(Generic[Module_T]):
    """What modules ask of their file systems: the FSMap's answers work (``get_fs``
    is a file system's FSMap entry, as in Ceph), a libcephfs handle is refused.
    Generic in the module it serves, as Ceph's (``volumes``:
    ``CephfsClient["Module"]``)."""

    def __init__(self, mgr: Module_T) -> None:
        self.mgr = mgr
        self.connection_pool = CephfsConnectionPool(mgr)

    def shutdown(self) -> None:
        self.connection_pool.del_all_connections()

    def _filesystems(self) -> list[dict[str, Any]]:
        return list(self.mgr.get("fs_map")["filesystems"])  # type: ignore[attr-defined]

    def get_fs(self, fs_name: str) -> dict[str, Any] | None:
        return next((f for f in self._filesystems() if f["mdsmap"]["fs_name"] == fs_name), None)

    def get_mds_names(self, fs_name: str) -> list[str]:
        fs = self.get_fs(fs_name)
        return [] if fs is None else [mds["name"] for mds in fs["mdsmap"]["info"].values()]

    def get_metadata_pool(self, fs_name: str) -> Any:
        fs = self.get_fs(fs_name)
        return fs["mdsmap"]["metadata_pool"] if fs else None

    def get_all_filesystems(self) -> list[str]:
        return [f["mdsmap"]["fs_name"] for f in self._filesystems()]


@contextlib.contextmanager
def open_filesystem(fsc: CephfsClient[Any], fs_name: str) -> Iterator[Any]:
    """A shared handle on ``fs_name`` (refused here: `CephfsConnectionException`)."""
    fs_handle = fsc.connection_pool.get_fs_handle(fs_name)
    try:
        yield fs_handle
    finally:
        fsc.connection_pool.put_fs_handle(fs_name, fs_handle)


class RTimer(threading.Timer):
    """A Timer that repeats every ``interval`` until cancelled."""

    def run(self) -> None:
        try:
            while not self.finished.is_set():
                self.finished.wait(self.interval)
                if not self.finished.is_set():
                    self.function(*self.args, **self.kwargs)
        except Exception:
            logger.exception("task exception")
            raise


@contextlib.contextmanager
def lock_timeout_log(lock: threading.Lock, timeout: int = 5) -> Iterator[None]:
    """Take ``lock``, logging every ``timeout`` seconds while waiting for it."""
    start = time.time()
    while not lock.acquire(True, timeout):
        logger.warning("possible deadlock acquiring %s (waited %.0fs)", lock, time.time() - start)
    try:
        yield
    finally:
        lock.release()


def profile_method(skip_attribute: bool = False) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Log how long each call takes (at debug level)."""

    def outer(f: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            t0 = time.time()
            result = f(*args, **kwargs)
            duration = time.time() - t0
            if not skip_attribute and args:
                with contextlib.suppress(AttributeError):
                    wrapper._execution_duration = duration  # type: ignore[attr-defined]
            logger.debug("method %s ran %.3f seconds", f.__qualname__, duration)
            return result

        return wrapper

    return outer


def _pairwise(items: Iterable[T]) -> Iterator[tuple[T, T]]:
    it = iter(items)
    prev = next(it, None)
    for cur in it:
        yield prev, cur  # type: ignore[misc]
        prev = cur


def get_time_series_rates(data: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """[(t, v)…] -> [(t, dv/dt)…] for successive points with t increasing."""
    out = []
    for (t1, v1), (t2, v2) in _pairwise(data):
        if t2 > t1:
            out.append((t2, (v2 - v1) / (t2 - t1)))
    return out


def get_most_recent_rate(rates: list[tuple[float, float]] | None) -> float:
    if not rates:
        return 0.0
    return rates[-1][1]


def name_to_config_section(name: str) -> str:
    """``mgr.x`` / ``client.admin`` … -> the config section that applies."""
    daemon_type = name.split(".", 1)[0]
    if daemon_type in ("mon", "mgr", "osd", "mds", "client", "rgw", "global"):
        return name
    return f"client.{name}"
