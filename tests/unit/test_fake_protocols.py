"""The mon's test fakes implement the mon's seams (`mon.context`, `mon.store`).

`FakeMon` is what the command handler tests pass as a `MonContext`, `LeaderOfOne`
its `QuorumView`, `EmptyStore` its `StoreReader`, and the config services'
`Harness` a `FakeMon` over a real store. mypy checks the types (this file is in
``[tool.mypy] files``: `_as_protocols` passes each fake as its protocol, with no
``type: ignore``); the tests check the members at run time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mon.context import MonContext, QuorumView
from mon.store import MonStore, StoreReader
from tests.protocol_checks import missing_members, protocol_members
from tests.unit.config_services.harness import Harness

from .fake_mon import EmptyStore, FakeMon, LeaderOfOne


def _as_protocols(
    mon: FakeMon, quorum: LeaderOfOne, empty: EmptyStore, harness: Harness
) -> tuple[MonContext, QuorumView, StoreReader, MonContext]:
    return mon, quorum, empty, harness  # mypy: each fake is its protocol


@pytest.mark.parametrize(
    ("proto", "make"),
    [
        (MonContext, lambda _: FakeMon()),
        (QuorumView, lambda _: LeaderOfOne()),
        (StoreReader, lambda _: EmptyStore()),
        (MonContext, Harness),
        (StoreReader, lambda path: MonStore(path / "store.db")),
    ],
    ids=["FakeMon", "LeaderOfOne", "EmptyStore", "Harness", "MonStore"],
)
def test_the_fake_implements_the_protocol(proto: type, make: object, tmp_path: Path) -> None:
    assert callable(make)
    fake = make(tmp_path)
    try:
        assert missing_members(proto, fake) == []
    finally:
        for store in (fake, getattr(fake, "store", None)):
            if isinstance(store, MonStore):
                store.close()


def test_the_fakes_pass_as_their_protocols(tmp_path: Path) -> None:
    fakes = (FakeMon(), LeaderOfOne(), EmptyStore(), Harness(tmp_path))
    try:
        assert _as_protocols(*fakes) == fakes
    finally:
        fakes[3].store.close()


def test_the_check_sees_a_missing_member() -> None:
    members = protocol_members(MonContext)
    assert {"inbuf", "mgr_service", "quorum", "monmap", "cluster_log", "clog_all"} <= set(members)

    class Partial(FakeMon):
        def monmap(self, extra: int) -> dict[str, object]:  # type: ignore[override]
            return {}

    gaps = missing_members(MonContext, Partial())
    assert gaps == [
        "monmap: takes [('extra', <_ParameterKind.POSITIONAL_OR_KEYWORD: 1>)], the protocol []"
    ]
    assert "inbuf: missing" in missing_members(MonContext, object())
