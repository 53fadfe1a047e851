"""Client-side matching of an argv against command signatures (the `ceph` CLI's job).

The algorithm follows ceph_argparse's ``validate_command``:

1. Every non-OBSOLETE signature gets a score: the number of its required descriptors
   (literal words included) that the argv matches in order, with a partial (begins-with)
   match allowed for the last word; +0.5 when the score is the same without partial
   matching.  Only the signatures with the best score are kept, in declaration order.
2. Those are tried fewest-required-descriptors first.  A literal-word mismatch or too few
   arguments moves on to the next one; any other argument error means "this is the command,
   but the arguments are wrong" (`InvalidArguments`).  A missing required argument is only
   reported that way when a single signature scored best.
3. If nothing fits, `NoMatchingCommand` lists the best-scored signatures (up to 10, without
   DEPRECATED/HIDDEN ones) as "closest matches".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.cmdparse.argtypes import CephChoices, JSONScalar
from sim.cmdparse.descriptor import ArgDesc, CommandSig, Flag, N
from sim.cmdparse.errors import (
    ArgumentError,
    ArgumentMissing,
    ArgumentNumber,
    ArgumentPrefix,
    ArgumentTooFew,
    ArgumentValid,
    InvalidArguments,
    NoMatchingCommand,
)

#: Words accepted as positional values despite their leading "--" (pre-CephBool confirmations).
_CONFIRM_FLAGS = frozenset(
    {
        "--yes-i-really-mean-it",
        "--yes-i-really-really-mean-it",
        "--yes-i-really-really-mean-it-not-faking",
        "--force",
    }
)
_MAX_CLOSEST = 10

# A signature is walked as a list of slots: a literal word (str) or an argument.
_Slot = str | ArgDesc


class _UnusedArguments(ArgumentError):
    def __init__(self, message: str, notes: Sequence[str]) -> None:
        super().__init__(message)
        self.notes = tuple(notes)


def _slots(sig: CommandSig) -> list[_Slot]:
    return [*sig.words, *sig.args]


def _req(slot: _Slot) -> bool:
    return True if isinstance(slot, str) else slot.req


def _limit(slot: _Slot, seen: int) -> int:
    return 1 if isinstance(slot, str) else slot.limit(seen)


def _convert(slot: _Slot, word: str, partial: bool = False) -> list[JSONScalar]:
    if isinstance(slot, str):
        if word == slot or (partial and slot.startswith(word)):
            return [word]
        raise ArgumentPrefix(f"no match for {word}")
    return slot.convert(word, partial=partial)


def _match_count(argv: Sequence[str], sig: CommandSig, partial: bool) -> int:
    """How many required descriptors of `sig` the argv matches, in order."""
    words = list(argv)
    count = 0
    for slot in _slots(sig):
        seen = 0
        while seen < _limit(slot, seen):
            if not words:
                return count
            word = words.pop(0)
            try:
                _convert(slot, word, partial=partial and not words)
            except ArgumentError:
                if _req(slot):
                    return count
                words.insert(0, word)  # optional: the word may fit the next slot
                break
            seen += 1
        if _req(slot):
            count += 1
    return count


def _take_kwarg(
    word: str, rest: list[str], by_name: Mapping[str, ArgDesc]
) -> tuple[ArgDesc, str] | None:
    """Recognise ``--key=value``, ``--key value`` or ``--flag`` naming an argument."""
    if not word.startswith("--"):
        return None
    key, sep, value = word[2:].partition("=")
    if not key:
        return None
    desc = by_name.get(key.replace("-", "_"))
    if desc is None:
        return None
    if sep and value:
        return desc, value
    if desc.type == "CephBool":
        return desc, "true"
    if rest:
        return desc, rest.pop(0)
    return None


def _store(out: dict[str, Any], slot: _Slot, vals: list[JSONScalar]) -> None:
    if isinstance(slot, str):
        out["prefix"] = f"{out['prefix']} {vals[0]}" if "prefix" in out else vals[0]
    elif slot.is_list:
        out.setdefault(slot.name, []).extend(vals)
    elif slot.name in out:
        raise ArgumentError(f"Duplicate argument '{slot.name}' found.")
    else:
        out[slot.name] = vals[0]


def _validate_sig(argv: Sequence[str], sig: CommandSig) -> dict[str, Any]:
    """Fill `sig` from `argv` or raise the ArgumentError ceph_argparse.validate would."""
    rest = list(argv)
    out: dict[str, Any] = {}
    slots = _slots(sig)
    counts = [0] * len(slots)  # values taken per slot
    by_name = {a.name: a for a in sig.args}
    index_of = {a.name: len(sig.words) + i for i, a in enumerate(sig.args)}
    matched = 0
    note: str | None = None
    injectargs = bool(rest) and rest[0] == "injectargs"

    for i, slot in enumerate(slots):
        name = slot.name if isinstance(slot, ArgDesc) else "prefix"
        while counts[i] < _limit(slot, counts[i]):
            word = rest.pop(0) if rest else None
            if word is None and (not _req(slot) or name in out):
                break
            if word:
                kw = _take_kwarg(word, rest, by_name)
                if kw is not None:
                    desc, value = kw
                    vals = desc.convert(value, is_kwarg=True)
                    counts[index_of[desc.name]] += 1
                    matched += 1
                    _store(out, desc, vals)
                    continue
            if isinstance(slot, ArgDesc) and not slot.positional:
                raise ArgumentValid(f"Unexpected argument '{word}'")
            if word is not None and word.startswith("--"):
                is_choice = isinstance(slot, ArgDesc) and isinstance(slot.argtype, CephChoices)
                if not (is_choice or word in _CONFIRM_FLAGS or injectargs):
                    raise ArgumentValid(f"Unexpected argument '{word}'")
            if word is None:  # a required slot with no input left
                what = slot if isinstance(slot, str) else slot.describe()
                if isinstance(slot, ArgDesc) and slot.n == N:
                    raise ArgumentNumber(f"saw {counts[i]} of {what}, expected at least 1")
                want = _limit(slot, counts[i])
                if counts[i] == 0 and want == 1:
                    raise ArgumentMissing(f"missing required parameter {what}")
                raise ArgumentNumber(f"saw {counts[i]} of {what}, expected {want}")
            try:
                vals = _convert(slot, word)
            except ArgumentError as e:
                if _req(slot):
                    raise
                note = f"{word} not valid:  {e}"
                rest.insert(0, word)  # may fit a later argument
                break
            counts[i] += 1
            matched += 1
            _store(out, slot, vals)
            note = None

    if matched < sig.required_count:
        raise ArgumentTooFew("not enough arguments given")
    if rest:
        raise _UnusedArguments(f"unused arguments: {rest!r}", [note] if note else [])
    if sig.flags & Flag.MGR:
        out["target"] = ("mon-mgr", "")
    if sig.flags & Flag.POLL:
        out["poll"] = True
    return out


def validate(argv: Sequence[str], sigs: Sequence[CommandSig]) -> dict[str, Any]:
    """Turn a `ceph` argv (without the CLI's own options) into a command dict.

    Returns e.g. ``{"prefix": "mgr fail", "who": "x"}``; optional arguments not given are
    omitted; MGR-flagged commands get ``target: ("mon-mgr", "")`` and POLL ones
    ``poll: True``, as ceph_argparse adds them.  Raises `NoMatchingCommand` or
    `InvalidArguments`.
    """
    argv = list(argv)
    best = 0.0
    bests: list[CommandSig] = []
    for sig in sigs:
        if sig.flags & Flag.OBSOLETE:
            continue
        score = float(_match_count(argv, sig, partial=True))
        if score >= math.floor(best) and score == _match_count(argv, sig, partial=False):
            score += 0.5  # prefer full matches over partial ones
        if score < best:
            continue
        if score > best:
            best, bests = score, [sig]
        else:
            bests.append(sig)

    for sig in sorted(bests, key=lambda s: s.required_count):
        try:
            return _validate_sig(argv, sig)
        except (ArgumentPrefix, ArgumentTooFew):
            continue  # not this one; maybe the next
        except ArgumentMissing as e:
            if len(bests) == 1:
                raise InvalidArguments(e, sig) from None
            break
        except ArgumentError as e:
            raise InvalidArguments(e, sig, getattr(e, "notes", ())) from None

    hidden = Flag.DEPRECATED | Flag.HIDDEN
    closest = [s for s in bests if not s.flags & hidden][:_MAX_CLOSEST]
    raise NoMatchingCommand(argv, closest)


def validate_published(
    argv: Sequence[str], descs: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Any], CommandSig]:
    """`validate` against published command descriptions (``get_command_descriptions``):
    the command dict and the signature it matched.

    Only the descriptions whose first word is argv's first (or begins with it,
    argv being one word: the last word may be partial) are parsed. While one of
    them is a live (not obsolete) command, the best score is at least 1, and
    every other description scores 0 (its first descriptor, a literal word,
    does not match): it can be neither chosen nor listed among the closest
    matches. Otherwise all are parsed, and `NoMatchingCommand` lists the
    closest of all, as `validate` does."""
    first = argv[0] if argv else ""
    one_word = len(argv) == 1

    def head_matches(head: str) -> bool:
        return head == first or (one_word and head.startswith(first))

    def may_match(d: Mapping[str, Any]) -> bool:
        text = d.get("cmd")
        head = text.split(None, 1)[0] if isinstance(text, str) and text.strip() else ""
        if not head or "," in head or "=" in head:
            return True  # not a literal word: parsed, so that it fails or matches as it would
        return head_matches(head)

    sigs = [CommandSig.from_json(d) for d in descs if may_match(d)]
    live = (s for s in sigs if s.words and not s.flags & Flag.OBSOLETE)
    if not any(head_matches(s.words[0]) for s in live):
        sigs = [CommandSig.from_json(d) for d in descs]
    cmd = validate(argv, sigs)
    return cmd, next(s for s in sigs if s.prefix == cmd["prefix"])


def match_prefix(cmd: Mapping[str, Any], sigs: Sequence[CommandSig]) -> CommandSig | None:
    """Server side: the first signature whose prefix equals ``cmd["prefix"]``."""
    prefix = cmd.get("prefix")
    if not isinstance(prefix, str):
        return None
    return next((s for s in sigs if s.prefix == prefix), None)
