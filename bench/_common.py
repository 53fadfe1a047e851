"""Shared helpers for the benchmark scripts (not a benchmark itself).

Importing this module puts the repository on ``sys.path`` and ``PYTHONPATH``
(the supervisor and daemons are started as ``python -m sim …`` and must find
the packages wherever the bench is run from), turns SIGTERM into a clean
exit, and provides: a private temp root that brings down every cluster made
under it (also on Ctrl-C or an error), statistics, tables and ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in [str(REPO), os.environ.get("PYTHONPATH", "")] if p
)

from sim import launcher  # noqa: E402
from sim.client import Cluster  # noqa: E402
from sim.options import Profile, defaults  # noqa: E402

__all__ = ["Cluster", "Profile", "defaults", "launcher"]

POLL = 0.005  # s, interval when polling for a condition


def _sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


signal.signal(signal.SIGTERM, _sigterm)


@contextlib.contextmanager
def bench_root(prefix: str) -> Iterator[Callable[[str], Path]]:
    """Yields ``new(name) -> Path`` for cluster dirs in a private temp dir;
    on exit every cluster dir handed out is brought down and the dir removed."""
    root = Path(tempfile.mkdtemp(prefix=f"sim-bench-{prefix}-"))
    made: list[Path] = []

    def new(name: str) -> Path:
        made.append(root / name)
        return root / name

    try:
        yield new
    finally:
        for path in made:
            with contextlib.suppress(Exception):
                if path.exists():
                    launcher.down(path)
        shutil.rmtree(root, ignore_errors=True)


def mgr_stat(c: Cluster, timeout: float = 2.0) -> dict[str, Any]:
    rc, out, err = c.mon_command({"prefix": "mgr stat", "format": "json"}, timeout=timeout)
    if rc != 0:
        raise RuntimeError(f"mgr stat failed: {rc} {err}")
    return json.loads(out)


def poll(fn: Callable[[], Any], timeout: float, what: str, interval: float = POLL) -> Any:
    """Call ``fn`` every ``interval`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(ConnectionError, TimeoutError):
            value = fn()
            if value:
                return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


def timed_run(argv: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Wall time (s) of a whole subprocess; raises if it fails."""
    t0 = time.perf_counter()
    r = subprocess.run(list(argv), cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {r.returncode}: {r.stderr.decode()[-500:]}")
    return dt


def percentile(xs: Sequence[float], q: float) -> float:
    s = sorted(xs)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def stats(xs: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(xs),
        "min": min(xs),
        "p50": percentile(xs, 50),
        "p90": percentile(xs, 90),
        "p99": percentile(xs, 99),
        "max": max(xs),
        "mean": sum(xs) / len(xs),
    }


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": platform.processor() or platform.machine(),
    }


def fmt(v: float, unit: str) -> str:
    if unit == "ms":
        return f"{v * 1e3:.1f}" if v < 10 else f"{v * 1e3:.0f}"
    if unit == "µs":
        return f"{v * 1e6:.0f}"
    if unit == "s":
        return f"{v:.3f}"
    return f"{v:.2f}"


def table(
    rows: list[tuple[str, dict[str, float]]], cols: Sequence[str], unit: str, label: str = "what"
) -> str:
    """Rows of ``(name, stats)`` with the given stat columns, values in ``unit``."""
    head = [label, "n", *[f"{c} ({unit})" for c in cols]]
    body = [[name, str(s["n"]), *[fmt(s[c], unit) for c in cols]] for name, s in rows]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    line = lambda r: "  ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
    )
    return "\n".join([line(head), "  ".join("-" * w for w in widths), *map(line, body)])


def parser(doc: str | None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=(doc or "").split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--json", action="store_true", help="print machine-readable results")
    return p


def main(
    p: argparse.ArgumentParser, measure: Callable[..., dict[str, Any]], report: Callable
) -> int:
    """Parse args, run ``measure(args)`` and print the report (or JSON)."""
    args = p.parse_args()
    try:
        res = measure(args)
    except KeyboardInterrupt:
        print("interrupted; clusters brought down", file=sys.stderr)
        return 130
    res["machine"] = machine()
    print(json.dumps(res, indent=2) if args.json else report(res))
    return 0
