"""`sim.links`: link faults are seeded, keep a link's order, and spare the harness."""

from __future__ import annotations

import pytest

from sim.links import (
    ALL,
    LinkError,
    LinkFault,
    Links,
    link_pairs,
    parse_ratio,
    parse_seconds,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_no_fault_means_untouched() -> None:
    assert Links().plan("mon.a") is None


def test_latency_and_jitter_never_reorder_a_link() -> None:
    clock = Clock()
    links = Links(seed=1, clock=clock)
    links.set_fault(["mon.a"], LinkFault(latency=0.2, jitter=0.5))
    arrivals = []
    for _ in range(200):
        plan = links.plan("mon.a")
        assert plan is not None and len(plan) == 1 and plan[0] >= 0.2
        arrivals.append(clock.now + plan[0])
        clock.now += 0.01
    assert arrivals == sorted(arrivals)  # FIFO like TCP, whatever the jitter
    assert max(arrivals) - min(arrivals) > 1.0  # and the jitter did something


def test_loss_and_duplication_follow_the_seed() -> None:
    def run(seed: int) -> list[int]:
        links = Links(seed=seed, clock=Clock())
        links.set_fault([ALL], LinkFault(loss=0.3, duplicate=0.2))
        return [len(links.plan("mgr.x") or []) for _ in range(1000)]

    a, b = run(7), run(7)
    assert a == b != run(8)
    assert 250 < a.count(0) < 350  # lost
    assert 100 < a.count(2) < 200  # duplicated (of those not lost)


def test_all_covers_daemons_but_not_the_harness_or_clients() -> None:
    links = Links()
    links.set_fault([ALL], LinkFault(latency=1))
    assert links.plan("osd.3") == [1.0]
    assert links.plan("sim.supervisor") is None
    assert links.plan("client.admin") is None


def test_heal_clears_faults_and_partitions() -> None:
    links = Links()
    links.set_fault(["mon.a", "mon.b"], LinkFault(loss=1))
    links.blocked.update({"mon.a", "mon.c"})
    links.heal(["mon.a"])
    assert links.plan("mon.a") is None and links.allowed("mon.a")
    assert links.plan("mon.b") == [] and not links.allowed("mon.c")
    links.heal()
    assert links.plan("mon.b") is None and links.allowed("mon.c")
    assert links.status() == {"blocked_peers": [], "link_faults": {}, "network": {}}


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"latency": -1}, "latency must be between 0 and 3600"),
        ({"loss": 1.5}, "loss must be a probability"),
        ({"duplicate": True}, "duplicate must be a probability"),
        ({"latency": "soon"}, "latency must be between"),
        ({"lag": 1}, "unknown link fault field(s): lag"),
    ],
)
def test_bad_faults_are_refused(fields: dict, error: str) -> None:
    with pytest.raises(LinkError, match=error.replace("(", r"\(").replace(")", r"\)")):
        LinkFault.from_dict(fields)


def test_parsers() -> None:
    assert parse_seconds("200ms") == pytest.approx(0.2)
    assert parse_seconds("1.5s") == 1.5 and parse_seconds("2") == 2.0
    assert parse_ratio("10%") == pytest.approx(0.1) and parse_ratio("0.25") == 0.25
    with pytest.raises(LinkError, match="not a duration"):
        parse_seconds("fast")
    with pytest.raises(LinkError, match="not a probability"):
        parse_ratio("lots")


def test_link_pairs() -> None:
    ds = ["mon.a", "mgr.x", "mgr.y"]
    assert link_pairs("mgr.x", "mon.a", ds, False) == [("mgr.x", ["mon.a"]), ("mon.a", ["mgr.x"])]
    assert link_pairs("mgr.x", "mon.a", ds, True) == [("mgr.x", ["mon.a"])]
    assert link_pairs("mgr.x", ALL, ds, False) == [
        ("mgr.x", [ALL]),
        ("mon.a", ["mgr.x"]),
        ("mgr.y", ["mgr.x"]),
    ]
    assert link_pairs(ALL, ALL, ds, False) == [(d, [ALL]) for d in ds]


def test_the_network_is_every_daemon_links_baseline() -> None:
    clock = Clock()
    links = Links(seed=1, clock=clock)
    links.network = LinkFault(latency=0.005)
    assert links.plan("mon.a") == [pytest.approx(0.005)] and links.plan("osd.3") is not None
    assert links.plan("client.admin") is None  # the harness and clients are spared
    links.set_fault(["mon.a"], LinkFault(latency=0.2))  # a link step replaces it for that peer
    assert links.plan("mon.a") == [pytest.approx(0.2)]
    assert links.plan("mgr.y") == [pytest.approx(0.005)]
    links.heal()  # back to the run's network, not to a perfect one
    clock.now += 1.0  # (after the 0.2 s message has arrived: no overtaking)
    assert links.plan("mon.a") == [pytest.approx(0.005)]
    assert links.status()["network"] == {"latency": 0.005} and links.status()["link_faults"] == {}


def test_parse_fault() -> None:
    from sim.links import parse_fault

    assert parse_fault("latency=5ms, jitter=2ms,loss=1%") == {
        "latency": 0.005,
        "jitter": 0.002,
        "loss": 0.01,
    }
    assert parse_fault("") == {}
    for bad, error in (("latency", "not FIELD=VALUE"), ("lag=1s", "unknown link fault field"),
                       ("loss=150%", "probability"), ("latency=fast", "not a duration")):  # fmt: skip
        with pytest.raises(LinkError, match=error):
            parse_fault(bad)
