"""`sim ceph` keeps bytes and numbers intact: a binary value comes back byte
for byte on stdout or in ``-o FILE``; an integer JSON cannot carry or an
argument that is not UTF-8 is EINVAL with Ceph's text, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.testing import TestCluster, running_cluster

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
BLOB = bytes(range(256)) * 4 + b"\xff\xfe\x00tail"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestCluster]:
    with running_cluster(tmp_path_factory.mktemp("bytes") / "c", mgrs=1) as c:
        yield c


def ceph(c: TestCluster, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sim", "ceph", "--dir", str(c.run.path), *args],
        capture_output=True,
        timeout=60,
        cwd=REPO,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
    )


def test_binary_value_round_trips_on_stdout(cluster: TestCluster, tmp_path: Path) -> None:
    src = tmp_path / "blob.bin"
    src.write_bytes(BLOB)
    r = ceph(cluster, "config-key", "set", "bin/blob", "-i", str(src))
    assert r.returncode == 0, r.stderr
    r = ceph(cluster, "config-key", "get", "bin/blob")
    assert r.returncode == 0, r.stderr
    assert r.stdout == BLOB


def test_output_file_gets_the_raw_bytes(cluster: TestCluster, tmp_path: Path) -> None:
    src, dst = tmp_path / "in.bin", tmp_path / "out.bin"
    src.write_bytes(BLOB)
    assert ceph(cluster, "config-key", "set", "bin/o", "-i", str(src)).returncode == 0
    r = ceph(cluster, "config-key", "get", "bin/o", "-o", str(dst))
    assert r.returncode == 0, r.stderr
    assert dst.read_bytes() == BLOB
    assert r.stdout == b""


def test_an_integer_json_cannot_carry_is_einval(cluster: TestCluster) -> None:
    r = ceph(cluster, "log", "last", "9" * 30)
    assert r.returncode == 22, r.stderr
    assert b"Traceback" not in r.stderr
    assert r.stderr.startswith(b"Error EINVAL: unparseable JSON {")
    assert b'"num": ' + b"9" * 30 in r.stderr


def test_a_non_utf8_argument_is_einval(cluster: TestCluster) -> None:
    r = ceph(cluster, "config-key", "set", b"caf\xe9", "x")
    assert r.returncode == 22, r.stderr
    assert b"Traceback" not in r.stderr
    assert b"Invalid command: invalid chars \\udce9 in caf\\udce9" in r.stderr, r.stderr
    assert r.stderr.endswith(b"Error EINVAL: invalid command\n")


def test_missing_keys_answer_as_ceph_16_kvmonitor(cluster: TestCluster) -> None:
    """Pacific's KVMonitor (which replaced ConfigKeyService in 16.2) answers a
    missing key's get with the store's -ENOENT and no message, and rm with
    ``key deleted`` whether or not the key existed; the older texts (`error
    obtaining 'k': (2) No such file or directory`, `no such key 'k'`) are 15.2's."""
    r = ceph(cluster, "config-key", "get", "nosuchkey")
    assert (r.returncode, r.stdout, r.stderr) == (2, b"", b"Error ENOENT: \n")
    r = ceph(cluster, "config-key", "rm", "nosuchkey")
    assert (r.returncode, r.stderr) == (0, b"key deleted\n")


def test_a_request_over_the_limit_is_answered_not_dropped(cluster: TestCluster) -> None:
    """A raw sender that ignores the limit gets an EFBIG reply from the mon."""
    import zmq

    from sim import codec, wire
    from sim.messages import Command, CommandReply, MsgType

    spec = cluster.core.spec
    header = codec.pack([MsgType.COMMAND.value, "client.raw", spec.fsid, 7, 0])
    body = codec.pack(
        Command(cmd={"prefix": "mgr stat"}, inbuf=b"\0" * codec.MAX_FRAME_BYTES).to_body()
    )
    signer = wire.Signer(cluster.run.secret())
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    try:
        sock.connect(spec.mon_addrs["a"])
        sock.send_multipart([signer.sign(header, body), header, body])
        assert sock.poll(20000), "the mon never answered"
        env = wire.decode(sock.recv_multipart(), signer, spec.fsid)
    finally:
        sock.close()
        ctx.term()
    assert env.tid == 7 and isinstance(env.msg, CommandReply)
    assert env.msg.retval == -27 and "exceeds" in env.msg.outs
    assert cluster.mgr_stat()["available"]  # and the mon serves on
