"""The module host's test fakes implement its seams (`mgr.host.py_modules`).

`FakePyModules` is what the host's parts (handle, writes, commands, digest) get
in ``test_host_seam.py`` as `PyModules`, and `FakeMonc` the digest's
`MonCommands`. mypy checks the types (this file is in ``[tool.mypy] files``:
`_as_protocols` passes each fake as its protocol, with no ``type: ignore``);
the tests check the members at run time, against the real host's too.
"""

from __future__ import annotations

import pytest

from mgr.host.host import PyModuleHost
from mgr.host.py_modules import ModuleWrites, MonCommands, PyModules
from mgr.host.writes import Writes
from tests.protocol_checks import missing_members

from .fake_py_modules import FakeMonc, FakePyModules


def _as_protocols(
    host: FakePyModules, monc: FakeMonc, writes: Writes
) -> tuple[PyModules, MonCommands, ModuleWrites]:
    return host, monc, writes  # mypy: each fake is its protocol


@pytest.mark.parametrize(
    ("proto", "obj"),
    [
        (PyModules, FakePyModules()),
        (MonCommands, FakeMonc()),
        (ModuleWrites, Writes(FakePyModules())),
    ],
    ids=["FakePyModules", "FakeMonc", "Writes"],
)
def test_the_fake_implements_the_protocol(proto: type, obj: object) -> None:
    assert missing_members(proto, obj) == []


def test_the_real_host_declares_the_protocol() -> None:
    """`PyModuleHost` itself, as a class: the fake and the host agree on the seam."""
    gaps = missing_members(PyModules, PyModuleHost)
    assert not [g for g in gaps if not g.endswith(": missing")], gaps


def test_the_fakes_pass_as_their_protocols() -> None:
    host = FakePyModules()
    parts = (host, FakeMonc(), host.writes)
    assert _as_protocols(*parts) == parts
