"""The undoable cue edits: set a field, insert, delete, renumber and move a cue."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from showctl.model.editing.base import EditError
from showctl.model.editing.templates import cue_template
from showctl.model.editing.values import (
    EDITABLE_FIELDS,
    _fmt,
    _insert_position,
    _num_or_none,
    _number_value,
    _yaml_value,
)

if TYPE_CHECKING:
    from showctl.model.editing.document import ShowDocument

_TARGETED = {"start", "stop", "pause", "resume", "goto", "arm", "disarm", "fade_out"}

_DOES = {"start": "starts", "stop": "stops", "pause": "pauses", "resume": "resumes",
         "goto": "goes to", "arm": "arms", "disarm": "disarms", "fade_out": "fades out"}
"""What a control cue does to its target, in words (for refusals)."""


def _subtree(node: CommentedMap) -> builtins.list[CommentedMap]:
    """A cue mapping and, for a group, every cue inside it."""
    out = [node]
    for child in node.get("cues") or []:
        if isinstance(child, CommentedMap):
            out.extend(_subtree(child))
    return out


def _label(number: Any, node: CommentedMap, lname: str, home: str) -> str:
    name = f" ({node['name']})" if node.get("name") else ""
    where = f" in list {lname!r}" if lname != home else ""
    return f"cue {number}{name}{where}"


def dependents(doc: ShowDocument, list_name: str, number: str) -> builtins.list[str]:
    """Why cue ``number`` (with, for a group, its children) cannot go: one plain sentence
    per control cue elsewhere in the show that acts on it."""
    node = doc.locate(list_name, number).node
    inside = _subtree(node)
    numbers = {str(n["number"]): n for n in inside}
    why: builtins.list[str] = []
    for lname, cue in doc.walk_nodes():
        if cue.get("type") not in _TARGETED or "target" not in cue:
            continue
        if any(cue is n for n in inside) or cue.get("list", lname) != list_name:
            continue
        target = str(cue["target"])
        if target not in numbers:
            continue
        whom = "it" if target == number else f"cue {target} inside it"
        why.append(f"{_label(cue['number'], cue, lname, list_name)} "
                   f"{_DOES[str(cue['type'])]} {whom}")
    return why


@dataclass
class SetField:
    """Set one field of a cue (see :data:`EDITABLE_FIELDS`)."""

    list: str
    number: str
    field: str
    value: Any
    _had: bool = False
    _old: Any = None
    _pos: int = 0
    _moved_comment: tuple[str, Any] | None = None

    def describe(self) -> str:
        return f"set {self.field} of cue {self.number}"

    def apply(self, doc: ShowDocument) -> None:
        if self.field not in EDITABLE_FIELDS:
            raise EditError(f"the editor cannot change {self.field!r}")
        node = doc.locate(self.list, self.number).node
        value = _yaml_value(self.field, self.value, node.get(self.field))
        self._had = self.field in node
        self._moved_comment = None
        if self._had:
            self._old = node[self.field]
            self._pos = list(node).index(self.field)
            node[self.field] = value
            return
        pos = _insert_position(node, self.field)
        self._pos = pos
        keys = list(node)
        if pos == len(keys) and keys and keys[-1] in node.ca.items:
            # The last key carries the blank line / comment after the cue: hand it on.
            self._moved_comment = (keys[-1], node.ca.items.pop(keys[-1]))
        node.insert(pos, self.field, value)
        if self._moved_comment is not None:
            node.ca.items[self.field] = self._moved_comment[1]

    def revert(self, doc: ShowDocument) -> None:
        node = doc.locate(self.list, self.number).node
        if self._had:
            node[self.field] = self._old
            return
        node.ca.items.pop(self.field, None)
        del node[self.field]
        if self._moved_comment is not None:
            node.ca.items[self._moved_comment[0]] = self._moved_comment[1]


@dataclass
class InsertCue:
    """Insert a new cue after ``after`` (same container), or first in the list.

    The cue gets the keys its type needs to be valid (:func:`cue_template`), then
    ``extra`` (which wins over the template)."""

    list: str
    after: str | None
    number: str | None = None
    type: str = "memo"
    name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    template: bool = True
    _node: CommentedMap | None = None
    _seq: CommentedSeq | None = None
    _index: int = 0

    def describe(self) -> str:
        return f"insert cue {self.number}"

    def apply(self, doc: ShowDocument) -> None:
        if self._node is None:
            if self.number is None:
                self.number = doc.suggest_number(self.list, self.after)
            if doc.has_cue(self.list, self.number):
                raise EditError(f"list {self.list!r} already has a cue {self.number!r}")
            node = CommentedMap()
            node["number"] = DoubleQuotedScalarString(self.number)
            node["type"] = self.type
            if self.name:
                node["name"] = self.name
            keys = (cue_template(doc, self.list, self.after, self.type, self.number)
                    if self.template else {})
            keys.update(self.extra)
            for k, v in keys.items():
                node[k] = v
            self._node = node
        if self.after is None:
            self._seq, self._index = doc.list_cues(self.list), 0
        else:
            where = doc.locate(self.list, self.after)
            self._seq, self._index = where.seq, where.index + 1
        self._seq.insert(self._index, self._node)

    def revert(self, doc: ShowDocument) -> None:
        assert self._seq is not None
        del self._seq[self._index]


@dataclass
class DeleteCue:
    list: str
    number: str
    _node: Any = None
    _seq: CommentedSeq | None = None
    _index: int = 0

    def describe(self) -> str:
        return f"delete cue {self.number}"

    def apply(self, doc: ShowDocument) -> None:
        where = doc.locate(self.list, self.number)
        why = dependents(doc, self.list, self.number)
        if why:
            raise EditError(f"cue {self.number} cannot be deleted: {'; '.join(why)}. "
                            "Delete those cues or point them at another cue first")
        if len(where.seq) == 1 and where.seq is not doc.list_cues(self.list):
            raise EditError(f"cue {self.number} is the only cue of its group, and a group "
                            "needs at least one: delete the group instead")
        self._seq, self._index, self._node = where.seq, where.index, where.node
        del where.seq[where.index]

    def revert(self, doc: ShowDocument) -> None:
        assert self._seq is not None
        self._seq.insert(self._index, self._node)


@dataclass
class Renumber:
    """Give a cue a new number; control cues that target it follow."""

    list: str
    number: str
    new: str
    _changes: builtins.list[tuple[CommentedMap, str, Any]] = field(default_factory=builtins.list)

    def describe(self) -> str:
        return f"renumber cue {self.number} as {self.new}"

    def apply(self, doc: ShowDocument) -> None:
        new = self.new.strip()
        if not new:
            raise EditError("a cue number cannot be empty")
        if new != self.number and doc.has_cue(self.list, new):
            raise EditError(f"list {self.list!r} already has a cue {new!r}")
        node = doc.locate(self.list, self.number).node
        self._changes = [(node, "number", node["number"])]
        node["number"] = _number_value(new, node["number"])
        for lname, cue in doc.walk_nodes():
            if cue.get("type") not in _TARGETED or "target" not in cue:
                continue
            if cue.get("list", lname) == self.list and str(cue["target"]) == self.number:
                self._changes.append((cue, "target", cue["target"]))
                cue["target"] = _number_value(new, cue["target"])

    def revert(self, doc: ShowDocument) -> None:
        for node, key, old in reversed(self._changes):
            node[key] = old


@dataclass
class RenumberCues:
    """Renumber several cues in one step: ``numbers`` (in this order) become ``start``,
    ``start + step``, … Control cues that target them follow. Refused when a new number
    is taken by a cue outside the range, or when the range would no longer lie between
    the cues before and after it in the list (numbers out of order)."""

    list: str
    numbers: builtins.list[str]
    start: float
    step: float
    _changes: builtins.list[tuple[CommentedMap, str, Any]] = field(default_factory=builtins.list)

    def describe(self) -> str:
        first, last = self.numbers[0], self.numbers[-1]
        span = f"cue {first}" if first == last else f"cues {first}–{last}"
        return (f"renumber {span} from {_fmt(self.start)} step {_fmt(self.step)}")

    def new_numbers(self) -> builtins.list[str]:
        return [_fmt(self.start + i * self.step) for i in range(len(self.numbers))]

    def apply(self, doc: ShowDocument) -> None:
        if not self.numbers:
            raise EditError("nothing to renumber")
        if self.step <= 0 or self.start < 0:
            raise EditError("renumber needs a start of 0 or more and a step above 0")
        new = self.new_numbers()
        if len(set(new)) != len(new):
            raise EditError(f"step {_fmt(self.step)} is too small: numbers have at most "
                            "3 decimals")
        flat = doc.flat_numbers(self.list)
        moving = set(self.numbers)
        for number in new:
            if number in flat and number not in moving:
                raise EditError(f"list {self.list!r} already has a cue {number!r} "
                                "outside the range")
        first = flat.index(self.numbers[0])
        last = flat.index(self.numbers[-1])
        before = _num_or_none(flat[first - 1]) if first > 0 else None
        after = _num_or_none(flat[last + 1]) if last + 1 < len(flat) else None
        lo, hi = float(new[0]), float(new[-1])
        if (before is not None and lo <= before) or (after is not None and hi >= after):
            raise EditError(f"cues {new[0]}–{new[-1]} would be out of order between "
                            f"{flat[first - 1] if first > 0 else 'the start'} and "
                            f"{flat[last + 1] if last + 1 < len(flat) else 'the end'}: "
                            "choose another start or step")
        mapping = dict(zip(self.numbers, new, strict=True))
        nodes = [doc.locate(self.list, n).node for n in self.numbers]
        self._changes = []
        for node, number in zip(nodes, new, strict=True):
            self._changes.append((node, "number", node["number"]))
            node["number"] = _number_value(number, node["number"])
        for lname, cue in doc.walk_nodes():
            if cue.get("type") not in _TARGETED or "target" not in cue:
                continue
            if cue.get("list", lname) == self.list and str(cue["target"]) in mapping:
                self._changes.append((cue, "target", cue["target"]))
                cue["target"] = _number_value(mapping[str(cue["target"])], cue["target"])

    def revert(self, doc: ShowDocument) -> None:
        for node, key, old in reversed(self._changes):
            node[key] = old


@dataclass
class MoveCue:
    """Move a cue up (``offset`` -1) or down (+1) among its siblings."""

    list: str
    number: str
    offset: int
    _seq: CommentedSeq | None = None
    _from: int = 0
    _to: int = 0

    def describe(self) -> str:
        return f"move cue {self.number} {'up' if self.offset < 0 else 'down'}"

    def apply(self, doc: ShowDocument) -> None:
        where = doc.locate(self.list, self.number)
        to = where.index + self.offset
        if not 0 <= to < len(where.seq):
            raise EditError(f"cue {self.number} cannot move further "
                            f"{'up' if self.offset < 0 else 'down'} in its list or group")
        self._seq, self._from, self._to = where.seq, where.index, to
        node = where.seq.pop(where.index)
        where.seq.insert(to, node)

    def revert(self, doc: ShowDocument) -> None:
        assert self._seq is not None
        node = self._seq.pop(self._to)
        self._seq.insert(self._from, node)
