"""Values people write in cues, turned into normalized attribute values for one fixture.

The engine holds every attribute as a float in 0..1 (see :mod:`showctl.engine.dmx_render`);
this module is the one place that knows what ``80``, ``"full"``, ``"warm white"``,
``45`` (degrees), ``"breakup"`` or ``{dmx: 127}`` mean for a given attribute of a given
fixture mode. Syntax (docs/fixtures.md has the full reference):

- a number is a percentage (0-100), or physical units when the attribute has a ``range``
  in its profile (pan/tilt/zoom degrees); ``"50%"`` is a percentage everywhere;
- ``"full"`` = 100 %, ``"out"``/``"off"`` = 0 % (unless the attribute has a slot of
  that name);
- a string names a slot (``gobo: breakup``, ``shutter: open``); ``{slot: 3}`` picks the
  third slot as listed in the profile;
- ``{dmx: 127}`` is raw coarse DMX, ``{dmx16: 32768}`` raw 16-bit (escape hatches);
- ``color:`` is virtual: a colour name, ``#ff8800``, ``rgb(255, 136, 0)``, ``3200K`` or a
  list of percentages ``[100, 50, 0]`` / ``[r, g, b, w]`` is converted to whatever the
  fixture has: RGB/RGBW/RGBA(+UV) mixing, CMY, or the nearest colour-wheel slot.

Errors are :class:`ValueConversionError` sentences naming the fixture, the attribute and
the bad value.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping, Sequence

from showctl.lighting.profile_model import (
    ATTRIBUTE_ALIASES,
    EMITTERS,
    SUBTRACTIVE,
    AttributeSpec,
    ModeLayout,
    Slot,
)

RGB = tuple[float, float, float]

VIRTUAL_INTENSITY = "intensity"
"""The attribute a mode without an intensity channel but with colour emitters gets as a
virtual one (:attr:`ModeLayout.virtual_intensity`): a level in %, home 100 %, no DMX
channel of its own; the engine multiplies the emitters' output by it."""

_VIRTUAL_SPEC = AttributeSpec(label="virtual intensity")


class ValueConversionError(ValueError):
    """A value that cannot be used for an attribute; the message is for a person."""


#: Attributes whose bare numbers are physical units, so they need a range in the profile.
RANGED_ATTRIBUTES: frozenset[str] = frozenset({"pan", "tilt", "zoom"})

_UNITS = {"pan": "degrees", "tilt": "degrees", "zoom": "degrees"}

# ------------------------------------------------------------------------- colours

# A modest table. Web names follow CSS except "green", which on stage means the full
# green emitter (#00ff00), not CSS's dark #008000. The theatre names approximate the
# look of the common gel or source; they are starting points, not colorimetry.
_COLOR_HEX: dict[str, str] = {
    # basics and web names
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "green": "#00ff00",
    "blue": "#0000ff",
    "cyan": "#00ffff",
    "aqua": "#00ffff",
    "magenta": "#ff00ff",
    "fuchsia": "#ff00ff",
    "yellow": "#ffff00",
    "lime": "#00ff00",
    "orange": "#ffa500",
    "dark orange": "#ff8c00",
    "orange red": "#ff4500",
    "amber": "#ffbf00",
    "gold": "#ffd700",
    "purple": "#800080",
    "violet": "#ee82ee",
    "indigo": "#4b0082",
    "pink": "#ffc0cb",
    "hot pink": "#ff69b4",
    "deep pink": "#ff1493",
    "crimson": "#dc143c",
    "coral": "#ff7f50",
    "salmon": "#fa8072",
    "tomato": "#ff6347",
    "maroon": "#800000",
    "olive": "#808000",
    "chartreuse": "#7fff00",
    "spring green": "#00ff7f",
    "sea green": "#2e8b57",
    "forest green": "#228b22",
    "teal": "#008080",
    "turquoise": "#40e0d0",
    "navy": "#000080",
    "midnight blue": "#191970",
    "royal blue": "#4169e1",
    "dodger blue": "#1e90ff",
    "deep sky blue": "#00bfff",
    "sky blue": "#87ceeb",
    "light blue": "#add8e6",
    "steel blue": "#4682b4",
    "lavender": "#e6e6fa",
    "plum": "#dda0dd",
    "orchid": "#da70d6",
    "silver": "#c0c0c0",
    "gray": "#808080",
    "grey": "#808080",
    "ivory": "#fffff0",
    "beige": "#f5f5dc",
    "wheat": "#f5deb3",
    "khaki": "#f0e68c",
    "peach": "#ffdab9",
    # theatre-ish: sources and well-known gels (approximate)
    "warm white": "#ffd6aa",
    "cool white": "#e6eeff",
    "cold white": "#e6eeff",
    "daylight": "#fff1e0",
    "tungsten": "#ffc58f",
    "candle": "#ff9329",
    "cto": "#ffb46b",
    "ctb": "#c4d8ff",
    "straw": "#fff0c0",
    "bastard amber": "#ffc890",
    "chocolate": "#b08060",
    "primary red": "#e00000",
    "rose pink": "#ff5ca8",
    "surprise pink": "#c6a4e8",
    "special lavender": "#b7a0e0",
    "no color blue": "#d0e4ff",
    "medium blue": "#0064c8",
    "dark blue": "#001a7a",
    "congo blue": "#1c0a72",
    "moss green": "#4aa040",
}


