"""hello in real mgr processes: commands, options, end-to-end CLI."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

from .helpers import config_set, mgr, wait_until


def test_hello_commands(module_cluster):
    c = module_cluster("hello")
    assert mgr(c, "hello") == (0, "Hello, world!", "")
    assert mgr(c, "hello", person_name="you") == (0, "Hello, you!", "")
    assert mgr(c, "count", num=3) == (0, "Hello, I am the count!\n1, 2, 3!", "")
    assert mgr(c, "count", num=11) == (-errno.EINVAL, "", "That's too big a number")
    assert mgr(c, "count", num=0) == (-errno.EINVAL, "", "That's too small a number")


def test_hello_sees_config_set(module_cluster):
    c = module_cluster("hello")
    config_set(c, "mgr/hello/place", "earth")
    wait_until(lambda: mgr(c, "hello")[1] == "Hello, earth!", 5.0, "hello to see place=earth")
    config_set(c, "mgr/hello/emphatic", "false")
    wait_until(lambda: mgr(c, "hello")[1] == "Hello, earth", 5.0, "hello to see emphatic=false")


def test_ceph_hello_cli_end_to_end(module_cluster):
    c = module_cluster("hello")
    env = dict(os.environ, SIM_DIR=str(c.run.path))
    p = subprocess.run(
        [sys.executable, "-m", "sim", "ceph", "hello", "cli"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "Hello, cli!"
    p = subprocess.run(
        [sys.executable, "-m", "sim", "ceph", "count", "99"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert p.returncode == errno.EINVAL
    assert "Error EINVAL: That's too big a number" in p.stderr
