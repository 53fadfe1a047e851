"""The auth database and ``ceph auth …`` through the mon's dispatch (no
processes), against real Ceph 16.2's outputs (``tests/data/ceph16/auth_*``,
captured on a cephx cluster: README of the goldens); keys, keyrings and caps."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from mon.store import Transaction
from sim.auth import keyring as kr
from sim.auth.capspec import allows, osd_allows, valid_entity
from sim.auth.keys import BadKey, generate_key, is_key, secret_of
from sim.auth.signer import EntitySigner
from sim.auth.view import AuthView
from sim.caps import service_cap
from sim.wire import Signer
from tests.unit.mon_cmd_harness import CmdMon, golden

FOO_KEY = "AQBVSBFr7Z65GBAANmM6lMZRY5N3cj2/wSswRg=="  # client.foo's key in the goldens


class AuthMon(CmdMon):
    """The goldens' auth database (`auth_ls.json`), committed."""

    def __init__(self) -> None:
        super().__init__()
        for e in json.loads(golden("auth_ls.json"))["auth_dump"]:
            self.auth_monitor.put(e["entity"], kr.EntityAuth(e["key"], e["caps"]))
        self._commit()

    def _commit(self) -> None:
        super()._commit()
        txn = Transaction()
        self.auth_monitor.encode_pending(txn)
        self.auth_monitor.on_committed()


@pytest.fixture
def mon() -> AuthMon:
    return AuthMon()


def fixed(text: str, mon: AuthMon) -> str:
    """Our output with client.foo's new random key replaced by the goldens'."""
    auth = mon.auth_monitor.get("client.foo")
    return text if auth is None else text.replace(auth.key, FOO_KEY)


def test_ls_and_get_are_the_goldens(mon: AuthMon) -> None:
    assert mon.run("auth ls") == (0, golden("auth_ls.txt"), "installed auth entries:\n")
    assert mon.run("auth ls", "json")[1] == golden("auth_ls.compact.json")
    assert mon.run("auth ls", "json-pretty")[1] == golden("auth_ls.json")
    for fmt, suffix in ((None, "txt"), ("json", "compact.json"), ("json-pretty", "json")):
        rc, out, outs = mon.run("auth get", fmt, entity="client.admin")
        assert (rc, out, outs) == (
            0, golden(f"auth_get_client_admin.{suffix}"), "exported keyring for client.admin"
        )  # fmt: skip


def test_the_lifecycle_of_client_foo_is_the_goldens(mon: AuthMon) -> None:
    rc, out, _ = mon.run("auth get-or-create", entity="client.foo", caps=["mon", "allow r"])
    assert rc == 0 and fixed(out, mon) == golden("auth_get_or_create_client_foo.txt")
    assert is_key(mon.auth_monitor.get("client.foo").key)  # type: ignore[union-attr]
    for fmt, suffix in (("json", "compact.json"), ("json-pretty", "json")):
        out = mon.run("auth get-or-create", fmt, entity="client.foo", caps=["mon", "allow r"])[1]
        assert fixed(out, mon) == golden(f"auth_get_or_create_client_foo.{suffix}")
        out = mon.run("auth get-or-create-key", fmt, entity="client.foo", caps=["mon", "allow r"])[
            1
        ]
        assert fixed(out, mon) == golden(f"auth_get_or_create_key_client_foo.{suffix}")
        out = mon.run("auth get-key", fmt, entity="client.foo")[1]
        assert fixed(out, mon) == golden(f"auth_get_key_client_foo.{suffix}")
    out = mon.run("auth get-or-create-key", entity="client.foo", caps=["mon", "allow r"])[1]
    assert fixed(out, mon) == golden("auth_get_or_create_key_client_foo.txt")
    assert fixed(mon.run("auth print-key", entity="client.foo")[1], mon) == golden(
        "auth_print_key_client_foo.txt"
    )
    assert mon.run("auth get-or-create", entity="client.foo", caps=["mon", "allow rw"]) == (
        -errno.EINVAL, "", "key for client.foo exists but cap mon does not match"
    )  # fmt: skip
    caps = ["mon", "allow rw", "osd", "allow r pool=p1"]
    assert mon.run("auth caps", entity="client.foo", caps=caps) == (
        0, "", "updated caps for client.foo"
    )  # fmt: skip
    for fmt, suffix in ((None, "txt"), ("json", "compact.json"), ("json-pretty", "json")):
        rc, out, outs = mon.run("auth get", fmt, entity="client.foo")
        assert fixed(out, mon) == golden(f"auth_get_client_foo_after_caps.{suffix}")
        rc, out, outs = mon.run("auth export", fmt, entity="client.foo")
        assert fixed(out, mon) == golden(f"auth_export_client_foo.{suffix}")
        assert fixed(outs, mon) == f"export auth(key={FOO_KEY})"
    assert mon.run("auth del", entity="client.foo") == (0, "", "updated")
    assert mon.run("auth del", entity="client.foo") == (0, "", "entity client.foo does not exist")
    assert mon.auth_monitor.secret("client.foo") is None  # revoked once committed


