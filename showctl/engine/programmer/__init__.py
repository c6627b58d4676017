"""The programmer: live fixture values over the show's output, and recording them.

Like a lighting desk's programmer, it is the highest-priority layer of the lighting
output: an attribute the programmer holds overrides whatever the playbacks say
(intensity included — no HTP against the cues), before the grandmaster scales
intensities. Values arrive as people type them (``intensity: 80``, ``color: "warm
white"``, ``pan: 45``, ``gobo: breakup``) and go through the patch
(:meth:`~showctl.lighting.patch.Patch.resolve_values`) into normalized attributes; a
change is sent at once (like a GO, only the universes it touches) and then with every
frame.

Release (:meth:`Programmer.clear`) gives attributes back to the cue state: at once by
default, or fading from the held value to whatever the playbacks give over ``time``
seconds (a desk's "sneak").

The programmer remembers what was typed per fixture and attribute (``101``'s
``color`` is ``"warm white"``), with later values taking real attributes away from
earlier ones (``color`` then ``red``: the red is the later one). That is what
:meth:`Programmer.record_mapping` and :func:`plan_update` write back into a light cue's
``fixtures:`` block — in people's units, and only what differs from the tracked state
the cue starts from (:func:`tracked_state`).

The engine hook is :attr:`showctl.engine.lighting.Lighting.overlay`: this class
implements its protocol (``apply``, ``apply_at``, ``busy``). The programmer outlives
the :class:`~showctl.engine.lighting.Lighting` it is attached to (the console
rebuilds its session after every edit): :meth:`Programmer.attach` re-targets it.

Modules
    :mod:`~showctl.engine.programmer.layer` (the overlay layer and recording),
    :mod:`~showctl.engine.programmer.tracking` (the tracked state at a point of a list),
    :mod:`~showctl.engine.programmer.update` (merging into an existing cue),
    :mod:`~showctl.engine.programmer.carry` (:func:`carry_lighting` across rebuilds).
"""

from __future__ import annotations

from showctl.engine.programmer.carry import carry_lighting
from showctl.engine.programmer.layer import EPS, Hold, Programmer, ProgrammerError, parse_value
from showctl.engine.programmer.tracking import cues_before, tracked_state
from showctl.engine.programmer.update import plan_update, simulate

__all__ = ["EPS", "Hold", "Programmer", "ProgrammerError", "carry_lighting", "cues_before",
           "parse_value", "plan_update", "simulate", "tracked_state"]
