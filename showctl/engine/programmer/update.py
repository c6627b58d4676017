"""Update: merging the programmer into an existing light cue's ``fixtures:`` block
(tracking-aware), and simulating what such a block sets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from showctl.engine.programmer.layer import EPS, Programmer, ProgrammerError
from showctl.lighting.patch import Patch
from showctl.lighting.selection import select_fixtures
from showctl.lighting.values import canonical_attribute, to_normalized


def simulate(patch: Patch, mapping: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """What a ``fixtures:`` block sets: attribute name → level (later keys win)."""
    out: dict[str, float] = {}
    for key, values in mapping.items():
        for f in select_fixtures(patch, str(key)):
            for attr, value in values.items():
                for ra, v in to_normalized(f.layout, attr, value, fixture=f.label).items():
                    out[f"{f.key}.{ra}"] = v
    return out


def plan_update(programmer: Programmer, existing: Mapping[str, Mapping[str, Any]],
                before: Mapping[str, float]) -> dict[str, dict[str, Any]]:
    """The ``fixtures:`` block of a light cue after merging the programmer into it.

    ``existing``: the cue's block as written; ``before``: the tracked state the cue
    starts from. Held values that differ from ``before`` are written (in place where
    the cue already sets that attribute of that fixture, or of a whole selection the
    programmer set alike; else under the fixture's id at the end); held values equal to
    ``before`` are taken out of the cue (they track). Everything else the cue does
    stays as it was. Raises :class:`ProgrammerError` when no such block is found."""
    patch = programmer.patch
    if patch is None:
        raise ProgrammerError("the show has no patch")
    home = programmer._home()

    def level(name: str) -> float:
        return before.get(name, home.get(name, 0.0))

    holds = programmer.fixtures
    differ = programmer.differing(before)

    def wanted(fk: str, a: str) -> tuple[bool, Any]:
        """(write it?, value) for a hold."""
        return (a in differ.get(fk, {}), holds[fk][a].value)

    mapping: dict[str, dict[str, Any]] = {str(k): dict(v) for k, v in existing.items()}
    try:
        sel_of = {k: [f.key for f in select_fixtures(patch, k)] for k in mapping}
    except LookupError as exc:
        raise ProgrammerError(str(exc)) from None
    # 1. In place: keys that set an attribute every fixture they select holds. The same
    #    value and fate (write / track) for all: set it there, or take it out (it
    #    tracks); else take it out and let step 2 give the fixtures that need it their own.
    for key, attrs in mapping.items():
        for a in list(attrs):
            ca = canonical_attribute(a)
            fks = sel_of[key]
            if not all(ca in holds.get(fk, {}) for fk in fks):
                continue
            fates = {(wanted(fk, ca)[0], repr(wanted(fk, ca)[1])) for fk in fks}
            write, value = wanted(fks[0], ca)
            if len(fates) == 1 and write:
                attrs[a] = value
            else:
                del attrs[a]
    # 2. What still comes out wrong gets the fixture's own key, at the end.
    base = {**{n: level(n) for n in programmer.held()}}
    result = {**base, **_safe_simulate(patch, mapping)}
    extra: dict[str, dict[str, Any]] = {}
    for fk, fholds in holds.items():
        for a, h in fholds.items():
            if any(abs(result.get(f"{fk}.{ra}", level(f"{fk}.{ra}")) - v) > EPS
                   for ra, v in h.levels.items()):
                extra.setdefault(fk, {})[a] = h.value
    for fk, attrs in extra.items():
        own = next((k for k in mapping if sel_of.get(k) == [fk]), None)
        if own is not None and list(mapping)[-1] != own and any(
                fk in sel_of[k] for k in list(mapping)[list(mapping).index(own) + 1:]):
            raise ProgrammerError(
                f"cannot merge fixture {fk} into this cue: a later key of the cue sets it "
                "too; record a new cue instead")
        target = mapping.setdefault(own if own is not None else fk, {})
        for a, v in attrs.items():
            old = next((k for k in target if canonical_attribute(k) == a), None)
            if old is not None:
                del target[old]
            target[a] = v
        sel_of.setdefault(fk, [fk])
    mapping = {k: v for k, v in mapping.items() if v}
    # 3. Check: held attributes come out as held, everything else as before.
    new_levels = _safe_simulate(patch, mapping)
    old_levels = _safe_simulate(patch, existing)
    held = programmer.held()
    for name in set(new_levels) | set(old_levels) | set(held):
        got = new_levels.get(name, level(name))
        want = held[name] if name in held else old_levels.get(name, level(name))
        if abs(got - want) > EPS:
            raise ProgrammerError(
                f"cannot merge the programmer into this cue ({name} would be "
                f"{got * 100:.1f}% instead of {want * 100:.1f}%); record a new cue instead")
    return mapping


def _safe_simulate(patch: Patch, mapping: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    try:
        return simulate(patch, mapping)
    except (LookupError, ValueError) as exc:
        raise ProgrammerError(str(exc)) from None
