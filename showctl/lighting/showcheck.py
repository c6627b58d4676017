"""Checks of a show's patch and of its light cues' fixture values, for ``showctl check``.

Findings are ``(path, message)`` with paths into the show file's data, so the loader
can report ``file:line:col``: overlapping addresses, fixtures past channel 512, unknown
profiles or modes, and cues naming a fixture, group or attribute the patch lacks or
giving a value that cannot be converted.
"""

from __future__ import annotations

from typing import Any

from showctl.lighting.patch import AttributeLookupError, check_patch
from showctl.lighting.profiles import ProfileError
from showctl.lighting.selection import select_fixtures
from showctl.lighting.values import ValueConversionError, to_normalized

Path = tuple[str | int, ...]


def check_lighting(show: Any, cue_paths: dict[tuple[str, str], Path]) -> list[tuple[Path, str]]:
    """Every patch and fixture-value problem of a validated show."""
    out: list[tuple[Path, str]] = []
    cues = {(ln, cue.number): cue for ln, cue, _ in show.walk()}  # one walk, not one per cue
    if not show.patch:
        for (lname, number), path in cue_paths.items():
            cue = cues.get((lname, number))
            if cue is not None and getattr(cue, "fixtures", None):
                out.append(((*path, "fixtures"),
                            f"light cue {number} sets fixtures but the show has no 'patch:'"))
        return out
    try:
        patch, problems = check_patch(show.patch)
    except ProfileError as exc:
        return [(("patch",), p) for p in exc.problems]
    for p in problems:
        where: Path = ("patch", p.index) + ((p.field,) if p.field else ())
        out.append((where, p.message))
    if patch is None:
        return out
    converted: set[tuple[int, str, str]] = set()  # (layout, attribute, value) known good
    # per selection key, one fixture of each profile and mode: they convert alike
    representatives: dict[str, list[Any]] = {}
    for (lname, number), cpath in cue_paths.items():
        cue = cues.get((lname, number))
        # a model's fields are in its __dict__ (getattr of a missing one is slow in pydantic)
        fixtures = vars(cue).get("fixtures") if cue is not None else None
        if not fixtures:
            continue
        for key, values in fixtures.items():
            at: Path = (*cpath, "fixtures", key)
            if not isinstance(values, dict):
                out.append((at, f"fixtures {key!r}: expected attribute: value pairs"))
                continue
            try:
                reps = representatives.get(key)
                if reps is None:
                    layouts: set[int] = set()
                    reps = []
                    for f in select_fixtures(patch, key):
                        if id(f.layout) not in layouts:
                            layouts.add(id(f.layout))
                            reps.append(f)
                    representatives[key] = reps
                for f in reps:
                    for attr, value in values.items():
                        # the same value on the same layout converts alike in every cue
                        seen = (id(f.layout), attr, repr(value))
                        if seen not in converted:
                            to_normalized(f.layout, attr, value, fixture=f.label)
                            converted.add(seen)
            except (AttributeLookupError, ValueConversionError) as exc:
                out.append((at, f"cue {number}: {exc}"))
    return out
