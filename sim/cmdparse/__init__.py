"""Ceph's command-descriptor grammar and client-side argument validation (pure code, no I/O).

Grammar (src/mon/MonCommands.h; ceph_argparse.py)
--------------------------------------------------
A command descriptor is a string of whitespace-separated tokens::

    mgr module enable name=module,type=CephString name=force,type=CephChoices,strings=--force,req=false

* A token with neither ``,`` nor ``=`` is a *literal word*.  The leading literal words,
  joined by single spaces, are the command's ``prefix`` (``"mgr module enable"``).
* Every other token is an *argument descriptor*: comma-separated ``key=value`` pairs
  (a key without ``=`` means ``true``):

  - ``name=`` (required) -- the key in the JSON command dict;
  - ``type=`` (required) -- ``CephInt``, ``CephFloat``, ``CephString``, ``CephBool``,
    ``CephChoices``, ``CephName``, ``CephOsdName``, ``CephPgid``, ``CephUUID``, ``CephIPAddr``,
    ``CephEntityAddr``, ``CephPoolname``, ``CephObjectname``, ``CephFilepath``,
    ``CephFragment``, ``CephSocketpath`` or ``CephPrefix``;
  - ``req=true|false`` (default true);
  - ``n=<int>|N`` -- repeat count; ``N`` means one or more; the value becomes a JSON list;
  - ``positional=true|false`` (default true; false requires ``req=false``): the argument
    can then only be given as ``--name value``, ``--name=value`` or (bool) ``--name``;
  - type parameters: ``range=min[|max]`` (CephInt, CephFloat), ``strings=a|b|c``
    (CephChoices), ``goodchars=<regex char class>`` (CephString), ...

Literal words must all come before the argument descriptors (as in every Ceph command).

Public API
----------
* `CommandSig.parse()` / `CommandSig.from_json()` declare commands; `CommandSig.to_json()`
  publishes them; `CommandSig.usage()` renders the CLI usage line.
* `validate(argv, sigs)` is the `ceph` CLI's argv -> command dict step; its failures are
  `NoMatchingCommand` / `InvalidArguments`, whose ``render()`` is the CLI's stderr text.
* `validate_published(argv, descs)` is the same over ``get_command_descriptions``' JSON,
  parsing only the descriptions that can match.
* `match_prefix(cmd, sigs)` is the daemons' dispatch lookup.
"""

from sim.cmdparse.argtypes import ARG_TYPES, ArgType, JSONScalar
from sim.cmdparse.descriptor import ArgDesc, CommandSig, Flag, N
from sim.cmdparse.errors import (
    EINVAL_LINE,
    ArgumentError,
    ArgumentFormat,
    ArgumentMissing,
    ArgumentNumber,
    ArgumentPrefix,
    ArgumentTooFew,
    ArgumentValid,
    DescriptorError,
    InvalidArguments,
    NoMatchingCommand,
)
from sim.cmdparse.matcher import match_prefix, validate, validate_published

__all__ = [
    "ARG_TYPES",
    "EINVAL_LINE",
    "N",
    "ArgDesc",
    "ArgType",
    "ArgumentError",
    "ArgumentFormat",
    "ArgumentMissing",
    "ArgumentNumber",
    "ArgumentPrefix",
    "ArgumentTooFew",
    "ArgumentValid",
    "CommandSig",
    "DescriptorError",
    "Flag",
    "InvalidArguments",
    "JSONScalar",
    "NoMatchingCommand",
    "match_prefix",
    "validate",
    "validate_published",
]
