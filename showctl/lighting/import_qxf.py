"""Import a QLC+ fixture definition (``.qxf`` XML) into our profile format.

Facts of the format we rely on (QLC+ 4.x, ``xmlns="http://www.qlcplus.org/FixtureDefinition"``):

- ``<Manufacturer>``, ``<Model>``, ``<Type>``; channels are defined once as
  ``<Channel Name=… [Preset=…] [Default=…]>`` and modes list them by name in order
  (``<Mode Name=…><Channel Number="0">Pan</Channel>…``).
- A channel's meaning is its ``Preset`` (``IntensityRed``, ``PositionPan``,
  ``PositionPanFine``, ``ColorWheel``, ``BeamZoomSmallBig`` …) or, in older files, its
  ``<Group Byte="0|1">`` (Intensity, Colour, Gobo, Pan, Tilt, Shutter, Beam, Prism,
  Speed, Effect, Maintenance, Nothing) plus ``<Colour>`` for intensity channels; Byte 1
  is the fine channel of a 16-bit pair.
- ``<Capability Min Max [Preset] [Res1|Color]>text</Capability>`` are DMX ranges; for a
  colour wheel ``Res1`` (or the older ``Color``) is the slot colour ``#rrggbb``.
- ``<Physical><Focus PanMax TiltMax/><Lens DegreesMin DegreesMax/>`` give pan/tilt travel
  and the zoom's beam angles.

Each capability of a wheel-like channel becomes a slot (DMX = the middle of its range,
so the fixture's tolerance does not matter). Pan/tilt ranges are centred on 0 like the
shipped profiles. Multi-head fixtures (pixel bars) import as one fixture with numbered
attributes (``red``, ``red_2`` …) and a warning.

XML with a DTD internal subset or entity declarations is refused: QLC+ never writes
them, and refusing them rules out entity-expansion tricks without a dependency.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from showctl.lighting.draft import (
    DraftAttribute,
    DraftProfile,
    FixtureImportError,
    ImportResult,
    add_slot,
    finish,
    slug,
    unique_name,
)
from showctl.lighting.profile_model import COLOR_MIX_ATTRIBUTES

_PRESETS: dict[str, str | None] = {
    "IntensityMasterDimmer": "intensity",
    "IntensityDimmer": "intensity",
    "IntensityRed": "red",
    "IntensityGreen": "green",
    "IntensityBlue": "blue",
    "IntensityWhite": "white",
    "IntensityAmber": "amber",
    "IntensityUV": "uv",
    "IntensityLime": "lime",
    "IntensityIndigo": "indigo",
    "IntensityCyan": "cyan",
    "IntensityMagenta": "magenta",
    "IntensityYellow": "yellow",
    "IntensityHue": "hue",
    "IntensitySaturation": "saturation",
    "IntensityLightness": "lightness",
    "IntensityValue": "value",
    "PositionPan": "pan",
    "PositionTilt": "tilt",
    "PositionXAxis": "x_axis",
    "PositionYAxis": "y_axis",
    "SpeedPanTiltFastSlow": "pan_tilt_speed",
    "SpeedPanTiltSlowFast": "pan_tilt_speed",
    "SpeedPanFastSlow": "pan_speed",
    "SpeedPanSlowFast": "pan_speed",
    "SpeedTiltFastSlow": "tilt_speed",
    "SpeedTiltSlowFast": "tilt_speed",
    "ColorWheel": "color_wheel",
    "ColorMacro": "color_macro",
    "ColorRGBMixer": "color_macro",
    "ColorCTOMixer": "cto",
    "ColorCTCMixer": "ctc",
    "ColorCTBMixer": "ctb",
    "GoboWheel": "gobo",
    "GoboIndex": "gobo_rotation",
    "ShutterStrobeSlowFast": "shutter",
    "ShutterStrobeFastSlow": "shutter",
    "ShutterIrisMinToMax": "iris",
    "ShutterIrisMaxToMin": "iris",
    "ShutterIris": "iris",
    "BeamFocusNearFar": "focus",
    "BeamFocusFarNear": "focus",
    "BeamFocus": "focus",
    "BeamZoomSmallBig": "zoom",
    "BeamZoomBigSmall": "zoom",
    "BeamZoom": "zoom",
    "PrismRotationSlowFast": "prism_rotation",
    "PrismRotationFastSlow": "prism_rotation",
    "NoFunction": None,
}

_COLOURS = {
    "red": "red",
    "green": "green",
    "blue": "blue",
    "cyan": "cyan",
    "magenta": "magenta",
    "yellow": "yellow",
    "amber": "amber",
    "white": "white",
    "uv": "uv",
    "lime": "lime",
    "indigo": "indigo",
}

#: Attributes that are a level, not a choice: their capabilities do not become slots.
_CONTINUOUS = COLOR_MIX_ATTRIBUTES | {
    "intensity",
    "pan",
    "tilt",
    "zoom",
    "focus",
    "iris",
    "hue",
    "saturation",
    "lightness",
    "value",
    "cto",
    "ctc",
    "ctb",
    "x_axis",
    "y_axis",
    "pan_tilt_speed",
    "pan_speed",
    "tilt_speed",
}

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_UNSAFE = re.compile(r"<!ENTITY|<!DOCTYPE[^>]*\[|<!DOCTYPE[^>]*\b(SYSTEM|PUBLIC)\b", re.I)


@dataclass(slots=True)
class _Cap:
    lo: int
    hi: int
    text: str
    preset: str | None
    color: str | None


@dataclass(slots=True)
class _Chan:
    name: str
    base: str | None  # attribute meaning before numbering (None: unused channel)
    fine: bool
    default: int | None
    caps: list[_Cap] = field(default_factory=list)
    preset: str | None = None
    attr: str | None = None  # final attribute name (coarse channels)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _child_text(el: ET.Element, name: str) -> str | None:
    for c in el:
        if _local(c.tag) == name:
            return (c.text or "").strip()
    return None


def _int(text: str | None, default: int | None = None) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return default


def _float(text: str | None) -> float | None:
    try:
        return float(str(text).strip())
    except (TypeError, ValueError):
        return None


def _meaning_from_group(name: str, group: str, colour: str | None) -> str | None:
    """The attribute of a pre-preset channel from its group (and name, for Beam etc.)."""
    n = name.casefold()
    g = group.casefold()
    if g == "intensity":
        if colour and colour.casefold() in _COLOURS:
            return _COLOURS[colour.casefold()]
        for word, attr in (("cto", "cto"), ("ctb", "ctb"), ("cct", "color_temperature")):
            if word in n:
                return attr
        return "intensity"
    if g in ("pan", "tilt"):
        return g
    if g == "colour":
        if "macro" in n:
            return "color_macro"
        if "cto" in n or "ctc" in n or "ctb" in n:
            return "cto"
        return "color_wheel"
    if g == "gobo":
        return "gobo_rotation" if ("rot" in n or "index" in n) else "gobo"
    if g == "shutter":
        return "iris" if "iris" in n else "shutter"
    if g == "beam":
        for word in ("zoom", "focus", "iris", "frost"):
            if word in n:
                return word
        return "beam"
    if g == "prism":
        return "prism_rotation" if "rot" in n else "prism"
    if g == "speed":
        if any(w in n for w in ("pan", "tilt", "p/t", "movement", "move")):
            return "pan_tilt_speed"
        return "speed"
    if g == "effect":
        return "effect"
    if g == "maintenance":
        return "control"
    if g == "nothing":
        return None
    return slug(name)


def _parse_channel(el: ET.Element, warnings: list[str]) -> _Chan:
    name = el.get("Name", "").strip()
    preset = el.get("Preset")
    default = _int(el.get("Default"))
    caps: list[_Cap] = []
    for c in _children(el, "Capability"):
        lo, hi = _int(c.get("Min"), 0), _int(c.get("Max"), 255)
        assert lo is not None and hi is not None
        cpreset = c.get("Preset")
        color = None
        # Res1 is a colour for ColorMacro capabilities and an image path for gobos;
        # very old files use Color=. A split colour (ColorDoubleMacro) has no one colour.
        for cand in (c.get("Res1"), c.get("Color")):
            if cand and _HEX.match(cand) and cpreset != "ColorDoubleMacro":
                color = cand.lower()
                break
        caps.append(_Cap(lo, hi, " ".join((c.text or "").split()), cpreset, color))
    if preset:
        fine = preset.endswith("Fine")
        key = preset[: -len("Fine")] if fine else preset
        if key in _PRESETS:
            return _Chan(name, _PRESETS[key], fine, default, caps, preset)
        warnings.append(f"channel {name!r}: unknown QLC+ preset {preset!r}; imported by name")
        return _Chan(name, slug(name), fine, default, caps)
    group_el = next((c for c in el if _local(c.tag) == "Group"), None)
    group = (group_el.text or "").strip() if group_el is not None else ""
    fine = group_el is not None and group_el.get("Byte") == "1"
    return _Chan(
        name, _meaning_from_group(name, group, _child_text(el, "Colour")), fine, default, caps
    )


_BYTE_WORDS = re.compile(r"\b(fine|lsb|msb|coarse|16\s*-?\s*bit|8\s*-?\s*bit)\b", re.I)


def _stem(name: str) -> str:
    """A channel name without its byte words: "Red Circle fine" → "redcircle"."""
    return re.sub(r"[^a-z0-9]+", "", _BYTE_WORDS.sub("", name.casefold()))


def _coarse_for(fine: _Chan, order: list[_Chan | None], at: int, paired: set[str]) -> str | None:
    """The attribute of the coarse channel a fine channel belongs to, within one mode.

    Candidates are the mode's unpaired coarse channels of the same meaning. Same name
    apart from "fine"/"LSB" wins; then the nearest one before the fine channel; then
    the nearest one after it.
    """
    cands = [
        (j, c)
        for j, c in enumerate(order)
        if c is not None and not c.fine and c.base == fine.base and c.attr not in paired
    ]
    if not cands:
        return None
    stem = _stem(fine.name)
    named = [(j, c) for j, c in cands if _stem(c.name) == stem]
    pool = named or cands
    before = [(j, c) for j, c in pool if j < at]
    _, best = before[-1] if before else pool[0]
    return best.attr


def import_qxf_text(text: str, path: str = "<qxf>") -> ImportResult:
    """Import the text of a ``.qxf`` file (``path`` is used in messages only)."""
    unsafe = _UNSAFE.search(text)
    if unsafe:
        line = text.count("\n", 0, unsafe.start()) + 1
        col = unsafe.start() - (text.rfind("\n", 0, unsafe.start()) + 1) + 1
        raise FixtureImportError(
            f"{path}:{line}:{col}: refusing XML with a DTD subset or entity declarations "
            "(QLC+ never writes them)"
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, col = exc.position
        raise FixtureImportError(f"{path}:{line}:{col + 1}: not well-formed XML") from None
    if _local(root.tag) != "FixtureDefinition":
        raise FixtureImportError(
            f"{path}: not a QLC+ fixture definition (root element is <{_local(root.tag)}>)"
        )
    warnings: list[str] = []
    manufacturer = _child_text(root, "Manufacturer") or ""
    model = _child_text(root, "Model") or ""
    if not manufacturer or not model:
        raise FixtureImportError(f"{path}: the fixture definition has no Manufacturer or Model")
    ftype = _child_text(root, "Type") or None

    chans: dict[str, _Chan] = {}
    for el in _children(root, "Channel"):
        ch = _parse_channel(el, warnings)
        if not ch.name:
            warnings.append("a channel without a name was skipped")
            continue
        if ch.name in chans:
            warnings.append(f"channel {ch.name!r} is defined twice; the first is used")
            continue
        chans[ch.name] = ch

    draft = DraftProfile(manufacturer, model, ftype, source=f"QLC+ fixture {manufacturer} {model}")

    # Name coarse channels' attributes first, then pair fine channels with them.
    taken: dict[str, DraftAttribute] = {}
    for ch in chans.values():
        if ch.base is None or ch.fine:
            continue
        ch.attr = unique_name(ch.base, taken)
        taken[ch.attr] = DraftAttribute(label=ch.name)
    for ch in chans.values():
        if ch.base is None or not ch.fine:
            continue
        if not any(not c.fine and c.base == ch.base for c in chans.values()):
            warnings.append(
                f"fine channel {ch.name!r} has no coarse channel; imported as its own attribute"
            )
            ch.fine = False
            ch.attr = unique_name(slug(ch.name), taken)
            taken[ch.attr] = DraftAttribute(label=ch.name)
    draft.attributes = taken

    heads_warned = False
    for mel in _children(root, "Mode"):
        mname = (mel.get("Name") or "").strip() or f"mode {len(draft.modes) + 1}"
        mname = mname if mname not in draft.modes else unique_name(mname, draft.modes)
        numbered: list[tuple[int, str]] = []
        for c in _children(mel, "Channel"):
            numbered.append((_int(c.get("Number"), len(numbered)) or 0, (c.text or "").strip()))
        numbered.sort(key=lambda x: x[0])
        if len(_children(mel, "Head")) > 1 and not heads_warned:
            warnings.append(
                "multi-head fixture: imported as one fixture with numbered attributes "
                "(red, red_2 …); `color:` drives the first head only"
            )
            heads_warned = True
        order = [chans.get(cname) for _, cname in numbered]
        channels: list[str | None] = []
        paired: set[str] = set()
        for i, slot in enumerate(order):
            if slot is None:
                warnings.append(
                    f"mode {mname!r}: channel {numbered[i][1]!r} is not defined; left unused"
                )
                channels.append(None)
                continue
            ch = slot
            if ch.base is None:
                channels.append(None)
            elif ch.fine:
                coarse = _coarse_for(ch, order, i, paired)
                if coarse is None:
                    # no coarse channel in this mode, or a third byte (24-bit)
                    warnings.append(
                        f"mode {mname!r}: channel {i + 1} ({ch.name!r}) is a fine channel "
                        "with no coarse channel to pair with; left unused"
                    )
                    channels.append(None)
                else:
                    paired.add(coarse)
                    channels.append(f"{coarse}.fine")
            else:
                channels.append(ch.attr)
        draft.modes[mname] = channels

    _apply_caps(draft, chans)
    _apply_physical(root, draft, chans, warnings)
    return finish(draft, warnings, f"QLC+ fixture definition {path.rsplit('/', 1)[-1]}", path)


def _apply_caps(draft: DraftProfile, chans: dict[str, _Chan]) -> None:
    for ch in chans.values():
        if ch.fine or ch.attr is None:
            continue
        attr = draft.attributes[ch.attr]
        base = ch.base or ""
        if ch.default is not None:
            attr.default = {"dmx": max(0, min(255, ch.default))}
        if base in _CONTINUOUS or len(ch.caps) < 2:
            continue
        for cap in ch.caps:
            add_slot(
                attr.slots, cap.text or f"{cap.lo}-{cap.hi}", (cap.lo + cap.hi) // 2, cap.color
            )
        if ch.default is None and base == "shutter":
            # Home with the shutter open, or a recalled intensity shows nothing.
            for cap, slot in zip(ch.caps, attr.slots, strict=True):
                if cap.preset == "ShutterOpen" or re.search(r"\bopen\b", cap.text, re.I):
                    attr.default = {"dmx": slot["dmx"]}
                    break


def _apply_physical(
    root: ET.Element, draft: DraftProfile, chans: dict[str, _Chan], warnings: list[str]
) -> None:
    phys = next(iter(_children(root, "Physical")), None)
    if phys is None:
        for mel in _children(root, "Mode"):
            phys = next(iter(_children(mel, "Physical")), None)
            if phys is not None:
                break
    focus = next(iter(_children(phys, "Focus")), None) if phys is not None else None
    lens = next(iter(_children(phys, "Lens")), None) if phys is not None else None
    for axis, key in (("pan", "PanMax"), ("tilt", "TiltMax")):
        if axis not in draft.attributes:
            continue
        travel = _float(focus.get(key)) if focus is not None else None
        if travel and travel > 0:
            draft.attributes[axis].range = (-travel / 2, travel / 2)
        else:
            warnings.append(
                f"no {axis} travel in the file (Physical/Focus {key}); {axis} takes "
                "percentages or DMX, not degrees, until you add a range"
            )
    if "zoom" in draft.attributes and lens is not None:
        lo, hi = _float(lens.get("DegreesMin")), _float(lens.get("DegreesMax"))
        if lo is not None and hi is not None and 0 < lo < hi:
            zoom_ch = next((c for c in chans.values() if c.attr == "zoom"), None)
            big_to_small = zoom_ch is not None and zoom_ch.preset == "BeamZoomBigSmall"
            draft.attributes["zoom"].range = (hi, lo) if big_to_small else (lo, hi)