def slot_key(name: str) -> str:
    """How names are compared: case, spaces, hyphens and underscores don't matter."""
    return re.sub(r"[\s_\-]+", "", name.casefold())


COLOR_NAMES: dict[str, RGB] = {}
for _name, _hex in _COLOR_HEX.items():
    COLOR_NAMES[slot_key(_name)] = (
        int(_hex[1:3], 16) / 255.0,
        int(_hex[3:5], 16) / 255.0,
        int(_hex[5:7], 16) / 255.0,
    )
# "colour" spellings of the same names
COLOR_NAMES[slot_key("no colour blue")] = COLOR_NAMES[slot_key("no color blue")]
COLOR_NAMES[slot_key("grey")] = COLOR_NAMES[slot_key("gray")]

_HEX_RE = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_RGB_RE = re.compile(r"^rgb\(\s*([^,()]+),\s*([^,()]+),\s*([^,()]+)\)$", re.IGNORECASE)
_KELVIN_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*k$", re.IGNORECASE)
_PERCENT_RE = re.compile(r"^(-?\d+(?:\.\d+)?)\s*%$")
_DEGREES_RE = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(?:°|deg|degrees?)$", re.IGNORECASE)


def kelvin_to_rgb(kelvin: float) -> RGB:
    """Approximate colour of a black body (1000-40000 K), the usual curve fit.

    Good enough for "3200K" versus "5600K" in a cue; not colorimetry.
    """
    t = min(max(kelvin, 1000.0), 40000.0) / 100.0
    if t <= 66:
        r = 255.0
        g = 99.4708025861 * math.log(t) - 161.1195681661
        b = 0.0 if t <= 19 else 138.5177312231 * math.log(t - 10) - 305.0447927307
    else:
        r = 329.698727446 * (t - 60) ** -0.1332047592
        g = 288.1221695283 * (t - 60) ** -0.0755148492
        b = 255.0
    return (
        min(max(r, 0.0), 255.0) / 255.0,
        min(max(g, 0.0), 255.0) / 255.0,
        min(max(b, 0.0), 255.0) / 255.0,
    )


def _rgb_component(text: str, whole: str) -> float:
    text = text.strip()
    m = _PERCENT_RE.match(text)
    try:
        v = float(m.group(1)) / 100.0 if m else float(text) / 255.0
    except ValueError:
        raise ValueConversionError(f"{whole!r}: {text!r} is not a number") from None
    if not 0.0 <= v <= 1.0:
        raise ValueConversionError(f"{whole!r}: {text!r} is outside 0-255 (or 0-100%)")
    return v


