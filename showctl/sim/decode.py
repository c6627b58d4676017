"""Universe buffers → what each patched fixture looks like. Pure functions.

A fixture's channels are read through its profile's mode layout (8-bit ``byte / 255``,
16-bit ``(coarse·256 + fine) / 65535``) and turned into what a person on stage sees:

- **intensity** 0–100 %: the ``intensity`` attribute. A fixture without a dimmer
  channel (an RGB par in 3-channel mode) has the brightest of its emitters as its
  intensity, and its colour is scaled up so that emitter is full.
- **colour** as ``#rrggbb``, the light at full intensity. Emitter levels are read as
  display values, exactly inverting how showctl mixes a ``color:`` (see
  :func:`showctl.lighting.values.mix_color`): red/green/blue add as themselves, white
  adds to all three, amber adds red plus half green (#ff8000, the same table), so a cue's
  ``#1030ff`` on an RGBW or RGBA par decodes to ``#1030ff`` again. UV light is mostly
  invisible: it adds a quarter of its violet (#9400d3) so a UV-only par glows faintly.
  Lime, indigo, warm and cold white add their table colours. The sum is clipped at 1.
  CMY is subtractive: ``(1 - cyan, 1 - magenta, 1 - yellow)``. A colour wheel filters
  the beam with the colour of its current slot (the slot whose DMX value is the highest
  at or below the channel's coarse byte) and names it. A plain dimmer is white.
- **pan/tilt/zoom** in degrees through the profile's ``range`` (``None`` without one).
- **gobo** and **shutter**: the slot name; ``strobe`` (a plain rate channel, 0 = off) as
  a percentage. A shutter slot named ``closed`` makes the beam dark: ``visible`` is then
  False whatever the dimmer says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from showctl.lighting.patch import Patch, PatchedFixture
from showctl.lighting.profile_model import EMITTERS, ChannelLayout, Slot
from showctl.lighting.values import parse_color

RGB = tuple[float, float, float]

#: How much of the UV emitter's nominal violet a person sees.
UV_VISIBLE = 0.25
WHITE: RGB = (1.0, 1.0, 1.0)


@dataclass(frozen=True, slots=True)
class FixtureState:
    """What one fixture looks like, decoded from DMX."""

    key: str
    name: str
    intensity: float
    """0–100 %."""
    color: RGB
    """The beam's colour at full intensity, 0..1 per component."""
    color_name: str | None = None
    """The colour wheel slot, when the colour comes from a wheel."""
    pan: float | None = None
    tilt: float | None = None
    zoom: float | None = None
    gobo: str | None = None
    shutter: str | None = None
    strobe: float | None = None
    """0–100 % of a plain strobe-rate channel; 0 = not strobing."""

    @property
    def hex(self) -> str:
        return to_hex(self.color)

    @property
    def beam_open(self) -> bool:
        return self.shutter is None or self.shutter.casefold() != "closed"

    @property
    def visible(self) -> RGB:
        """The colour as seen: colour × intensity (black when the shutter is closed)."""
        k = self.intensity / 100.0 if self.beam_open else 0.0
        r, g, b = self.color
        return (r * k, g * k, b * k)

    def describe(self) -> str:
        """One line: ``101 'Spot SL' 60% #0000ff (blue) pan -30.0° tilt 45.0° …``."""
        parts = [f"{self.key}", repr(self.name), f"{_fmt(self.intensity)}%", self.hex]
        if self.color_name:
            parts.append(f"({self.color_name})")
        for label, value in (("pan", self.pan), ("tilt", self.tilt), ("zoom", self.zoom)):
            if value is not None:
                parts.append(f"{label} {value:.1f}°")
        if self.gobo is not None:
            parts.append(f"gobo {self.gobo}")
        if self.shutter is not None:
            parts.append(f"shutter {self.shutter}")
        if self.strobe:
            parts.append(f"strobe {_fmt(self.strobe)}%")
        return " ".join(parts)


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x % 1 else str(int(x))


def to_hex(rgb: Sequence[float]) -> str:
    """``#rrggbb`` of 0..1 components (rounded half up, clipped)."""
    return "#" + "".join(f"{int(min(max(c, 0.0), 1.0) * 255 + 0.5):02x}" for c in rgb[:3])


