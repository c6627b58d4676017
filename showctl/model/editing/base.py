"""The shared vocabulary of show editing: edit errors, cue addresses, the command protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from showctl.model.problems import Problem

if TYPE_CHECKING:
    from showctl.model.editing.document import ShowDocument


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


class Command(Protocol):
    """One undoable edit. ``apply`` may be called again after ``revert`` (redo)."""

    def describe(self) -> str: ...

    def apply(self, doc: ShowDocument) -> None: ...

    def revert(self, doc: ShowDocument) -> None: ...
