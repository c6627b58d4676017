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
from showctl.model.levels import dmx_carrier, parse_address

Path = tuple[str | int, ...]


def check_lighting(show: Any, cue_paths: dict[tuple[str, str], Path]) -> list[tuple[Path, str]]:
    """Every patch and fixture-value problem of a validated show."""
    cues = {(ln, cue.number): cue for ln, cue, _ in show.walk()}  # one walk, not one per cue
    out = _universe_carriers(show, cue_paths, cues)
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


def _carried(show: Any) -> str:
    lists = [f"{n} carries {', '.join(map(str, d.universes))}"
             for n, d in show.outputs.items()
             if str(d.kind) == "dmx" and d.universes is not None]
    return "; ".join(lists) or "no dmx output"


def _universe_carriers(show: Any, cue_paths: dict[tuple[str, str], Path],
                       cues: dict[tuple[str, str], Any]) -> list[tuple[Path, str]]:
    """Raw channels and fixtures on a universe no DMX output carries (or not the one the
    cue names): they would leave on the wrong output, or on none."""
    out: list[tuple[Path, str]] = []
    if not any(str(d.kind) == "dmx" for d in show.outputs.values()):
        return out  # the structural check already says a light cue needs a dmx output
    for i, entry in enumerate(show.patch):
        u = getattr(entry, "universe", None)
        if isinstance(u, int) and dmx_carrier(show.outputs, u) is None:
            out.append((("patch", i, "universe"), f"fixture {entry.id}: no dmx output "
                        f"carries universe {u} ({_carried(show)}); list it in an output's "
                        "'universes:'"))
    for (lname, number), cpath in cue_paths.items():
        cue = cues.get((lname, number))
        channels = getattr(cue, "channels", None) if cue is not None else None
        if not channels:
            continue
        for key in channels:
            try:
                universe, _address = parse_address(key)
            except ValueError:
                continue  # reported by the schema
            named = getattr(cue, "output", None)
            if named is not None:
                decl = show.outputs.get(named)
                unis = getattr(decl, "universes", None)
                if unis is not None and universe not in unis:
                    out.append(((*cpath, "channels", key), f"cue {number}: channel {key!r} is "
                                f"on universe {universe}, but output {named!r} carries "
                                f"{', '.join(map(str, unis))}"))
            elif dmx_carrier(show.outputs, universe) is None:
                out.append(((*cpath, "channels", key), f"cue {number}: no dmx output carries "
                            f"universe {universe} of channel {key!r} ({_carried(show)}); list "
                            "it in an output's 'universes:'"))
    return out
