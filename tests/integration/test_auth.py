"""Per-entity keys with real processes (issue 14 item 7, "Identity").

One cluster (1 mon, 1 mgr, 1 OSD) made under umask 000: a client holding
``client.foo``'s keyring gets foo's caps from the mon's auth database, not
from the name it claims; a frame signed with another entity's key is dropped
(and refused) without a daemon dying; ``auth rm`` takes effect on the next
frame; every file is the owner's alone.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import zmq

from sim import launcher, rados, wire
from sim.auth import keyring as kr
from sim.auth.reject import MARK, PermissionDenied
from sim.auth.signer import entity_secret
from sim.client import Cluster
from sim.messages import Command, Envelope, Ping
from sim.testing import TestCluster, running_cluster, wait_until

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
DENIED = "[errno 13] RADOS permission denied (error connecting to the cluster)\n"


def ceph(run: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", "ceph", "--dir", str(run), "--timeout", "20", *args],
        capture_output=True, text=True, timeout=timeout, cwd=REPO,
    )  # fmt: skip


@pytest.fixture(scope="module")
def c(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestCluster]:
    old = os.umask(0)  # the cluster is made, and its keyrings written, under umask 000
    try:
        with running_cluster(tmp_path_factory.mktemp("auth") / "c", mgrs=1, osds=1) as cl:
            os.umask(0)
            yield cl
    finally:
        os.umask(old)


def make_client(c: TestCluster, entity: str, *caps: str) -> Path:
    """``auth get-or-create ENTITY CAPS… -o KEYRING`` through the CLI."""
    path = c.run.path / f"{entity}.keyring"
    r = ceph(c.run.path, "auth", "get-or-create", entity, *caps, "-o", str(path))
    assert r.returncode == 0, r.stderr
    return path


def pids(c: TestCluster) -> set[int]:
    return {p.pid for p in launcher.cluster_processes(c.run)}


def test_run_directory_and_keyrings_are_private_under_umask_000(c: TestCluster) -> None:
    foo = make_client(c, "client.perm", "mon", "allow r")
    assert stat.S_IMODE(c.run.path.stat().st_mode) == 0o700
    keyrings = [*c.run.path.glob("*.keyring"), c.run.path / "keyring"]
    assert foo in keyrings and len(keyrings) >= 4  # mkfs, admin, ro, -o output, service
    modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in keyrings}
    assert set(modes.values()) == {"0o600"}, modes
    loose = [p for p in c.run.path.rglob("*") if not p.is_socket() and p.stat().st_mode & 0o077]
    assert not loose, loose
    # the keyring is Ceph's file format: the section, the key, no caps (get-or-create)
    text = foo.read_text()
    assert text.startswith("[client.perm]\n\tkey = AQ") and text.endswith("==\n")
    assert kr.parse(text)["client.perm"].caps == {}


def test_allow_r_client_reads_but_is_refused_writes(c: TestCluster) -> None:
    foo = make_client(c, "client.foo", "mon", "allow r", "osd", "allow r pool=rbd")
    r = ceph(c.run.path, "-n", "client.foo", "-k", str(foo), "status")
    assert r.returncode == 0, r.stderr
    assert "health: HEALTH_" in r.stdout
    r = ceph(c.run.path, "-n", "client.foo", "-k", str(foo),
             "config", "set", "mon", "mon_tick_interval", "2")  # fmt: skip
    assert (r.returncode, r.stderr) == (13, "Error EACCES: access denied\n")
    # the mgr takes its caps from the same database (no mgr cap: the mon cap)
    r = ceph(c.run.path, "-n", "client.foo", "-k", str(foo), "pg", "stat")
    assert r.returncode == 0, r.stderr
    r = ceph(c.run.path, "-n", "client.foo", "-k", str(foo), "pg", "repair", "1.0")
    assert r.returncode == 13 and r.stderr.startswith("Error EACCES: access denied")
    # the admin's own key still may
    r = ceph(c.run.path, "config", "set", "mon", "mon_tick_interval", "2")
    assert r.returncode == 0, r.stderr


def test_the_osd_checks_the_osd_cap(c: TestCluster) -> None:
    rw = make_client(c, "client.rw", "mon", "allow r", "osd", "allow rw pool=rbd")
    ro = make_client(c, "client.ro2", "mon", "allow r", "osd", "allow r pool=rbd")
    with (
        rados.Rados(conffile=str(c.run.path), name="client.rw", conf={"keyring": str(rw)}) as h,
        h.open_ioctx("rbd") as io,
    ):
        io.write_full("obj", b"data")
    with (
        rados.Rados(conffile=str(c.run.path), name="client.ro2", conf={"keyring": str(ro)}) as h,
        h.open_ioctx("rbd") as io,
    ):
        assert io.read("obj") == b"data"
        with pytest.raises(rados.PermissionError):
            io.write_full("obj", b"mine now")
        assert io.read("obj") == b"data"


def test_claiming_admin_with_foos_key_is_refused(c: TestCluster) -> None:
    foo = make_client(c, "client.foo2", "mon", "allow r")
    forged = c.run.path / "forged.keyring"
    kr.write(forged, foo.read_text().replace("[client.foo2]", "[client.admin]"))
    before = c.admin("mon.a", "status")["dropped"].get("unauthenticated", 0)
    r = ceph(c.run.path, "-n", "client.admin", "-k", str(forged), "config", "set",
             "mon", "mon_tick_interval", "3")  # fmt: skip
    assert (r.returncode, r.stderr) == (13, DENIED)
    assert c.admin("mon.a", "status")["dropped"].get("unauthenticated", 0) > before
    assert c.json("config get", who="mon", key="mon_tick_interval") != 3
    with pytest.raises(rados.PermissionDeniedError):
        rados.Rados(conffile=str(c.run.path), name="client.admin",
                    conf={"keyring": str(forged)}).connect()  # fmt: skip


def test_auth_rm_revokes_an_open_session(c: TestCluster) -> None:
    bar = make_client(c, "client.bar", "mon", "allow r", "mgr", "allow r")
    with Cluster(c.run.path, name="client.bar", keyring=bar) as cl:
        rc, _, err = cl.mon_command({"prefix": "status"})
        assert rc == 0, err
        rc, _, err = cl.mgr_command({"prefix": "pg stat"})
        assert rc == 0, err
        rc, _, err = c.mon_command({"prefix": "auth rm", "entity": "client.bar"})
        assert rc == 0 and err == "updated", err
        # the mon that committed it refuses the very next frame, on the open session
        with pytest.raises(PermissionDenied):
            cl.mon_command({"prefix": "status"}, timeout=10)

        def mgr_refuses() -> bool:
            try:
                cl.mgr_command({"prefix": "pg stat"}, timeout=5)
            except PermissionDenied:
                return True
            return False

        wait_until(mgr_refuses, 10, "the mgr to refuse the removed key")
    r = ceph(c.run.path, "-n", "client.bar", "-k", str(bar), "status")
    assert (r.returncode, r.stderr) == (13, DENIED)


def test_frames_signed_with_another_entitys_key_are_dropped(c: TestCluster) -> None:
    foo = make_client(c, "client.foo3", "mon", "allow *", "mgr", "allow *")
    secret = entity_secret(foo, "client.foo3")
    alive = pids(c)
    fsid = c.core.spec.fsid
    targets = {"mon.a": c.core.spec.mon_addrs["a"], "mgr.x": _addr(c, "mgr.x")}
    before = {d: c.admin(d, "status")["dropped"].get("unauthenticated", 0) for d in targets}
    ctx = zmq.Context()
    try:
        for daemon, addr in targets.items():
            sock = ctx.socket(zmq.DEALER)
            sock.setsockopt(zmq.LINGER, 0)
            sock.connect(addr)
            # foo's key, claiming the admin, a daemon, and an entity nobody has
            for n, claim in enumerate(("client.admin", "mgr.x", "mon.a", "client.nobody"), 1):
                cmd = Command(cmd={"prefix": "config set", "who": "mon",
                                   "name": "mon_tick_interval", "value": "4"})  # fmt: skip
                env = Envelope(Command.TYPE, claim, fsid, n, cmd)
                sock.send_multipart(wire.encode(env, wire.Signer(secret)))
                sock.send_multipart(wire.encode(Envelope(Ping.TYPE, claim, fsid, 0, Ping()),
                                                wire.Signer(secret)))  # fmt: skip
            answers = []
            while sock.poll(1000):
                answers.append(sock.recv_multipart())
            sock.close()
            # refusals only, and only to the client claims (a daemon's gets silence)
            assert [a[0] for a in answers] == [MARK, MARK], (daemon, answers)
            wait_until(
                lambda d=daemon: c.admin(d, "status")["dropped"].get("unauthenticated", 0)
                >= before[d] + 8,
                5, f"{daemon} to count the 8 frames",
            )  # fmt: skip
    finally:
        ctx.term()
    assert pids(c) == alive  # 0 deaths
    assert c.json("config get", who="mon", key="mon_tick_interval") != 4
    assert c.mgr_stat()["available"]


def _addr(c: TestCluster, daemon: str) -> str:
    mgrs = c.json("mgr dump")
    active = mgrs["active_addrs"]["addrvec"][0]["addr"]
    assert mgrs["active_name"] == daemon.split(".")[1]
    return f"tcp://{active.split('/')[0]}"