def read(data: bytes, base: int, ch: ChannelLayout) -> float:
    """The normalized value (0..1) of one attribute at 0-based ``base`` in a universe."""
    coarse = data[base + ch.coarse] if base + ch.coarse < len(data) else 0
    if ch.fine is None:
        return coarse / 255.0
    fine = data[base + ch.fine] if base + ch.fine < len(data) else 0
    return (coarse * 256 + fine) / 65535.0


def coarse_byte(data: bytes, base: int, ch: ChannelLayout) -> int:
    return data[base + ch.coarse] if base + ch.coarse < len(data) else 0


def slot_at(slots: Sequence[Slot], dmx: int) -> Slot | None:
    """The slot a coarse DMX value selects: the highest slot value at or below it."""
    best: Slot | None = None
    for s in slots:
        if s.dmx <= dmx and (best is None or s.dmx >= best.dmx):
            best = s
    return best


def _ranged(ch: ChannelLayout, v: float) -> float | None:
    if ch.spec.range is None:
        return None
    lo, hi = ch.spec.range
    return lo + v * (hi - lo)


def decode_fixture(fixture: PatchedFixture, data: bytes) -> FixtureState:
    """Decode one fixture from the 512 bytes of its universe."""
    attrs = fixture.layout.attributes
    base = fixture.address - 1
    values = {name: read(data, base, ch) for name, ch in attrs.items()}

    # colour: additive emitters, then subtractive CMY, then a wheel filter
    has_mix = any(a in EMITTERS for a in attrs)
    has_cmy = any(a in ("cyan", "magenta", "yellow") for a in attrs)
    color: RGB = WHITE
    if has_mix:
        r = g = b = 0.0
        for name, (er, eg, eb) in EMITTERS.items():
            if name not in values:
                continue
            k = values[name] * (UV_VISIBLE if name == "uv" else 1.0)
            r, g, b = r + er * k, g + eg * k, b + eb * k
        color = (min(r, 1.0), min(g, 1.0), min(b, 1.0))
    elif has_cmy:
        color = (1.0 - values.get("cyan", 0.0), 1.0 - values.get("magenta", 0.0),
                 1.0 - values.get("yellow", 0.0))
    color_name: str | None = None
    wheel = attrs.get("color_wheel")
    if wheel is not None:
        slot = slot_at(wheel.spec.slots, coarse_byte(data, base, wheel))
        if slot is not None:
            color_name = slot.name
            if slot.color is not None:
                fr, fg, fb = parse_color(slot.color)[:3]
                color = (color[0] * fr, color[1] * fg, color[2] * fb)

    if "intensity" in values:
        intensity = values["intensity"] * 100.0
    elif has_mix:
        peak = max(color)
        intensity = peak * 100.0
        color = (color[0] / peak, color[1] / peak, color[2] / peak) if peak > 0 else color
    else:
        intensity = 100.0

    def slot_name(attr: str) -> str | None:
        ch = attrs.get(attr)
        if ch is None:
            return None
        slot = slot_at(ch.spec.slots, coarse_byte(data, base, ch))
        return slot.name if slot is not None else str(coarse_byte(data, base, ch))

    def degrees(attr: str) -> float | None:
        ch = attrs.get(attr)
        return None if ch is None else _ranged(ch, values[attr])

    return FixtureState(
        key=fixture.key,
        name=fixture.entry.name,
        intensity=intensity,
        color=color,
        color_name=color_name,
        pan=degrees("pan"),
        tilt=degrees("tilt"),
        zoom=degrees("zoom"),
        gobo=slot_name("gobo"),
        shutter=slot_name("shutter"),
        strobe=values["strobe"] * 100.0 if "strobe" in values else None,
    )


def decode_patch(patch: Patch, universes: Mapping[int, bytes]) -> list[FixtureState]:
    """Every patched fixture, in patch order; an unheard universe reads as all zero."""
    blank = bytes(512)
    return [decode_fixture(f, universes.get(f.universe, blank)) for f in patch.fixtures]
