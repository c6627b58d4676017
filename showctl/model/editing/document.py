"""The show document: load and validate a show file, apply/undo/redo edits, save it.

See :mod:`showctl.model.editing` for how edits are merged into the author's text and
how saving works."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from showctl.model import show as m
from showctl.model.editing.atomic import _atomic_write
from showctl.model.editing.base import Command, CueAddress, EditError, SaveConflict
from showctl.model.editing.textmerge import _make_yaml, _merge3, _safe_load
from showctl.model.editing.values import _fmt, _num_or_none
from showctl.model.loader import parse_show
from showctl.model.problems import Problem, ShowFileError


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
        if after is None:
            seq = self.list_cues(list_name)
            return self.suggest_between(list_name, None,
                                        self._number_at(seq, 0) if len(seq) else None)
        where = self.locate(list_name, after)
        nxt = (self._number_at(where.seq, where.index + 1)
               if where.index + 1 < len(where.seq) else None)
        return self.suggest_between(list_name, after, nxt)

    def suggest_between(self, list_name: str, lo_text: str | None,
                        hi_text: str | None) -> str:
        """A free cue number above ``lo_text`` (0 when None) and below ``hi_text``
        (no bound when None or not a number): 1 → 2, then 1.1, 1.01 …"""
        taken = {n for (ln, n) in self._index if ln == list_name}
        nxt = _num_or_none(hi_text)
        lo = 0.0
        if lo_text is not None:
            lo_num = _num_or_none(lo_text)
            if lo_num is None:
                for suffix in range(1, 100):
                    label = f"{lo_text}.{suffix}"
                    if label not in taken:
                        return label
                raise EditError("no free cue number after " + lo_text)
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
        raise EditError(f"no free cue number after {lo_text}: renumber first")

    def flat_numbers(self, list_name: str) -> list[str]:
        """The list's cue numbers in playing order, group children after their group."""
        out: list[str] = []

        def walk(cues: list[m.Cue]) -> None:
            for cue in cues:
                out.append(cue.number)
                if isinstance(cue, m.GroupCue):
                    walk(cue.cues)

        if list_name not in self.show.cuelists:
            raise EditError(f"no cue list named {list_name!r}")
        walk(self.show.cuelists[list_name].cues)
        return out

    def out_of_order(self, list_name: str, number: str) -> tuple[str | None, str | None] | None:
        """``(previous, next)`` sibling numbers when ``number`` does not lie between them
        (both numeric); None when it is in order (or cannot be compared)."""
        where = self.locate(list_name, number)
        prev = self._number_at(where.seq, where.index - 1) if where.index > 0 else None
        nxt = (self._number_at(where.seq, where.index + 1)
               if where.index + 1 < len(where.seq) else None)
        me = _num_or_none(number)
        if me is None:
            return None
        p, n = _num_or_none(prev), _num_or_none(nxt)
        if (p is not None and p >= me) or (n is not None and n <= me):
            return prev, nxt
        return None

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
