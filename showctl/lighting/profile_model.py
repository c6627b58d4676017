"""Fixture profiles as data: the attribute vocabulary, the pydantic models of our
profile YAML, and each DMX mode's compiled channel layout.

Loading and checking a profile file is :mod:`showctl.lighting.profiles`; converting
people's values (``"congo blue"``, ``45`` degrees, ``"open"``) against these models is
:mod:`showctl.lighting.values`. This module imports neither, so both can build on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

# ------------------------------------------------------------------------- vocabulary

#: Attributes the engine knows the meaning of. Others (``macro``, ``effect_2`` …) are
#: allowed when a profile declares them, and take percentages, slot names or raw DMX.
KNOWN_ATTRIBUTES: dict[str, str] = {
    "intensity": "dimmer, 0-100 %",
    "red": "colour mixing, %",
    "green": "colour mixing, %",
    "blue": "colour mixing, %",
    "white": "colour mixing, %",
    "warm_white": "colour mixing, %",
    "cold_white": "colour mixing, %",
    "amber": "colour mixing, %",
    "lime": "colour mixing, %",
    "indigo": "colour mixing, %",
    "uv": "colour mixing (ultraviolet), %",
    "cyan": "subtractive colour mixing, %",
    "magenta": "subtractive colour mixing, %",
    "yellow": "subtractive colour mixing, %",
    "cto": "colour temperature correction, %",
    "ctb": "colour temperature correction, %",
    "color_temperature": "colour temperature, %",
    "color_wheel": "colour wheel, slots",
    "color_wheel2": "second colour wheel, slots",
    "color_macro": "built-in colour presets, slots",
    "hue": "HSV hue, %",
    "saturation": "HSV saturation, %",
    "pan": "position, degrees through the range",
    "tilt": "position, degrees through the range",
    "pan_tilt_speed": "movement speed, %",
    "zoom": "beam angle, degrees through the range",
    "focus": "focus, %",
    "iris": "iris, %",
    "frost": "frost, %",
    "prism": "prism, slots",
    "prism_rotation": "prism rotation, %",
    "gobo": "gobo wheel, slots",
    "gobo_rotation": "gobo rotation/index, %",
    "gobo2": "second gobo wheel, slots",
    "gobo2_rotation": "second gobo rotation/index, %",
    "shutter": "shutter: open, closed, strobe slots",
    "strobe": "strobe rate, %",
    "effect": "built-in effects, slots",
    "effect_speed": "built-in effect speed, %",
    "control": "lamp/reset/maintenance functions, slots",
}

INTENSITY_ATTRIBUTES: frozenset[str] = frozenset({"intensity"})

#: Additive emitters and the colour each adds (linear 0..1 RGB) — used for mixing.
EMITTERS: dict[str, tuple[float, float, float]] = {
    "red": (1.0, 0.0, 0.0),
    "green": (0.0, 1.0, 0.0),
    "blue": (0.0, 0.0, 1.0),
    "white": (1.0, 1.0, 1.0),
    "warm_white": (1.0, 0.85, 0.65),
    "cold_white": (0.85, 0.92, 1.0),
    # QLC+ and most datasheets put amber near #ff7e00: red plus about half green.
    "amber": (1.0, 0.5, 0.0),
    "lime": (0.68, 1.0, 0.18),
    "indigo": (0.29, 0.0, 0.51),
    "uv": (0.58, 0.0, 0.83),
}
SUBTRACTIVE: tuple[str, str, str] = ("cyan", "magenta", "yellow")
COLOR_MIX_ATTRIBUTES: frozenset[str] = frozenset(EMITTERS) | frozenset(SUBTRACTIVE)

#: Names a cue may use for an attribute (left) and what they mean in a profile (right).
ATTRIBUTE_ALIASES: dict[str, str] = {
    "dimmer": "intensity",
    "colour_wheel": "color_wheel",
    "colour_wheel2": "color_wheel2",
    "colour_macro": "color_macro",
}

ATTR_RE = re.compile(r"^[a-z][a-z0-9_]*$")
FINE_SUFFIX = ".fine"

# ------------------------------------------------------------------------- models


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


#: A value as people write it: ``80``, ``"full"``, ``"warm white"``, ``{dmx: 127}``.
ValueSpec = int | float | str | list[int | float] | dict[str, int | float]


class Slot(_Strict):
    """A named position of a wheel or a named function of a channel (gobo "breakup")."""

    name: str = Field(min_length=1)
    dmx: int = Field(ge=0, le=255, description="coarse DMX value that selects the slot")
    color: str | None = Field(
        default=None, description="what a colour slot looks like (#rrggbb or a colour name)"
    )


class AttributeSpec(_Strict):
    """What one attribute of a fixture type is, independent of any mode."""

    label: str | None = Field(default=None, description="the manufacturer's channel name")
    range: tuple[float, float] | None = Field(
        default=None,
        description="physical values at DMX 0 and at DMX full, e.g. degrees [-270, 270]",
    )
    default: ValueSpec | None = Field(
        default=None, description="home value, in the same syntax as a cue value"
    )
    slots: list[Slot] = Field(default_factory=list)


class Profile(_Strict):
    """A fixture type, as written in a profile file."""

    manufacturer: str = Field(min_length=1)
    model: str = Field(min_length=1)
    type: str | None = None
    notes: str | None = None
    source: str | None = Field(default=None, description="where an imported profile came from")
    attributes: dict[str, AttributeSpec] = Field(default_factory=dict)
    modes: dict[str, list[str | None]] = Field(min_length=1)

    _name: str = PrivateAttr(default="")
    _path: str = PrivateAttr(default="")
    _layouts: dict[str, ModeLayout] = PrivateAttr(default_factory=dict)

    @property
    def name(self) -> str:
        """The profile's name: its file name without ``.yaml`` (set by the loader)."""
        return self._name

    @property
    def path(self) -> str:
        """The file the profile was read from (for messages)."""
        return self._path

    def spec(self, attr: str) -> AttributeSpec:
        """The declared spec of ``attr`` (an empty one for undeclared known attributes)."""
        return self.attributes.get(attr) or _EMPTY_SPEC

    def layout(self, mode: str) -> ModeLayout:
        """The channel layout of ``mode`` (cached). Raises ``KeyError`` for a bad mode."""
        cached = self._layouts.get(mode)
        if cached is None:
            if mode not in self.modes:
                raise KeyError(mode)
            cached = _build_layout(self, mode)
            self._layouts[mode] = cached
        return cached

    @property
    def display_name(self) -> str:
        return self.name or f"{self.manufacturer} {self.model}"