def test_refusals_are_cephs(mon: AuthMon) -> None:
    assert mon.run("auth get", entity="client.nosuch") == (
        -errno.ENOENT, "", "failed to find client.nosuch in keyring"
    )  # fmt: skip
    assert mon.run("auth caps", entity="client.nosuch", caps=["mon", "allow r"]) == (
        -errno.ENOENT, "", "couldn't find entry client.nosuch"
    )  # fmt: skip
    assert mon.run("auth get", entity="foo") == (-errno.EINVAL, "", "invalid entity_auth foo")
    rc, _, outs = mon.run("auth caps", entity="client.admin", caps=["mon"])
    assert rc == -errno.EINVAL and "odd number" in outs


def test_add_with_a_keyring_and_import(mon: AuthMon) -> None:
    key = generate_key()
    mon.inbuf = kr.format_entity("client.new", kr.EntityAuth(key, {"mon": "allow r"})).encode()
    assert mon.run("auth add", entity="client.new") == (0, "", "added key for client.new")
    assert mon.auth_monitor.get("client.new") == kr.EntityAuth(key, {"mon": "allow r"})
    mon.inbuf = kr.format_entity("client.new", kr.EntityAuth(generate_key(), {})).encode()
    assert mon.run("auth add", entity="client.new")[0] == -errno.EINVAL  # another key
    mon.inbuf = b"[client.imp]\n\tkey = " + generate_key().encode() + b'\n\tcaps mgr = "allow r"\n'
    assert mon.run("auth import") == (0, "", "imported keyring")
    assert mon.auth_monitor.caps("client.imp") == {"mgr": "allow r"}
    mon.inbuf = b"[client.bad]\n\tkey = nope\n"
    assert mon.run("auth import")[0] == -errno.EINVAL


def test_the_mon_checks_the_database_caps_not_the_name(mon: AuthMon) -> None:
    from mon import commands

    mon.run("auth get-or-create", entity="client.foo", caps=["mon", "allow r"])
    set_cmd = {"prefix": "config set", "who": "mon", "name": "mon_tick_interval", "value": "2"}
    assert commands.dispatch(mon, set_cmd, entity="client.foo")[1].retval == -errno.EACCES
    assert commands.dispatch(mon, {"prefix": "status"}, entity="client.foo")[1].retval == 0
    assert commands.dispatch(mon, set_cmd, entity="client.admin")[1].retval == 0


def test_keys_and_keyrings_round_trip(tmp_path: Path) -> None:
    key = generate_key()
    assert len(key) == 40 and key.startswith("AQ") and key.endswith("==")
    assert len(secret_of(key)) == 16 and secret_of(FOO_KEY)
    for bad in ("", "AQ", "not base64!", "QUFBQQ=="):
        with pytest.raises(BadKey):
            secret_of(bad)
    entries = {"client.a": kr.EntityAuth(key, {"mon": "allow r", "mgr": "allow *"})}
    text = kr.format_keyring(entries)
    assert text == f'[client.a]\n\tkey = {key}\n\tcaps mgr = "allow *"\n\tcaps mon = "allow r"\n'
    assert kr.parse("# comment\n\n" + text) == entries
    with pytest.raises(kr.KeyringError):
        kr.parse("key = x\n")
    old = os.umask(0)
    try:
        kr.write(tmp_path / "k", text)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
    assert kr.read(tmp_path / "k") == entries


