"""Tracking: the state a point of a cue list starts from (which cues came before it and
what they leave on stage)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np


def tracked_state(program: Any, list_name: str, before: Iterable[str]) -> dict[str, float]:
    """The tracked state of a list after its light cues numbered in ``before`` (in list
    order; cue-only changes do not track on): attribute name → normalized level, for
    every attribute the list touches (others are at home)."""
    names = program.layout.names
    state = np.array(program.layout.home, dtype=np.float32)
    numbers = set(before)
    for cue in program.order.get(list_name, []):
        if cue.number not in numbers:
            continue
        if cue.cue_only:
            continue
        idx, vals = program.changes[(list_name, cue.number)]
        state[idx] = vals
    return {names[i]: float(state[i]) for i in range(len(names))}


def cues_before(show: Any, list_name: str, number: str | None, *, inclusive: bool) -> list[str]:
    """Cue numbers before a point of a list, in list order (depth first).

    ``inclusive``: the point is just after ``number`` and everything inside it (a new
    cue inserted after it); else just before ``number`` (the state it starts from)."""
    walk = [(c, parent) for ln, c, parent in show.walk() if ln == list_name]
    if number is None:
        return []
    numbers = [c.number for c, _ in walk]
    if number not in numbers:
        return numbers
    i = numbers.index(number)
    if not inclusive:
        return numbers[:i]
    inside = {number}
    end = i + 1
    while end < len(walk) and walk[end][1] is not None and walk[end][1].number in inside:
        inside.add(walk[end][0].number)
        end += 1
    return numbers[:end]
