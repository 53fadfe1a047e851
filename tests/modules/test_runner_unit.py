"""`ModuleRunner` threads without a mgr: construction, serve failure, the
finisher's serialisation, and the bounded stop."""

from __future__ import annotations

import threading
import time

from mgr.host.runner import ModuleRunner, RunState


class Recorder:
    def __init__(self) -> None:
        self.failures: list[tuple[str, str]] = []
        self.failed = threading.Event()

    def __call__(self, runner: ModuleRunner, error: str, where: str) -> None:
        self.failures.append((error, where))
        self.failed.set()


class Good:
    def __init__(self) -> None:
        self.stop = threading.Event()
        self.calls: list[str] = []

    def serve(self) -> None:
        self.stop.wait()

    def shutdown(self) -> None:
        self.stop.set()


def test_construct_serve_post_and_stop():
    rec = Recorder()
    r = ModuleRunner("good", "active", Good, rec)
    inst = r.construct().result(5)
    r.start_serving()
    assert r.state is RunState.RUNNING and r.status()["serving"]
    order: list[int] = []
    done = threading.Event()
    for i in range(5):
        r.post("job", lambda i=i: order.append(i))
    r.post("job", done.set)
    assert done.wait(5) and order == [0, 1, 2, 3, 4]  # one at a time, in order
    assert r.submit(lambda: threading.current_thread().name).result(5) == "good-finisher"
    assert r.stop(timeout=5) is True
    assert inst.stop.is_set() and r.state is RunState.STOPPED and rec.failures == []


def test_serve_exception_marks_failed():
    class Raises(Good):
        def serve(self) -> None:
            raise RuntimeError("Synthetic exception in serve")

    rec = Recorder()
    r = ModuleRunner("bad", "active", Raises, rec)
    r.construct().result(5)
    r.start_serving()
    assert rec.failed.wait(5)
    assert rec.failures == [("Synthetic exception in serve", "serve")]
    assert r.failed and r.error_string == "Synthetic exception in serve"


def test_constructor_exception_marks_failed():
    def factory() -> Good:
        raise ValueError("cannot construct")

    rec = Recorder()
    r = ModuleRunner("ctor", "active", factory, rec)
    fut = r.construct()
    assert isinstance(fut.exception(5), ValueError)
    assert r.failed and rec.failures == [("cannot construct", "construct")]
    r.start_serving()  # nothing to serve
    assert r.status()["serving"] is False


def test_stop_is_bounded_for_a_module_that_ignores_shutdown():
    class Stubborn(Good):
        def shutdown(self) -> None:
            pass  # never tells serve() to stop

    rec = Recorder()
    r = ModuleRunner("stubborn", "standby", Stubborn, rec)
    inst = r.construct().result(5)
    r.start_serving()
    t0 = time.monotonic()
    assert r.stop(timeout=0.3) is False
    assert time.monotonic() - t0 < 2.0
    inst.stop.set()  # let the abandoned thread finish


def test_notify_exceptions_are_only_logged():
    rec = Recorder()
    r = ModuleRunner("n", "active", Good, rec)
    r.construct().result(5)

    def boom() -> None:
        raise KeyError("in notify")

    r.post("notify(health)", boom)
    assert r.submit(lambda: "still running").result(5) == "still running"
    assert rec.failures == [] and not r.failed
    r.stop(timeout=1)


def test_stop_during_construction_shuts_the_instance_down_and_never_serves():
    # A standby promoted right after its standby modules were started: the
    # standby class must not begin serve() (and take its port) after stop().
    release = threading.Event()
    made: list[Good] = []

    def slow() -> Good:
        release.wait(5)
        made.append(Good())
        return made[-1]

    r = ModuleRunner("slow", "standby", slow, Recorder())
    r.construct().add_done_callback(lambda _f: r.start_serving())
    stopper = threading.Thread(target=lambda: r.stop(timeout=5))
    stopper.start()
    time.sleep(0.1)  # stop() is waiting for the construction
    release.set()
    stopper.join(5)
    assert not stopper.is_alive() and made and made[0].stop.is_set()  # shutdown() reached it
    time.sleep(0.1)
    assert r.state is RunState.STOPPED and not r.status()["serving"] and r.serve_started is None
