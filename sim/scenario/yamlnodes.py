"""YAML as a tree of nodes that remember where they came from.

A scenario file is *composed* (``yaml.SafeLoader``'s node graph, never
constructed into arbitrary objects), then turned into `Map`, `Seq` and
`Scalar` nodes that each carry a `Mark` (file, line, column, 1-based), so that
every validation error can point at the exact spot. Only the plain YAML types
are accepted (strings, numbers, booleans, null, lists, mappings): any other tag
(``!!python/object``, ``!!binary``, a custom ``!tag``) is an error, so loading
a file can never execute code from it. Duplicate keys, which PyYAML would
silently overwrite, are errors too.

The input cannot exhaust anything: nesting deeper than `MAX_DEPTH`, more
than `MAX_ALIASES` aliases, more than `MAX_NODES` nodes once aliases are
expanded (a "billion laughs" file) and an alias that contains itself are
errors at the offending position, found while composing, before anything
big is built.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from sim.scenario.errors import InvalidScenario, Mark, ScenarioError

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_SEQ_TAG = "tag:yaml.org,2002:seq"
PLAIN = "only plain strings, numbers, booleans, null, lists and mappings"
_MAP_TAG = "tag:yaml.org,2002:map"

MAX_DEPTH = 64  # nesting levels; a scenario needs fewer than ten
MAX_ALIASES = 1000  # ``*alias`` uses in one file
MAX_NODES = 100_000  # nodes once every alias is expanded


class _Limit(Exception):
    """A bound was crossed at ``mark`` (turned into a ScenarioError)."""

    def __init__(self, mark: Any, message: str) -> None:  # a yaml Mark (pure or C)
        super().__init__(message)
        self.mark = mark
        self.message = message


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader's composer with a bounded depth and alias count (PyYAML's
    composer recurses, so 20,000 levels would otherwise hit RecursionError)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Limit(event.start_mark, f"more than {MAX_ALIASES} aliases")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Limit(event.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


@dataclass
class Node:
    mark: Mark

    def kind(self) -> str:
        """What this node is, in words, for "expected X, got Y" messages."""
        raise NotImplementedError

    def plain(self) -> Any:
        """The node as plain Python data (marks dropped)."""
        raise NotImplementedError


@dataclass
class Scalar(Node):
    value: Any = None

    def kind(self) -> str:
        v = self.value
        if v is None:
            return "nothing (null)"
        if isinstance(v, bool):
            return f"a boolean ({str(v).lower()})"
        if isinstance(v, int | float):
            return f"a number ({v})"
        return f"the string {v!r}"

    def plain(self) -> Any:
        return self.value


@dataclass
class Seq(Node):
    items: list[Node] = field(default_factory=list)

    def kind(self) -> str:
        return "a list"

    def plain(self) -> Any:
        return [i.plain() for i in self.items]

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)


@dataclass
class Map(Node):
    pairs: list[tuple[Scalar, Node]] = field(default_factory=list)

    def kind(self) -> str:
        return "a mapping"

    def plain(self) -> Any:
        return {k.value: v.plain() for k, v in self.pairs}

    def pairs_dict(self) -> dict[str, Node]:
        return {str(k.value): v for k, v in self.pairs}

    def keys(self) -> list[str]:
        return [str(k.value) for k, _ in self.pairs]

    def get(self, key: str) -> Node | None:
        for k, v in self.pairs:
            if k.value == key:
                return v
        return None

    def key_node(self, key: str) -> Scalar | None:
        for k, _ in self.pairs:
            if k.value == key:
                return k
        return None


def _mark(filename: str, m: yaml.Mark | None) -> Mark:
    if m is None:
        return Mark(filename, 1, 1)
    return Mark(filename, m.line + 1, m.column + 1)


class _Builder:
    def __init__(self, filename: str, loader: yaml.SafeLoader) -> None:
        self.filename = filename
        self.loader = loader
        self.errors: list[ScenarioError] = []
        self.nodes = 0
        self._path: list[yaml.Node] = []  # the nodes being built, outermost first

    def error(self, node: yaml.Node, msg: str) -> None:
        self.errors.append(ScenarioError(_mark(self.filename, node.start_mark), msg))

    def build(self, node: yaml.Node) -> Node:
        """Located nodes for ``node``; aliases are expanded (bounded, see above)."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Limit(node.start_mark, f"more than {MAX_NODES} nodes once aliases are expanded")
        if len(self._path) >= MAX_DEPTH:
            raise _Limit(node.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
        if any(n is node for n in self._path):
            raise _Limit(node.start_mark, "recursive alias (the node contains itself)")
        self._path.append(node)
        try:
            return self._build(node)
        finally:
            self._path.pop()

    def _build(self, node: yaml.Node) -> Node:
        mark = _mark(self.filename, node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                self.error(node, f"YAML tag {node.tag!r} is not allowed ({PLAIN})")
                return Scalar(mark, None)
            return Scalar(mark, self.loader.construct_object(node, deep=True))
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.error(node, f"YAML tag {node.tag!r} is not allowed ({PLAIN})")
            return Seq(mark, [self.build(n) for n in node.value])
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                self.error(node, f"YAML tag {node.tag!r} is not allowed ({PLAIN})")
            return self._mapping(node, mark)
        self.error(node, "unsupported YAML node")
        return Scalar(mark, None)

    def _mapping(self, node: yaml.MappingNode, mark: Mark) -> Map:
        try:
            self.loader.flatten_mapping(node)  # YAML merge keys (<<: *anchor)
        except yaml.MarkedYAMLError as exc:
            self.error(node, str(exc.problem))
        out = Map(mark)
        seen: dict[Any, Mark] = {}
        for knode, vnode in node.value:
            key = self.build(knode)
            if not isinstance(key, Scalar) or isinstance(key.value, bool) or key.value is None:
                self.error(knode, "a mapping key must be a plain word or number")
                continue
            if key.value in seen:
                first = seen[key.value]
                self.error(knode, f"duplicate key {key.value!r} (first at line {first.line})")
                continue
            seen[key.value] = key.mark
            out.pairs.append((key, self.build(vnode)))
        return out


def compose(text: str, filename: str) -> Node:
    """Parse YAML text into located nodes; raises `InvalidScenario`."""
    loader = _BoundedLoader(text)
    loader.name = filename
    try:
        try:
            root = loader.get_single_node()
            if root is None:
                raise InvalidScenario([ScenarioError(Mark(filename, 1, 1), "the file is empty")])
            builder = _Builder(filename, loader)
            tree = builder.build(root)
        except _Limit as exc:
            raise InvalidScenario(
                [ScenarioError(_mark(filename, exc.mark), f"YAML: {exc.message}")]
            ) from None
        except yaml.MarkedYAMLError as exc:
            m = exc.problem_mark or exc.context_mark
            what = exc.problem or exc.context or "invalid YAML"
            raise InvalidScenario(
                [ScenarioError(_mark(filename, m), f"YAML syntax: {what}")]
            ) from None
        except yaml.YAMLError as exc:
            raise InvalidScenario([ScenarioError(Mark(filename, 1, 1), f"YAML: {exc}")]) from None
        if builder.errors:
            raise InvalidScenario(builder.errors)
        return tree
    finally:
        loader.dispose()


def from_plain(data: Any, filename: str) -> Node:
    """Located nodes for data built in Python (marks point into its YAML dump)."""
    return compose(yaml.safe_dump(data, sort_keys=False, default_flow_style=False), filename)
