"""MgrModule helpers built on the host calls: perf counters and pretty tables.

Pure Python over ``get_perf_schema`` / ``get_counter`` / ``list_servers`` (no
host access of their own), plus the table printers poll commands such as
``iostat`` use.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from _mgrapi.types import ServiceInfoT

PERF_SERVICES = ("mds", "mon", "osd", "rbd-mirror", "rgw", "tcmu-runner")


def labelled_schema(flat: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One daemon's flat schema (``{"section.name": schema}``) in 20.2's labelled
    shape, every counter unlabelled (no simulated daemon reports labels)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for path, schema in flat.items():
        section, _, name = str(path).partition(".")
        out.setdefault(section, [{"labels": {}, "counters": {}}])[0]["counters"][name] = dict(
            schema
        )
    return out


def _latest_value(data: Any) -> int:
    """A latest counter sample ``[t, v]`` (or none) as its value."""
    return data[1] if data else 0


def _latest_avg(data: Any) -> tuple[int, int]:
    """A latest long-run-average sample ``[t, sum, count]`` (or none) as (sum, count)."""
    if data:
        _, value, count = cast(tuple[float, int, int], data)
        return value, count
    return 0, 0


class PerfHelpersMixin:
    PRIO_CRITICAL = 10
    PRIO_INTERESTING = 8
    PRIO_USEFUL = 5
    PRIO_UNINTERESTING = 2
    PRIO_DEBUGONLY = 0

    PERFCOUNTER_TIME = 1
    PERFCOUNTER_U64 = 2
    PERFCOUNTER_LONGRUNAVG = 4
    PERFCOUNTER_COUNTER = 8
    PERFCOUNTER_HISTOGRAM = 0x10
    PERFCOUNTER_TYPE_MASK = ~3

    BYTES = 0
    NONE = 1

    log: Any
    get_unlabeled_perf_schema: Any
    get_latest_counter: Any
    list_servers: Any

    def _stattype_to_str(self, stattype: int) -> str:
        typeonly = stattype & self.PERFCOUNTER_TYPE_MASK
        if typeonly == 0:
            return "gauge"
        if typeonly in (self.PERFCOUNTER_LONGRUNAVG, self.PERFCOUNTER_COUNTER):
            return "counter"
        if typeonly == self.PERFCOUNTER_HISTOGRAM:
            return "histogram"
        return ""

    def _perfpath_to_path_labels(
        self, daemon: str, path: str
    ) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        label_name = "ceph_daemon"
        if daemon.startswith("rgw."):
            label_name, daemon = "instance_id", daemon[len("rgw.") :]
        names: tuple[str, ...] = (label_name,)
        labels: tuple[str, ...] = (daemon,)
        if daemon.startswith("rbd-mirror."):
            m = re.match(
                r"^rbd_mirror_image_([^/]+)/(?:(?:([^/]+)/)?)(.*)\.(replay(?:_bytes|_latency)?)$",
                path,
            )
            if m:
                path = "rbd_mirror_image_" + m.group(4)
                names += ("pool", "namespace", "image")
                labels += (m.group(1), m.group(2) or "", m.group(3))
        return path, names, labels

    def _perfvalue_to_value(self, stattype: int, value: int | float) -> int | float:
        return value / 1e9 if stattype & self.PERFCOUNTER_TIME else value

    def _unit_to_str(self, unit: int) -> str:
        if unit == self.NONE:
            return "/s"
        if unit == self.BYTES:
            return "B/s"
        raise ValueError(f'bad unit "{unit}"')

    @staticmethod
    def to_pretty_iec(n: int) -> str:
        for bits, suffix in [
            (60, "Ei"),
            (50, "Pi"),
            (40, "Ti"),
            (30, "Gi"),
            (20, "Mi"),
            (10, "Ki"),
        ]:
            if n > 10 << bits:
                return f"{n >> bits} {suffix}"
        return f"{n} "

    @staticmethod
    def get_pretty_row(elems: Sequence[str], width: int) -> str:
        """One table row for poll commands: ``|   value |   value |``."""
        column = int(width / len(elems))
        return "|" + "".join(f"{e:>{column - 2}} |" for e in elems)

    def get_pretty_header(self, elems: Sequence[str], width: int) -> str:
        """``get_pretty_row`` framed by dashed lines."""
        column = int(width / len(elems))
        dashes = "+" + ("-" * (column - 1) + "+") * len(elems) + "\n"
        return dashes + self.get_pretty_row(elems, width) + "\n" + dashes

    def get_latest(self, daemon_type: str, daemon_name: str, counter: str) -> int:
        return _latest_value(self.get_latest_counter(daemon_type, daemon_name, counter)[counter])

    def get_latest_avg(self, daemon_type: str, daemon_name: str, counter: str) -> tuple[int, int]:
        return _latest_avg(self.get_latest_counter(daemon_type, daemon_name, counter)[counter])

    def get_all_perf_counters(
        self, prio_limit: int = PRIO_USEFUL, services: Sequence[str] = PERF_SERVICES
    ) -> dict[str, dict[str, Any]]:
        """Latest value of every counter at or above ``prio_limit``, per daemon."""
        result: dict[str, dict[str, Any]] = defaultdict(dict)
        for server in self.list_servers():
            for service in cast(list[ServiceInfoT], server["services"]):
                if service["type"] not in services:
                    continue
                schemas = self.get_unlabeled_perf_schema(service["type"], service["id"])
                full = f"{service['type']}.{service['id']}"
                if not schemas or full not in schemas:
                    self.log.warning("No perf counter schema for %s", full)
                    continue
                for path, schema in schemas[full].items():
                    if int(schema["priority"]) < prio_limit:
                        continue
                    info = dict(schema)
                    if int(schema["type"]) & self.PERFCOUNTER_LONGRUNAVG:
                        info["value"], info["count"] = self.get_latest_avg(
                            service["type"], service["id"], path
                        )
                    else:
                        info["value"] = self.get_latest(service["type"], service["id"], path)
                    result[full][path] = info
        return result

    # newer names for the same things
    def get_unlabeled_perf_counters(
        self, prio_limit: int = PRIO_USEFUL, services: Sequence[str] = PERF_SERVICES
    ) -> dict[str, dict[str, Any]]:
        return self.get_all_perf_counters(prio_limit, services)

    def get_unlabeled_counter_latest(self, daemon_type: str, daemon_name: str, counter: str) -> int:
        return self.get_latest(daemon_type, daemon_name, counter)

    def get_unlabeled_counter_latest_avg(
        self, daemon_type: str, daemon_name: str, counter: str
    ) -> tuple[int, int]:
        return self.get_latest_avg(daemon_type, daemon_name, counter)

    # Tentacle's labelled forms (20.2 mgr_module.py); every counter here is unlabelled
    def get_counter_latest(
        self,
        daemon_type: str,
        daemon_name: str,
        counter_name: str,
        sub_counter_name: str,
        labels: list[tuple[str, str]],
    ) -> int:
        return _latest_value(
            self.get_latest_counter(
                daemon_type, daemon_name, counter_name, sub_counter_name, labels
            )[counter_name]
        )

    def get_counter_latest_avg(
        self,
        daemon_type: str,
        daemon_name: str,
        counter_name: str,
        sub_counter_name: str,
        labels: list[tuple[str, str]],
    ) -> tuple[int, int]:
        return _latest_avg(
            self.get_latest_counter(
                daemon_type, daemon_name, counter_name, sub_counter_name, labels
            )[counter_name]
        )

    def get_perf_counters(
        self, prio_limit: int = PRIO_USEFUL, services: Sequence[str] = PERF_SERVICES
    ) -> dict[str, dict[str, Any]]:
        """`get_all_perf_counters` in Tentacle's labelled shape:
        ``{daemon: {section: [{"labels": {}, "counters": {name: info}}]}}``."""
        flat = self.get_all_perf_counters(prio_limit, services)
        return {daemon: labelled_schema(counters) for daemon, counters in flat.items()}
