"""Range checks for the integer fields of the MIDI and timecode codec dataclasses.

Shared by :mod:`~showctl.protocols.smpte_timecode`, :mod:`~showctl.protocols.midi_messages`,
:mod:`~showctl.protocols.mtc` and :mod:`~showctl.protocols.msc`, whose ``__post_init__``
methods reject out-of-range values with the same sentence.
"""

from __future__ import annotations


def _check(name: str, value: int, lo: int, hi: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer {lo}..{hi}, got {value!r}")