def parse_color(value: object) -> tuple[float, ...]:
    """A colour as 3 (RGB) or 4 (RGBW) floats in 0..1.

    Accepts a name (the colour table above), ``#rgb``/``#rrggbb``, ``rgb(255, 136, 0)``
    (0-255 or percentages), ``3200K``, or a list of 3 or 4 percentages.
    """
    if isinstance(value, str):
        text = value.strip()
        named = COLOR_NAMES.get(slot_key(text))
        if named is not None:
            return named
        if m := _HEX_RE.match(text):
            h = m.group(1)
            if len(h) == 3:
                h = "".join(c * 2 for c in h)
            return (int(h[0:2], 16) / 255.0, int(h[2:4], 16) / 255.0, int(h[4:6], 16) / 255.0)
        if m := _RGB_RE.match(text):
            return tuple(_rgb_component(m.group(i), text) for i in (1, 2, 3))
        if m := _KELVIN_RE.match(text):
            return kelvin_to_rgb(float(m.group(1)))
        close = difflib.get_close_matches(slot_key(text), list(COLOR_NAMES), n=1)
        hint = ""
        if close:
            hint = f" (did you mean {_display_name(close[0])!r}?)"
        raise ValueConversionError(
            f"{value!r} is not a colour{hint}; use a name like 'warm white', "
            "'#ff8800', 'rgb(255, 136, 0)', '3200K' or a list of percentages [100, 50, 0]"
        )
    if isinstance(value, list | tuple) and not isinstance(value, str):
        if len(value) not in (3, 4) or not all(_is_number(v) for v in value):
            raise ValueConversionError(
                f"{value!r} is not a colour: a list needs 3 (RGB) or 4 (RGBW) percentages"
            )
        comps = [float(v) for v in value]
        if any(c < 0 or c > 100 for c in comps):
            raise ValueConversionError(
                f"{value!r}: colour lists are percentages 0-100; for 0-255 write "
                f"'rgb({', '.join(str(int(c)) for c in comps[:3])})'"
            )
        return tuple(c / 100.0 for c in comps)
    raise ValueConversionError(f"{value!r} is not a colour")


def _display_name(key: str) -> str:
    for name in _COLOR_HEX:
        if slot_key(name) == key:
            return name
    return key


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


# ------------------------------------------------------------------------- colour → fixture


def mix_color(color: Sequence[float], emitters: Sequence[str]) -> dict[str, float]:
    """Levels for additive emitters (any of red, green, blue, white, amber …) for a colour.

    White is extracted as the common part of R, G and B (``min``); amber then takes the
    red-plus-half-green part that is left, which is what amber adds. An explicit fourth
    (white) component is used as given. Emitters we cannot derive from RGB (UV, lime,
    indigo, warm/cold white) are left alone: a ``color:`` does not switch them.
    """
    r, g, b = (min(max(float(c), 0.0), 1.0) for c in color[:3])
    have = set(emitters)
    out: dict[str, float] = {}
    if len(color) == 4:
        w = min(max(float(color[3]), 0.0), 1.0)
        if "white" in have:
            out["white"] = w
        else:
            # no white emitter: white light is made from the primaries instead
            r, g, b = min(r + w, 1.0), min(g + w, 1.0), min(b + w, 1.0)
    elif "white" in have:
        w = min(r, g, b)
        out["white"] = w
        r, g, b = r - w, g - w, b - w
    if "amber" in have:
        a = min(r, 2.0 * g)
        out["amber"] = a
        r, g = r - a, g - a / 2.0
    for name, level in (("red", r), ("green", g), ("blue", b)):
        if name in have:
            out[name] = max(level, 0.0)
    return out


def _redmean_distance(a: Sequence[float], b: Sequence[float]) -> float:
    # A cheap perceptual weighting of RGB distance ("redmean"): good enough to pick
    # the nearest of a dozen wheel colours.
    rm = (a[0] + b[0]) / 2.0
    dr, dg, db = a[0] - b[0], a[1] - b[1], a[2] - b[2]
    return (2 + rm) * dr * dr + 4 * dg * dg + (3 - rm) * db * db


def nearest_slot(color: Sequence[float], slots: Sequence[Slot]) -> Slot | None:
    """The slot whose colour is closest to ``color`` (None when no slot has a colour)."""
    best: tuple[float, Slot] | None = None
    rgb = color[:3]
    if len(color) == 4:
        rgb = tuple(min(c + color[3], 1.0) for c in color[:3])
    for slot in slots:
        if slot.color is None:
            continue
        sc = parse_color(slot.color)
        d = _redmean_distance(rgb, sc)
        if best is None or d < best[0]:
            best = (d, slot)
    return None if best is None else best[1]


# ------------------------------------------------------------------------- one attribute


def _slot_value(slot: Slot, sixteen_bit: bool) -> float:
    return _dmx_value(slot.dmx, sixteen_bit)


