"""Editing a show file in place: round-trip YAML, undoable edits, atomic saves.

A :class:`ShowDocument` holds a show file as ruamel.yaml round-trip data (comments,
key order and quoting kept). Edits are command objects addressed by ``(list, cue
number)``; :meth:`ShowDocument.apply` runs one, re-validates the whole file through
:func:`showctl.model.loader.parse_show` and undoes it again if the result has a
problem, so the document is always a valid show. Every applied edit goes on an undo
stack (:meth:`undo` / :meth:`redo`).

Changing only what was edited
    ruamel.yaml re-formats a few things on output even when nothing changed (aligned
    values such as ``lx:    {...}`` lose their padding, ``[{type: T}]`` becomes
    ``[type: T]``). So the text is not simply dumped: the document dumps its data as
    loaded (*base*) and as edited (*edited*) and merges the edited-vs-base changes into
    the author's original text, line by line (a diff3 merge). Lines the edit did not
    touch stay byte for byte as the author wrote them. The merged text is validated and
    re-read; if it does not read back to the edited data, the plain dump is used.

Saving
    :meth:`save` writes atomically (temporary file in the same directory, fsync,
    rename), after copying the previous file to ``SHOW.yaml.bak``. Nothing is written
    when the show does not validate, or when the file changed on disk since it was
    loaded (someone else saved it).

This module imports no UI; the console's edit mode is one user of it.
"""

from __future__ import annotations

import builtins
import contextlib
import copy
import difflib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.util import load_yaml_guess_indent

from showctl.model import show as m
from showctl.model.loader import parse_show
from showctl.model.problems import Problem, ShowFileError
from showctl.model.timevalue import parse_seconds

EDITABLE_FIELDS = ("name", "notes", "prewait", "postwait", "duration", "time", "continue",
                   "armed")
"""Cue fields the editor changes with :class:`SetField` (YAML key names)."""

TIME_FIELDS = frozenset({"prewait", "postwait", "duration", "time"})

# Where a key goes when a cue does not have it yet: after the nearest key before it here.
_KEY_ORDER = ("number", "type", "mode", "name", "notes", "prewait", "duration", "time",
              "up", "down", "continue", "postwait", "armed")

_TARGETED = {"start", "stop", "pause", "resume", "goto", "arm", "disarm", "fade_out"}


class EditError(Exception):
    """An edit that would make the show invalid (nothing was changed), or a bad request."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class SaveConflict(EditError):
    """The file changed on disk since it was loaded; saving would lose those changes."""


@dataclass(slots=True)
class CueAddress:
    """Where a cue's mapping lives: its container sequence and index in it."""

    list: str
    number: str
    seq: CommentedSeq
    index: int

    @property
    def node(self) -> CommentedMap:
        node = self.seq[self.index]
        assert isinstance(node, CommentedMap)
        return node


# ---------------------------------------------------------------------------- commands


class Command(Protocol):
    """One undoable edit. ``apply`` may be called again after ``revert`` (redo)."""

    def describe(self) -> str: ...

    def apply(self, doc: ShowDocument) -> None: ...

    def revert(self, doc: ShowDocument) -> None: ...


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
    """Insert a new cue after ``after`` (same container), or first in the list."""

    list: str
    after: str | None
    number: str | None = None
    type: str = "memo"
    name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
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
            for k, v in self.extra.items():
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


# ---------------------------------------------------------------------------- document


