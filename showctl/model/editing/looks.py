"""Light-cue looks: recording a look as a new cue, updating a cue's ``fixtures:`` block
in place, and building those blocks as flow mappings like hand-written cues."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from showctl.model.editing.base import EditError
from showctl.model.editing.commands import InsertCue
from showctl.model.editing.values import _restyle

if TYPE_CHECKING:
    from showctl.model.editing.document import ShowDocument


@dataclass
class RecordLook(InsertCue):
    """Record a look as a new light cue after ``after`` (see :class:`InsertCue`).

    ``fixtures`` is the cue's ``fixtures:`` block as people write it (selection →
    attribute → value, e.g. ``{"front": {"intensity": 80, "color": "warm white"}}``);
    each selection's values are written as a flow mapping, like hand-written cues."""

    fixtures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.type = "light"

    def describe(self) -> str:
        return f"record cue {self.number}"

    def apply(self, doc: ShowDocument) -> None:
        if self._node is None:
            self.extra = {**self.extra, "fixtures": _fixtures_node(self.fixtures)}
        super().apply(doc)


@dataclass
class UpdateLook:
    """Make a light cue's ``fixtures:`` block ``fixtures`` (selection → attribute →
    value), changing only the keys and values that differ: untouched selections and
    values keep their lines, comments and quoting. An empty block removes the key."""

    list: str
    number: str
    fixtures: dict[str, dict[str, Any]]
    _had: bool = False
    _old: Any = None
    _pos: int = 0
    _moved_comment: tuple[str, Any] | None = None

    def describe(self) -> str:
        return f"update cue {self.number}"

    def apply(self, doc: ShowDocument) -> None:
        node = doc.locate(self.list, self.number).node
        if node.get("type") != "light":
            raise EditError(f"cue {self.number} is not a light cue")
        self._had = "fixtures" in node
        self._moved_comment = None
        if self._had:
            self._pos = list(node).index("fixtures")
            self._old = copy.deepcopy(node["fixtures"])
            if not self.fixtures:
                node.ca.items.pop("fixtures", None)
                del node["fixtures"]
                return
            current = node["fixtures"]
            if not isinstance(current, CommentedMap):
                node["fixtures"] = _fixtures_node(self.fixtures)
                return
            _sync_fixtures(current, self.fixtures)
            return
        if not self.fixtures:
            return
        keys = list(node)
        anchor = "channels" if "channels" in keys else next(
            (k for k in reversed(("number", "type", "mode", "name", "notes", "prewait",
                                  "output")) if k in keys), None)
        pos = keys.index(anchor) + 1 if anchor is not None else len(keys)
        self._pos = pos
        if pos == len(keys) and keys and keys[-1] in node.ca.items:
            self._moved_comment = (keys[-1], node.ca.items.pop(keys[-1]))
        node.insert(pos, "fixtures", _fixtures_node(self.fixtures))
        if self._moved_comment is not None:
            node.ca.items["fixtures"] = self._moved_comment[1]

    def revert(self, doc: ShowDocument) -> None:
        node = doc.locate(self.list, self.number).node
        if self._had:
            old = copy.deepcopy(self._old)
            if "fixtures" in node:
                node["fixtures"] = old
            else:
                node.insert(self._pos, "fixtures", old)
            return
        if "fixtures" not in node:
            return
        node.ca.items.pop("fixtures", None)
        del node["fixtures"]
        if self._moved_comment is not None:
            node.ca.items[self._moved_comment[0]] = self._moved_comment[1]


def _fixture_key(key: str) -> Any:
    """A selection as a mapping key: quoted unless it is a plain name (``front``)."""
    if re.fullmatch(r"[A-Za-z_][\w ]*", key) and key.lower() not in (
            "yes", "no", "true", "false", "on", "off", "null"):
        return key
    return DoubleQuotedScalarString(key)


def _look_value(value: Any) -> Any:
    if isinstance(value, list):
        seq = CommentedSeq(_look_value(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        cm = CommentedMap((k, _look_value(v)) for k, v in value.items())
        cm.fa.set_flow_style()
        return cm
    return value


def _attrs_node(attrs: dict[str, Any]) -> CommentedMap:
    cm = CommentedMap((a, _look_value(v)) for a, v in attrs.items())
    cm.fa.set_flow_style()
    return cm


def _fixtures_node(fixtures: dict[str, dict[str, Any]]) -> CommentedMap:
    return CommentedMap((_fixture_key(str(k)), _attrs_node(v)) for k, v in fixtures.items())


def _sync_fixtures(node: CommentedMap, target: dict[str, dict[str, Any]]) -> None:
    """Edit ``node`` in place into ``target`` (keys compared as text)."""
    target = {str(k): v for k, v in target.items()}
    for k in list(node):
        if str(k) not in target:
            node.ca.items.pop(k, None)
            del node[k]
    have = {str(k): k for k in node}
    for k, attrs in target.items():
        if k not in have:
            node[_fixture_key(k)] = _attrs_node(attrs)
            continue
        inner = node[have[k]]
        if not isinstance(inner, CommentedMap):
            node[have[k]] = _attrs_node(attrs)
            continue
        for a in list(inner):
            if str(a) not in attrs:
                del inner[a]
        for a, v in attrs.items():
            if a not in inner:
                inner[a] = _look_value(v)
            elif inner[a] != v:
                inner[a] = _restyle(v, inner[a]) if isinstance(v, str) else _look_value(v)
        if [str(a) for a in inner] != list(attrs):
            for a in attrs:
                inner[a] = inner.pop(a)
    if [str(k) for k in node] != list(target):
        for k in target:
            key = {str(x): x for x in node}[k]
            node[key] = node.pop(key)
