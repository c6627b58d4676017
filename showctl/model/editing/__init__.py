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

Modules
    :mod:`~showctl.model.editing.document` (:class:`ShowDocument`),
    :mod:`~showctl.model.editing.commands` (cue edits),
    :mod:`~showctl.model.editing.looks` (light-cue looks),
    :mod:`~showctl.model.editing.values` (field values),
    :mod:`~showctl.model.editing.textmerge` (the diff3 merge),
    :mod:`~showctl.model.editing.atomic` (atomic writes),
    :mod:`~showctl.model.editing.base` (errors, addresses, the command protocol).
"""

from __future__ import annotations

from showctl.model.editing.base import Command, CueAddress, EditError, SaveConflict
from showctl.model.editing.commands import (
    DeleteCue,
    InsertCue,
    MoveCue,
    Renumber,
    RenumberCues,
    SetField,
    dependents,
)
from showctl.model.editing.document import ShowDocument
from showctl.model.editing.looks import RecordLook, UpdateLook
from showctl.model.editing.values import EDITABLE_FIELDS, TIME_FIELDS, parse_seconds_checked

__all__ = [
    "EDITABLE_FIELDS",
    "TIME_FIELDS",
    "Command",
    "CueAddress",
    "DeleteCue",
    "EditError",
    "InsertCue",
    "MoveCue",
    "RecordLook",
    "Renumber",
    "RenumberCues",
    "SaveConflict",
    "SetField",
    "ShowDocument",
    "UpdateLook",
    "dependents",
    "parse_seconds_checked",
]