_EMPTY_SPEC = AttributeSpec()


@dataclass(frozen=True, slots=True)
class ChannelLayout:
    """Where one attribute sits in one mode: 0-based offsets from the start address."""

    attribute: str
    coarse: int
    fine: int | None
    spec: AttributeSpec

    @property
    def sixteen_bit(self) -> bool:
        return self.fine is not None


ColorSystem = Literal["mix", "cmy", "wheel"]


@dataclass(frozen=True, slots=True)
class ModeLayout:
    """One mode of one profile: the footprint and the attributes in channel order."""

    profile: Profile
    mode: str
    footprint: int
    attributes: dict[str, ChannelLayout]

    @property
    def color_system(self) -> ColorSystem | None:
        """How a ``color:`` value reaches this mode: mixing, CMY, a wheel, or not at all."""
        names = self.attributes.keys()
        if any(a in EMITTERS for a in names):
            return "mix"
        if any(a in SUBTRACTIVE for a in names):
            return "cmy"
        if "color_wheel" in names:
            return "wheel"
        return None

    @property
    def virtual_intensity(self) -> bool:
        """True for a mode with colour emitters and no intensity channel (an RGBW par in
        its 4-channel mode): it gets a *virtual* ``intensity`` that scales the emitters'
        output (docs/fixtures.md), so it dims like any other fixture."""
        names = self.attributes.keys()
        return not any(a in INTENSITY_ATTRIBUTES for a in names) and any(
            a in EMITTERS for a in names)

    def describe(self) -> str:
        return f"{self.profile.display_name} mode {self.mode}"


def _build_layout(profile: Profile, mode: str) -> ModeLayout:
    coarse: dict[str, int] = {}
    fine: dict[str, int] = {}
    channels = profile.modes[mode]
    for offset, ch in enumerate(channels):
        if ch is None:
            continue
        if ch.endswith(FINE_SUFFIX):
            fine[ch[: -len(FINE_SUFFIX)]] = offset
        else:
            coarse[ch] = offset
    attrs = {
        name: ChannelLayout(name, off, fine.get(name), profile.spec(name))
        for name, off in coarse.items()
    }
    return ModeLayout(profile, mode, len(channels), attrs)