class ShowDocument:
    """A show file open for editing. See the module docstring."""

    def __init__(self, text: str, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.name = str(path) if path is not None else "<show>"
        show, problems = parse_show(text, self.name)
        if problems or show is None:
            raise ShowFileError(problems)
        self._yaml = _make_yaml(text)
        self.data: CommentedMap = self._yaml.load(text)
        self.show: m.Show = show
        self.original = text
        """The author's text the edits are merged into (as loaded or last saved)."""
        self._base = self._dump()
        self.text = text
        """The current text of the document (what :meth:`save` writes)."""
        self.saved_text = text
        """The text on disk, as far as we know (conflict check for saves)."""
        self.undo_stack: list[Command] = []
        self.redo_stack: list[Command] = []
        self._index: dict[tuple[str, str], tuple[CommentedSeq, int]] = {}
        self._reindex()

    @classmethod
    def load(cls, path: str | Path) -> ShowDocument:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ShowFileError([Problem(str(path), 1, 1, "no such file")]) from None
        return cls(text, p)

    # ------------------------------------------------------------------ queries

    @property
    def dirty(self) -> bool:
        """Whether the document differs from the file as last loaded or saved."""
        return self.text != self.saved_text

    def has_cue(self, list_name: str, number: str) -> bool:
        return (list_name, number) in self._index

    def locate(self, list_name: str, number: str) -> CueAddress:
        try:
            seq, index = self._index[(list_name, number)]
        except KeyError:
            raise EditError(f"no cue {number!r} in list {list_name!r}") from None
        return CueAddress(list_name, number, seq, index)

    def list_cues(self, list_name: str) -> CommentedSeq:
        try:
            seq = self.data["cuelists"][list_name]["cues"]
        except (KeyError, TypeError):
            raise EditError(f"no cue list named {list_name!r}") from None
        assert isinstance(seq, CommentedSeq)
        return seq

    def walk_nodes(self) -> Iterator[tuple[str, CommentedMap]]:
        """Every cue mapping of every list, depth first."""

        def walk(seq: Any) -> Iterator[CommentedMap]:
            for node in seq or []:
                if isinstance(node, CommentedMap):
                    yield node
                    if isinstance(node.get("cues"), CommentedSeq):
                        yield from walk(node["cues"])

        for lname, cl in self.data["cuelists"].items():
            for node in walk(cl.get("cues")):
                yield str(lname), node

    def suggest_number(self, list_name: str, after: str | None) -> str:
        """A free cue number between ``after`` and the cue after it (QLab-like)."""
        taken = {n for (ln, n) in self._index if ln == list_name}
        if after is None:
            seq = self.list_cues(list_name)
            nxt = _num_or_none(self._number_at(seq, 0)) if len(seq) else None
            lo = 0.0
        else:
            where = self.locate(list_name, after)
            nxt_text = (self._number_at(where.seq, where.index + 1)
                        if where.index + 1 < len(where.seq) else None)
            nxt = _num_or_none(nxt_text)
            lo_num = _num_or_none(after)
            if lo_num is None:
                for suffix in range(1, 100):
                    label = f"{after}.{suffix}"
                    if label not in taken:
                        return label
                raise EditError("no free cue number after " + after)
            lo = lo_num
        hi = nxt if nxt is not None and nxt > lo else None
        whole = float(int(lo) + 1)
        if (hi is None or whole < hi) and _fmt(whole) not in taken:
            return _fmt(whole)
        for decimals in (1, 2, 3):
            step = 10.0 ** -decimals
            cand = round((int(lo / step + 1e-9) + 1) * step, decimals)
            while hi is None or cand < hi - 1e-12:
                text = _fmt(cand)
                if text not in taken:
                    return text
                cand = round(cand + step, decimals)
        raise EditError(f"no free cue number after {after}: renumber first")

    def _number_at(self, seq: CommentedSeq, i: int) -> str | None:
        for (_ln, n), (s, idx) in self._index.items():
            if s is seq and idx == i:
                return n
        return None

    # ------------------------------------------------------------------ edits

    def apply(self, cmd: Command) -> None:
        """Run an edit; if the show would not validate, undo it and raise EditError."""
        cmd.apply(self)
        try:
            self._refresh()
        except EditError:
            cmd.revert(self)
            self._refresh()
            raise
        self.undo_stack.append(cmd)
        self.redo_stack.clear()

    def undo(self) -> Command | None:
        if not self.undo_stack:
            return None
        cmd = self.undo_stack.pop()
        cmd.revert(self)
        self._refresh()
        self.redo_stack.append(cmd)
        return cmd

    def redo(self) -> Command | None:
        if not self.redo_stack:
            return None
        cmd = self.redo_stack.pop()
        cmd.apply(self)
        self._refresh()
        self.undo_stack.append(cmd)
        return cmd

    # ------------------------------------------------------------------ saving

    def save(self, path: str | Path | None = None) -> Path:
        """Write the document atomically, keeping the previous file as ``.bak``."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise EditError("this document has no file name: give a path to save to")
        show, problems = parse_show(self.text, str(target))
        if problems or show is None:
            raise EditError("the show does not validate; nothing was written", problems)
        same_file = self.path is not None and target.resolve() == self.path.resolve()
        previous: bytes | None = None
        if target.exists():
            previous = target.read_bytes()
            if same_file and previous.decode("utf-8", "replace") != self.saved_text:
                raise SaveConflict(f"{target} changed on disk since it was opened; "
                                   "not overwriting it")
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o644
        if previous is not None:
            _atomic_write(target.with_name(target.name + ".bak"), previous, mode)
        _atomic_write(target, self.text.encode("utf-8"), mode)
        self.path = target
        self.name = str(target)
        self.original = self.text
        self.saved_text = self.text
        self._base = self._dump()
        return target

    # ------------------------------------------------------------------ internals

    def _dump(self) -> str:
        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()

    def _render(self) -> str:
        edited = self._dump()
        merged = _merge3(self._base, self.original, edited)
        if merged != edited:
            # The merge must mean exactly what the edited data means; else use the dump.
            try:
                same = _safe_load(merged) == _safe_load(edited)
            except yaml.YAMLError:
                same = False
            if not same:
                return edited
        return merged

    def _refresh(self) -> None:
        text = self._render()
        show, problems = parse_show(text, self.name)
        if problems or show is None:
            first = problems[0].message if problems else "invalid show"
            raise EditError(first, problems)
        self.text = text
        self.show = show
        self._reindex()

    def _reindex(self) -> None:
        self._index = {}
        for lname, cl in self.show.cuelists.items():
            seq = self.data["cuelists"][lname]["cues"]
            self._index_seq(lname, cl.cues, seq)

    def _index_seq(self, lname: str, cues: list[m.Cue], seq: CommentedSeq) -> None:
        for i, cue in enumerate(cues):
            self._index[(lname, cue.number)] = (seq, i)
            if isinstance(cue, m.GroupCue):
                self._index_seq(lname, cue.cues, seq[i]["cues"])


# ---------------------------------------------------------------------------- helpers


def _make_yaml(text: str) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap long lines
    _, seq_indent, offset = load_yaml_guess_indent(text)
    y.indent(mapping=_mapping_indent(text), sequence=seq_indent or 2, offset=offset or 0)
    return y


def _mapping_indent(text: str) -> int:
    """The indentation step of nested mappings (from the first nested key)."""
    prev_key_col: int | None = None
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        col = len(line) - len(line.lstrip(" "))
        if s.startswith("- "):
            prev_key_col = None
            continue
        if prev_key_col is not None and col > prev_key_col:
            return col - prev_key_col
        prev_key_col = col if re.match(r"^[\w\"'.-]+:\s*(#.*)?$", s) else None
    return 2


def _merge3(base: str, ours: str, theirs: str) -> str:
    """diff3 merge by lines: author formatting (``ours``) + the edit (``theirs``)."""
    b, a, t = base.splitlines(True), ours.splitlines(True), theirs.splitlines(True)
    ma = _matches(b, a)
    mt = _matches(b, t)
    out: list[str] = []
    i = ia = it = 0
    while True:
        k = i
        while k < len(b) and not (k in ma and k in mt and ma[k] >= ia and mt[k] >= it):
            k += 1
        ak = ma[k] if k < len(b) else len(a)
        tk = mt[k] if k < len(b) else len(t)
        chunk_b, chunk_a, chunk_t = b[i:k], a[ia:ak], t[it:tk]
        if chunk_a == chunk_b:
            out.extend(chunk_t)
        elif chunk_t == chunk_b:
            out.extend(chunk_a)
        else:
            out.extend(chunk_t)  # both changed here: the edit wins (normalized lines)
        if k >= len(b):
            break
        out.append(a[ak])
        i, ia, it = k + 1, ak + 1, tk + 1
    return "".join(out)


def _matches(x: list[str], y: list[str]) -> dict[int, int]:
    sm = difflib.SequenceMatcher(None, x, y, autojunk=False)
    out: dict[int, int] = {}
    for blk in sm.get_matching_blocks():
        for d in range(blk.size):
            out[blk.a + d] = blk.b + d
    return out


def _safe_load(text: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def _insert_position(node: CommentedMap, key: str) -> int:
    keys = list(node)
    order = {k: i for i, k in enumerate(_KEY_ORDER)}
    mine = order.get(key, len(_KEY_ORDER))
    pos = 0
    for i, k in enumerate(keys):
        if order.get(k, len(_KEY_ORDER)) <= mine:
            pos = i + 1
    return pos


def _restyle(new: str, old: Any) -> Any:
    """Keep the author's quoting style for a replaced string."""
    if "\n" in new:
        return LiteralScalarString(new)
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(new)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(new)
    return new


def _number_value(new: str, old: Any) -> Any:
    if isinstance(old, str):
        return _restyle(new, old)
    if re.fullmatch(r"[1-9]\d*|0", new):
        return int(new)
    return DoubleQuotedScalarString(new)


def _yaml_value(field_name: str, value: Any, old: Any) -> Any:
    if field_name in TIME_FIELDS:
        if isinstance(value, str):
            text = value.strip()
            try:
                seconds = parse_seconds(text)
            except ValueError as exc:
                raise EditError(f"{field_name}: {exc}") from None
            if re.fullmatch(r"\d+(\.\d*)?|\.\d+", text):
                return int(seconds) if seconds == int(seconds) else seconds
            return _restyle(text, old)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise EditError(f"{field_name}: expected a time")
        parse_seconds_checked(field_name, value)
        return int(value) if float(value) == int(value) else float(value)
    if field_name == "armed":
        if not isinstance(value, bool):
            raise EditError("armed: expected true or false")
        return value
    if field_name == "continue":
        try:
            return m.ContinueMode(str(value)).value
        except ValueError:
            raise EditError(f"continue: {value!r} is not one of "
                            f"{', '.join(c.value for c in m.ContinueMode)}") from None
    return _restyle(str(value), old)


def parse_seconds_checked(field_name: str, value: float) -> float:
    try:
        return parse_seconds(value)
    except ValueError as exc:
        raise EditError(f"{field_name}: {exc}") from None


def _num_or_none(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _fmt(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".")


def _atomic_write(path: Path, data: bytes, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename durable where the OS allows
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
