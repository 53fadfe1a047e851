"""The config command table (mon/commands/config.py): Ceph's descriptors, the handlers on a
fake mon, discarding staged changes. No processes.
"""

from __future__ import annotations

from mon import commands
from sim.cmdparse import Flag
from tests.unit.fake_mon import FakeMon

from .harness import Harness

# =======================================================================================
# Command table
# =======================================================================================


def test_command_descriptors_are_cephs() -> None:
    usage = {p: c.sig.usage() for p, c in commands.COMMANDS.items() if p.startswith("config")}
    assert usage["config set"] == "config set <who> <name> <value> [--force]"
    assert usage["config get"] == "config get <who> [<key>]"
    assert usage["config rm"] == "config rm <who> <name>"
    assert usage["config dump"] == "config dump"
    assert usage["config-key set"] == "config-key set <key> [<val>]"
    assert usage["config-key dump"] == "config-key dump [<key>]"
    deprecated = {p for p, c in commands.COMMANDS.items() if c.sig.flags & Flag.DEPRECATED}
    assert deprecated == {
        "config-key put", "config-key del", "config-key list", "mon remove", "auth list", "auth del",
    }  # fmt: skip
    writes = {p for p, c in commands.COMMANDS.items() if p.startswith("config") and c.writes}
    assert writes == {
        "config set",
        "config rm",
        "config assimilate-conf",  # rw in Ceph 16.2's table too
        "config-key set",
        "config-key put",
        "config-key del",
        "config-key rm",
    }


def test_handlers_on_a_fake_mon() -> None:
    """The handlers run on any `MonContext`: here a fake mon with nothing stored."""
    fake = FakeMon()
    _, reply = commands.dispatch(fake, {"prefix": "config dump"})
    assert reply.render(None) == b"WHO  MASK  LEVEL  OPTION  VALUE  RO\n"


def test_discard_pending_forgets_staged_changes(h: Harness) -> None:
    h.config_service.set("mgr", "mgr_tick_period", "1")
    h.kv_service.set("k", b"v")
    for s in h.services:
        s.discard_pending()
    h.commit()
    assert (h.config_service.version, h.config_service.db) == (0, {})
    assert (h.kv_service.version, h.kv_service.data) == (0, {})
