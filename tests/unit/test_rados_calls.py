"""The mgr's table of module threads inside librados (`mgr.host.rados_calls`)."""

from __future__ import annotations

import threading
import time
from typing import Any

from mgr.host import listeners
from mgr.host.rados_calls import BLOCKED_AFTER, RadosCalls


def test_a_call_on_a_module_thread_is_that_modules_and_blocks_after_a_while() -> None:
    events: list[tuple[str, dict[str, Any]]] = []
    calls = RadosCalls(lambda kind, **f: events.append((kind, f)))
    inside, release = threading.Event(), threading.Event()

    def module_thread() -> None:
        with listeners.owned_by("dbwriter/active"), calls.track("write object 'x'"):
            inside.set()
            release.wait(10)

    t = threading.Thread(target=module_thread, name="dbwriter-serve")
    t.start()
    assert inside.wait(10)
    assert calls.of_module("dbwriter") == {"blocked_in": None, "rados_calls": 1}
    later = time.monotonic() + BLOCKED_AFTER + 0.1
    assert calls.of_module("dbwriter", later)["blocked_in"] == "rados"
    assert calls.of_module("other", later) == {"blocked_in": None, "rados_calls": 0}
    calls.check(later)
    calls.check(later)  # announced once
    assert events == [("blocked_rados", {"state": "blocked", "module": "dbwriter",
                                         "what": "write object 'x'", "thread": "dbwriter-serve"})]  # fmt: skip
    [entry] = calls.blocked(later)
    assert entry["module"] == "dbwriter" and entry["thread"] == "dbwriter-serve"
    release.set()
    t.join(10)
    assert calls.status() == [] and events[-1][1]["state"] == "done"


def test_a_short_call_is_never_blocked_nor_announced() -> None:
    events: list[Any] = []
    calls = RadosCalls(lambda kind, **f: events.append(kind))
    with calls.track("read"):
        calls.check()
        [entry] = calls.status()
        assert entry["module"] == "?" and not entry["blocked"]  # not a module's thread
    assert events == [] and calls.status() == []
