"""Unit tests of the ConfigKeyService (mon/config_key.py, ``config-key``). No processes.

A commit is simulated the way ``mon/commit.py`` does it (``harness.py``): encode
every service's pending changes into one transaction, apply it to a real
`MonStore` (SQLite in the test's tmp dir), then ``on_committed``.

Expected behaviour: Ceph 16.2's ConfigMonitor.cc / KVMonitor.cc /
options.cc / strtol.cc, and the golden outputs in
``tests/data/ceph16`` (compared byte for byte).
"""

from __future__ import annotations

import errno
import json

from mon import commands
from mon.config_key import is_binary

from .harness import Harness, cfg_set, golden

# =======================================================================================
# ConfigKeyService (config-key)
# =======================================================================================


def fill_kv_golden(h: Harness) -> None:
    d = json.loads(golden("config_key_dump.json"))
    for key, value in d.items():  # any order: the store sorts
        rc, _, outs = h.run("config-key set", key=key, val=value)
        assert (rc, outs) == (0, f"set {key}")


def test_golden_config_key_ls_and_dump(h: Harness) -> None:
    fill_kv_golden(h)
    assert h.cli("config-key ls") == golden("config_key_ls.txt")
    assert h.cli("config-key ls", "json-pretty") == golden("config_key_ls.json")
    assert h.cli("config-key dump") == golden("config_key_dump.txt")
    assert h.cli("config-key dump", "json-pretty") == golden("config_key_dump.json")
    keys = sorted(json.loads(golden("config_key_dump.json")))
    assert h.cli("config-key ls", "json") == "\n" + json.dumps(keys, separators=(",", ":"))


def test_config_key_get_set_exists_rm(h: Harness) -> None:
    assert h.run("config-key get", key="k") == (-errno.ENOENT, "", "")
    assert h.run("config-key set", key="k", val="v1") == (0, "", "set k")
    assert h.run("config-key get", key="k") == (0, "v1", "")  # raw: no newline added
    assert h.run("config-key get", "json-pretty", key="k") == (0, "v1", "")
    assert h.run("config-key exists", key="k") == (0, "", "key 'k' exists")
    assert h.run("config-key exists", key="z") == (-errno.ENOENT, "", "key 'z' doesn't exist")
    assert h.run("config-key rm", key="k") == (0, "", "key deleted")
    assert h.run("config-key rm", key="k") == (0, "", "key deleted")  # KVMonitor: same text
    assert h.run("config-key del", key="z") == (0, "", "key deleted")
    assert h.run("config-key put", key="p", val="") == (0, "", "set p")
    assert h.run("config-key get", key="p") == (0, "", "")
    assert h.run("config-key list") == (0, '[\n    "p"\n]\n', "")
    assert h.kv_service.version == 3  # set k, rm k, put p (no-ops do not commit)


def test_config_key_value_from_inbuf_is_binary_safe(h: Harness) -> None:
    blob = b"\x00\xffbin\n"
    h.inbuf = blob
    assert h.run("config-key set", key="mgr/m/blob")[0] == 0
    assert h.kv_service.get("mgr/m/blob") == blob
    _, reply = commands.dispatch(h, {"prefix": "config-key get", "key": "mgr/m/blob"})
    assert reply.render(None) == blob
    assert json.loads(h.cli("config-key dump", "json")) == {
        "mgr/m/blob": "<<< binary blob of length 6 >>>"
    }
    h.inbuf = b"from file"
    assert h.run("config-key set", key="k2", val="from val")[0] == 0  # val wins over -i
    assert h.kv_service.get("k2") == b"from val"
    h.reopen()
    assert h.kv_service.get("mgr/m/blob") == blob


def test_is_binary() -> None:
    assert not is_binary(b"plain text\twith\ttabs\nand lines")
    assert is_binary(b"\x01")
    assert is_binary(b"\x7f")
    assert is_binary("caf\u00e9".encode())  # any byte >= 0x80 (a signed char in C++)


def test_config_key_dump_prefix(h: Harness) -> None:
    for key in ("a/1", "a/2", "ab", "b"):
        h.run("config-key set", key=key, val=key)
    assert json.loads(h.cli("config-key dump", "json", key="a/")) == {"a/1": "a/1", "a/2": "a/2"}
    assert json.loads(h.cli("config-key dump", "json", key="a")) == {
        "a/1": "a/1",
        "a/2": "a/2",
        "ab": "ab",
    }
    assert json.loads(h.cli("config-key dump", "json", key="zz")) == {}


def test_config_key_entry_size_limit(h: Harness) -> None:
    cfg_set(h, "mon", "mon_config_key_max_entry_size", "4")
    assert h.run("config-key set", key="k", val="12345") == (
        -errno.EFBIG,
        "",
        "error: entry size limited to 4 bytes. Use 'mon config key max entry size' to manually adjust",
    )
    assert h.run("config-key set", key="k", val="1234")[0] == 0


def test_kv_persists_and_publishes_mgr_prefix(h: Harness) -> None:
    assert h.kv_service.current_map() == (0, {"prefix": "mgr/", "values": {}})
    h.run("config-key set", key="mgr/b/k", val="2")
    h.run("config-key set", key="device/x", val="not published")
    h.run("config-key set", key="mgr/a/k", val="1")
    kv = [p for p in h.published if p[0] == "kv"]
    assert [e for _, e, _ in kv] == [1, 2, 3]
    assert kv[-1] == ("kv", 3, {"prefix": "mgr/", "values": {"mgr/a/k": "1", "mgr/b/k": "2"}})
    h.run("config-key rm", key="mgr/b/k")
    assert h.published[-1] == ("kv", 4, {"prefix": "mgr/", "values": {"mgr/a/k": "1"}})
    h.reopen()
    assert h.kv_service.current_map() == (4, {"prefix": "mgr/", "values": {"mgr/a/k": "1"}})
    assert h.kv_service.keys() == ["device/x", "mgr/a/k"]