def _dmx_value(dmx: int, sixteen_bit: bool) -> float:
    # Coarse DMX d is exactly byte d after rendering: d/255 for 8 bit, and d*256/65535
    # (fine byte 0) for 16 bit, so slot values land on the slot, not between two.
    return dmx * 256 / 65535.0 if sixteen_bit else dmx / 255.0


def find_slot(spec: AttributeSpec, name: str) -> Slot | None:
    key = slot_key(name)
    for slot in spec.slots:
        if slot_key(slot.name) == key:
            return slot
    return None


def attribute_value(
    spec: AttributeSpec, attr: str, value: object, *, sixteen_bit: bool = False
) -> float:
    """The normalized (0..1) value of ``value`` for one attribute described by ``spec``."""
    if isinstance(value, bool) or value is None:
        raise ValueConversionError(f"{value!r} is not a value")
    if isinstance(value, Mapping):
        return _mapping_value(spec, attr, value, sixteen_bit)
    if isinstance(value, str):
        text = value.strip()
        slot = find_slot(spec, text)
        if slot is not None:
            return _slot_value(slot, sixteen_bit)
        low = text.casefold()
        if low == "full":
            return 1.0
        if low in ("out", "off"):
            return 0.0
        if m := _PERCENT_RE.match(text):
            return _percent(float(m.group(1)), value)
        if m := _DEGREES_RE.match(text):
            return _ranged(spec, attr, float(m.group(1)), value)
        try:
            number = float(text)
        except ValueError:
            if spec.slots:
                names = [s.name for s in spec.slots]
                close = difflib.get_close_matches(text, names, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ValueConversionError(
                    f"no slot named {value!r}{hint}; slots are: {', '.join(names)}"
                ) from None
            if spec.range is not None or attr in RANGED_ATTRIBUTES:
                unit = _UNITS.get(attr, "units")
                where = (f" ({_fmt(min(spec.range))} to {_fmt(max(spec.range))})"
                         if spec.range is not None and spec.range[0] != spec.range[1]
                         else "")
                raise ValueConversionError(
                    f"{value!r} is not a value for {attr}: use {unit}{where}, a "
                    "percentage like '50%' or {dmx: N}"
                ) from None
            raise ValueConversionError(
                f"{value!r} is not a value for {attr}: use a percentage, 'full', 'out' "
                "or {dmx: N}"
            ) from None
        return attribute_value(spec, attr, number, sixteen_bit=sixteen_bit)
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        if spec.range is not None or attr in RANGED_ATTRIBUTES:
            return _ranged(spec, attr, number, value)
        return _percent(number, value)
    raise ValueConversionError(f"{value!r} is not a value for {attr}")


def _percent(p: float, original: object) -> float:
    if not 0.0 <= p <= 100.0:
        raise ValueConversionError(f"{original!r} is outside 0-100 %")
    return p / 100.0


def _ranged(spec: AttributeSpec, attr: str, x: float, original: object) -> float:
    unit = _UNITS.get(attr, "units")
    if spec.range is None:
        raise ValueConversionError(
            f"{original!r}: the profile gives no {unit} range for {attr}; write a "
            "percentage like '50%' or {dmx: N}"
        )
    lo, hi = spec.range
    if lo == hi:
        raise ValueConversionError(f"the profile's range for {attr} is empty")
    v = (x - lo) / (hi - lo)
    # a hair of tolerance so 270.0000001 from arithmetic is still the end stop
    if not -1e-9 <= v <= 1.0 + 1e-9:
        raise ValueConversionError(
            f"{original!r} is outside the {attr} range {_fmt(min(lo, hi))} to "
            f"{_fmt(max(lo, hi))} {unit}"
        )
    return min(max(v, 0.0), 1.0)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _mapping_value(
    spec: AttributeSpec, attr: str, value: Mapping[object, object], sixteen_bit: bool
) -> float:
    if len(value) != 1:
        raise ValueConversionError(
            f"{dict(value)!r}: write one of {{dmx: N}}, {{dmx16: N}} or {{slot: N}}"
        )
    ((key, raw),) = value.items()
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise ValueConversionError(f"{dict(value)!r}: {key} needs a whole number")
    if key == "dmx":
        if not 0 <= raw <= 255:
            raise ValueConversionError(f"{dict(value)!r}: dmx is 0-255")
        return _dmx_value(raw, sixteen_bit)
    if key == "dmx16":
        if not 0 <= raw <= 65535:
            raise ValueConversionError(f"{dict(value)!r}: dmx16 is 0-65535")
        return raw / 65535.0 if sixteen_bit else round(raw / 257) / 255.0
    if key == "slot":
        if not spec.slots:
            raise ValueConversionError(f"{attr} has no slots")
        if not 1 <= raw <= len(spec.slots):
            raise ValueConversionError(f"{dict(value)!r}: {attr} has slots 1-{len(spec.slots)}")
        return _slot_value(spec.slots[raw - 1], sixteen_bit)
    raise ValueConversionError(
        f"{dict(value)!r}: unknown key {key!r}; write {{dmx: N}}, {{dmx16: N}} or {{slot: N}}"
    )


# ------------------------------------------------------------------------- one fixture


def canonical_attribute(attr: str) -> str:
    """A cue's attribute name as profiles spell it (``dimmer`` → ``intensity``)."""
    a = attr.strip().casefold()
    if a == "colour":
        return "color"
    return ATTRIBUTE_ALIASES.get(a, a)


def to_normalized(
    layout: ModeLayout, attr: str, value: object, *, fixture: str = ""
) -> dict[str, float]:
    """What setting ``attr`` to ``value`` means for a fixture in ``layout``.

    Returns real attributes of the mode and their normalized values (``color`` sets
    several). ``fixture`` names the fixture in error messages ("fixture 101 'Spot 1'").
    """
    who = fixture or layout.describe()
    name = canonical_attribute(attr)
    try:
        if name == "color":
            return _color_value(layout, value)
        ch = layout.attributes.get(name)
        if ch is None:
            if name == VIRTUAL_INTENSITY and layout.virtual_intensity:
                return {name: attribute_value(_VIRTUAL_SPEC, name, value)}
            raise ValueConversionError(missing_attribute_message(layout, name))
        return {name: attribute_value(ch.spec, name, value, sixteen_bit=ch.sixteen_bit)}
    except ValueConversionError as exc:
        raise ValueConversionError(f"{who}: {attr}: {exc}") from None


def missing_attribute_message(layout: ModeLayout, attr: str) -> str:
    have = list(layout.attributes)
    if layout.virtual_intensity:
        have.insert(0, VIRTUAL_INTENSITY)
    close = difflib.get_close_matches(attr, have, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return (
        f"{layout.describe()} has no {attr!r}{hint}; it has: "
        f"{', '.join(have) if have else 'no attributes'}"
    )


def _color_value(layout: ModeLayout, value: object) -> dict[str, float]:
    system = layout.color_system
    attrs = layout.attributes
    # A wheel slot named like the request wins over colour arithmetic ("congo blue"
    # on a wheel that has a Congo Blue filter is that filter, not the nearest RGB).
    wheel = attrs.get("color_wheel")
    if wheel is not None and isinstance(value, str):
        slot = find_slot(wheel.spec, value)
        if slot is not None and (system == "wheel" or not _is_color_name(value)):
            return {"color_wheel": _slot_value(slot, wheel.sixteen_bit)}
    if system is None:
        raise ValueConversionError(f"{layout.describe()} has no colour mixing or colour wheel")
    rgb = parse_color(value)
    if system == "mix":
        return mix_color(rgb, [a for a in attrs if a in EMITTERS])
    if system == "cmy":
        r, g, b = rgb[:3]
        if len(rgb) == 4:
            r, g, b = (min(c + rgb[3], 1.0) for c in (r, g, b))
        levels = dict(zip(SUBTRACTIVE, (1.0 - r, 1.0 - g, 1.0 - b), strict=True))
        return {k: v for k, v in levels.items() if k in attrs}
    assert wheel is not None
    slot = nearest_slot(rgb, wheel.spec.slots)
    if slot is None:
        names = ", ".join(s.name for s in wheel.spec.slots) or "none"
        raise ValueConversionError(
            f"the colour wheel's slots have no colours to compare with; name a slot: {names}"
        )
    return {"color_wheel": _slot_value(slot, wheel.sixteen_bit)}


def _is_color_name(value: str) -> bool:
    try:
        parse_color(value)
    except ValueConversionError:
        return False
    return True
