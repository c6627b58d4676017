"""Saving the show document, and what to do when the file changed on disk meanwhile.

A save never silently overwrites someone else's version and never leaves the operator
in a dead end where this session's edits can only be lost. On a conflict the answer
says so (``data.conflict``) and the front end offers three ways on:

- ``save`` with ``on_conflict: "reload"``: read the file as it is now and re-apply this
  session's unsaved edits on top, where they still apply (the others are listed);
- ``save`` with ``path``: save as another file (the show file is left alone);
- ``save`` with ``on_conflict: "overwrite"``: write over the other version (it is kept
  as ``SHOW.yaml.bak``), after the front end asked for confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from showctl.model.editing import EditError, ShowDocument
from showctl.model.editing.base import SaveConflict


@dataclass(slots=True)
class Saved:
    ok: bool
    message: str
    document: ShowDocument
    conflict: bool = False
    reloaded: bool = False
    """The document was reloaded from disk (the session must be rebuilt)."""
    not_applied: list[str] = field(default_factory=list)


def save(doc: ShowDocument, *, saved_depth: int, on_conflict: str = "",
         path: str | None = None) -> Saved:
    """Save ``doc`` (see the module doc). ``saved_depth``: how many edits of the undo
    stack were already in the file at the last save or load."""
    if path:
        target = Path(path)
        if doc.path is not None and not target.is_absolute():
            target = doc.path.parent / target
        try:
            written = doc.save(target)
        except EditError as exc:
            return _refused(doc, exc)
        return Saved(True, f"saved as {written}", doc)
    if on_conflict == "overwrite":
        if doc.path is not None and doc.path.exists():
            doc.saved_text = doc.path.read_text(encoding="utf-8")
    elif on_conflict == "reload":
        assert doc.path is not None
        fresh = ShowDocument.load(doc.path)
        done, failed = [], []
        for edit in doc.undo_stack[saved_depth:]:
            try:
                fresh.apply(edit)
                done.append(edit.describe())
            except (EditError, KeyError, ValueError, IndexError) as exc:
                failed.append(f"{edit.describe()} ({exc})")
        msg = (f"reloaded {doc.path.name} from disk; re-applied {len(done)} edit"
               f"{'s' if len(done) != 1 else ''}")
        if failed:
            msg += f"; no longer apply: {'; '.join(failed)}"
        msg += " — not saved yet: check, then save"
        return Saved(True, msg, fresh, reloaded=True, not_applied=failed)
    try:
        written = doc.save()
    except SaveConflict as exc:
        return Saved(False, f"not saved: {exc}. Reload (re-applies this session's edits), "
                     "save as another file, or overwrite", doc, conflict=True)
    except EditError as exc:
        return _refused(doc, exc)
    return Saved(True, f"saved {written} (previous version: {written.name}.bak)", doc)


def _refused(doc: ShowDocument, exc: EditError) -> Saved:
    problems = "; ".join(str(p) for p in exc.problems[:3])
    return Saved(False, f"not saved: {exc} {problems}".rstrip(), doc)