def test_cap_grammar() -> None:
    assert allows("allow r", "r") and not allows("allow r", "rw") and not allows("allow r", "w")
    assert (
        allows("allow *", "rw") and allows("allow rwx", "rw") and allows("allow profile mgr", "w")
    )
    assert allows("allow profile read-only", "r") and not allows("allow profile read-only", "w")
    assert not allows("allow rw pool=p1", "r") and not allows("", "r")
    assert allows("allow r, allow w", "rw")
    assert osd_allows("allow rw pool=p1", "p1", "", "w") and not osd_allows(
        "allow rw pool=p1", "p2", "", "r"
    )
    assert osd_allows("allow r pool=p* namespace=n", "p9", "n", "r")
    assert not osd_allows("allow r pool=p* namespace=n", "p9", "m", "r")
    assert service_cap(None, "mgr") == "allow *"  # not in the database: a daemon or the harness
    assert service_cap({"mon": "allow r"}, "mgr") == "allow r"
    assert valid_entity("client.foo") and valid_entity("mon.") and not valid_entity("foo")


def test_a_daemon_verifies_a_client_with_its_own_key() -> None:
    foo, admin, service = generate_key(), generate_key(), b"s" * 32
    view = AuthView()
    view.update(1, {"entities": {"client.foo": {"key": foo, "caps": {}},
                                 "client.admin": {"key": admin, "caps": {}}}})  # fmt: skip
    daemon = EntitySigner(service, view.secret)
    from sim import codec

    def header(sender: str) -> bytes:
        return codec.pack(["command", sender, "fsid", 1, 0])

    def signed(sender: str, secret: bytes) -> bool:
        h = header(sender)
        return daemon.verify(Signer(secret).sign(h, b"body"), h, b"body")

    assert signed("client.foo", secret_of(foo)) and signed("client.admin", secret_of(admin))
    assert not signed("client.admin", secret_of(foo))  # foo's key, the admin's name
    assert not signed("mgr.x", secret_of(foo)) and signed("mgr.x", service)
    assert not signed("client.gone", secret_of(foo))
    assert daemon.for_peer("client.foo").sign(b"x") == Signer(secret_of(foo)).sign(b"x")


def test_refusals_answer_client_requests_only() -> None:
    from sim import codec
    from sim.auth import reject

    def req(sender: str, tid: int, fsid: str = "f", extra: tuple[int, ...] = ()) -> list[bytes]:
        return [b"x" * 32, codec.pack(["command", sender, fsid, tid, 0, *extra]), b""]

    assert reject.to_refuse(req("client.admin", 7), "f") == ("client.admin", 7)
    assert reject.to_refuse(req("client.admin", 7, extra=(1, 2)), "f") == ("client.admin", 7)
    assert reject.to_refuse(req("mgr.x", 7), "f") is None  # a daemon's name: silence
    assert reject.to_refuse(req("client.admin", 0), "f") is None  # not a request
    assert reject.to_refuse(req("client.admin", 7, "other"), "f") is None  # another cluster
    refusal = reject.refusal("mon.a", "f", 7)
    assert reject.to_refuse(refusal, "f") is None  # a refusal is never answered
    assert reject.refused_tid(refusal, "f") == 7 and reject.refused_tid(refusal, "g") is None
    assert reject.refused_tid(req("client.admin", 7), "f") is None


def test_a_daemon_knows_the_mkfs_keys_until_the_first_authdb_map() -> None:
    foo, later = generate_key(), generate_key()
    view = AuthView()
    view.seed({"client.foo": kr.EntityAuth(foo, {"mgr": "allow r"})})
    assert view.epoch == 0 and view.secret("client.foo") == secret_of(foo)
    assert view.caps("client.foo") == {"mgr": "allow r"}
    view.update(3, {"entities": {"client.bar": {"key": later, "caps": {}}}})
    assert view.secret("client.foo") is None and view.secret("client.bar") == secret_of(later)
    view.seed({"client.foo": kr.EntityAuth(foo)})  # a map has arrived: the seed is ignored
    assert view.epoch == 3 and view.secret("client.foo") is None
