"""The rig as the lighting engine sees it: attributes, their DMX slots and flags."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
CURVES = ("linear", "s_curve", "snap")
"""Fade curve codes, by index (0 = linear)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One attribute a light cue sets: its name in the rig layout and a 0..1 value."""

    attr: str
    """Attribute name in the rig layout."""
    value: float
    """Normalized 0..1."""


@dataclass(slots=True)
class Slot:
    """Where one attribute lands: output, universe, coarse offset, optional fine offset.
    A *virtual* attribute (the virtual intensity of a fixture without a dimmer channel)
    has no byte of its own: it scales other attributes (:attr:`RigLayout.scaled_by`)."""

    output: str
    universe: int
    coarse: int
    fine: int | None = None
    virtual: bool = False


@dataclass(slots=True)
class RigLayout:
    """The attribute table of a rig: built from the patch and any raw channels."""

    names: list[str] = field(default_factory=list)
    home: list[float] = field(default_factory=list)
    intensity: list[bool] = field(default_factory=list)
    master: list[bool] = field(default_factory=list)
    snap: list[bool] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    scaled_by: dict[int, int] = field(default_factory=dict)
    """Attribute index → the virtual intensity whose level multiplies its output (the
    colour emitters of a fixture without an intensity channel)."""

    def add(self, name: str, slot: Slot, *, home: float = 0.0, intensity: bool = False,
            master: bool | None = None, snap: bool = False) -> int:
        """Add an attribute; ``master`` (grandmaster-scaled) defaults to ``intensity``."""
        if name in self.index:
            return self.index[name]
        self.index[name] = len(self.names)
        self.names.append(name)
        self.home.append(home)
        self.intensity.append(intensity)
        self.master.append(intensity if master is None else master)
        self.snap.append(snap)
        self.slots.append(slot)
        return self.index[name]
