"""Import an Open Fixture Library fixture (JSON) into our profile format.

OFL says its JSON format is not stable for other software, so we pin it: we read
**schema major version 12** (tested against the 12.x schema: ``wheels`` at the top
level, pan/tilt travel as ``angleStart``/``angleEnd`` capabilities, ``links``). A file
names its schema in ``$schema``:

- ``…/open-fixture-library/schema-12.3.0/schemas/fixture.json`` (what OFL's "download
  as OFL JSON" export writes): accepted when the major version is 12, refused otherwise
  with a sentence saying which version we read;
- ``…/open-fixture-library/master/schemas/fixture.json`` (a file straight from the OFL
  repository): accepted with a warning, read as version 12.

Facts we rely on: ``availableChannels`` maps a channel key to ``capability`` (one) or
``capabilities`` (with ``dmxRange``); a 16-bit channel lists its fine channel's key in
``fineChannelAliases`` and modes name that alias where the fine byte goes; DMX values in
``dmxRange``/``defaultValue`` are in the channel's ``dmxValueResolution``, which defaults
to the finest the aliases allow; ``WheelSlot`` capabilities point into ``wheels`` by
wheel name (default: the channel's name) and 1-based ``slotNumber``. A switching channel
(a mode key that a controlling channel's ``switchChannels`` maps to one channel or
another) is imported as the channel it is at the controller's default value, under its
own name, with a warning: it keeps its address and can be set.

Pixel matrices: ``matrix`` names the pixels (``pixelCount`` [x, y, z] with OFL's default
keys "1", "(1, 2)", "(1, 2, 3)", or ``pixelKeys`` by z, y, x; ``pixelGroups``), and
``templateChannels`` hold channels whose keys contain ``$pixelKey``. A mode takes them
as a resolved key ("Red 3") or as a block ``{"insert": "matrixChannels", "repeatFor":
…, "channelOrder": "perPixel" | "perChannel", "templateChannels": [...]}``, where
``repeatFor`` is ``eachPixelABC`` (keys in natural order), ``eachPixelXYZ`` and its
permutations (the first axis varies fastest), ``eachPixelGroup`` or a list of keys. Each
resolved channel becomes a per-pixel attribute (``red_p3``, labelled "Red 3"), so every
channel keeps its address and a mode's footprint is the source's.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

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

SUPPORTED_SCHEMA_MAJOR = 12

_SCHEMA_RE = re.compile(
    r"open-fixture-library/(?:schema-(\d+)\.(\d+)\.(\d+)|(master|main))/schemas/fixture\.json$"
)
_DEG_RE = re.compile(r"^(-?\d+(?:\.\d+)?)deg$")

_COLOR_INTENSITY = {
    "Red": "red",
    "Green": "green",
    "Blue": "blue",
    "Cyan": "cyan",
    "Magenta": "magenta",
    "Yellow": "yellow",
    "Amber": "amber",
    "White": "white",
    "Warm White": "warm_white",
    "Cold White": "cold_white",
    "UV": "uv",
    "Lime": "lime",
    "Indigo": "indigo",
}

_TYPES: dict[str, str] = {
    "Intensity": "intensity",
    "Pan": "pan",
    "Tilt": "tilt",
    "PanContinuous": "pan_rotation",
    "TiltContinuous": "tilt_rotation",
    "PanTiltSpeed": "pan_tilt_speed",
    "ShutterStrobe": "shutter",
    "StrobeSpeed": "strobe",
    "StrobeDuration": "strobe_duration",
    "ColorPreset": "color_macro",
    "ColorTemperature": "color_temperature",
    "Zoom": "zoom",
    "Focus": "focus",
    "Iris": "iris",
    "IrisEffect": "iris_effect",
    "Frost": "frost",
    "FrostEffect": "frost_effect",
    "Prism": "prism",
    "PrismRotation": "prism_rotation",
    "Effect": "effect",
    "EffectSpeed": "effect_speed",
    "EffectDuration": "effect_duration",
    "EffectParameter": "effect_parameter",
    "SoundSensitivity": "sound_sensitivity",
    "BeamAngle": "beam_angle",
    "BeamPosition": "beam_position",
    "BladeInsertion": "blade",
    "BladeRotation": "blade_rotation",
    "BladeSystemRotation": "blade_system_rotation",
    "Fog": "fog",
    "FogOutput": "fog",
    "FogType": "fog_type",
    "Rotation": "rotation",
    "Speed": "speed",
    "Time": "time",
    "Maintenance": "control",
}

#: Attributes that are a level: their capabilities do not become slots.
_CONTINUOUS = frozenset(
    {
        "intensity",
        *(_COLOR_INTENSITY.values()),
        "pan",
        "tilt",
        "pan_tilt_speed",
        "strobe",
        "zoom",
        "focus",
        "iris",
        "frost",
        "prism_rotation",
        "color_temperature",
        "effect_speed",
        "speed",
    }
)


MAX_DEPTH = 100


def _too_deep_at(text: str) -> tuple[int, int]:
    """Line and column of the first ``[`` or ``{`` nested deeper than :data:`MAX_DEPTH`."""
    depth, line, col, in_str, escaped = 0, 1, 0, False, False
    for ch in text:
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        elif in_str:
            escaped = not escaped and ch == "\\"
            if ch == '"' and not escaped:
                in_str = False
        elif ch == '"':
            in_str, escaped = True, False
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, col
        elif ch in "]}":
            depth -= 1
    return 1, 1


def _err(path: str, msg: str) -> FixtureImportError:
    return FixtureImportError(f"{path}: {msg}")


def check_schema(data: dict[str, Any], path: str, warnings: list[str]) -> None:
    """Refuse a file whose ``$schema`` is not OFL schema 12.x (see module docstring)."""
    schema = data.get("$schema")
    if not isinstance(schema, str):
        raise _err(path, "no $schema; this is not an Open Fixture Library fixture file")
    m = _SCHEMA_RE.search(schema)
    if m is None:
        raise _err(path, f"$schema {schema!r} is not the Open Fixture Library fixture schema")
    if m.group(4):
        warnings.append(
            f"$schema names no version ({m.group(4)}); read as OFL schema "
            f"{SUPPORTED_SCHEMA_MAJOR}.x — export it from OFL to pin the version"
        )
        return
    major = int(m.group(1))
    if major != SUPPORTED_SCHEMA_MAJOR:
        version = ".".join(m.group(i) for i in (1, 2, 3))
        raise _err(
            path,
            f"Open Fixture Library schema {version} is not supported; showctl reads schema "
            f"{SUPPORTED_SCHEMA_MAJOR}.x. Download the fixture again from OFL as "
            "'Open Fixture Library JSON' to get the current schema",
        )


def _channel_name(key: str, ch: dict[str, Any]) -> str:
    name = ch.get("name")
    return name if isinstance(name, str) and name else key


def _deg(value: object) -> float | None:
    if isinstance(value, str) and (m := _DEG_RE.match(value)):
        return float(m.group(1))
    return None


def _caps(ch: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(ch.get("capability"), dict):
        return [ch["capability"]]
    caps = ch.get("capabilities")
    return [c for c in caps if isinstance(c, dict)] if isinstance(caps, list) else []


def _resolution_bits(ch: dict[str, Any]) -> int:
    res = ch.get("dmxValueResolution")
    if isinstance(res, str) and res.endswith("bit") and res[:-3].isdigit():
        return int(res[:-3])
    # OFL: without dmxValueResolution, values use the finest resolution the fine
    # channel aliases allow (a channel with one alias speaks 16-bit values).
    fines = ch.get("fineChannelAliases")
    return 8 * (1 + (len(fines) if isinstance(fines, list) else 0))


def _coarse(value: int, bits: int) -> int:
    return max(0, min(255, value >> (bits - 8)))


def _wheel_attr(wheel: str, wheels: dict[str, Any]) -> str:
    slots = wheels.get(wheel, {}).get("slots", []) if isinstance(wheels.get(wheel), dict) else []
    types = {s.get("type") for s in slots if isinstance(s, dict)}
    name = wheel.casefold()
    if "Color" in types or "color" in name or "colour" in name:
        return "color_wheel"
    if "Gobo" in types or "AnimationGoboStart" in types or "gobo" in name:
        return "gobo"
    if "Prism" in types or "prism" in name:
        return "prism"
    return slug(wheel, "wheel")


def _slot_name(slot: dict[str, Any], number: int, colour_wheel: bool) -> tuple[str, str | None]:
    stype = slot.get("type", "")
    colors = slot.get("colors")
    color = (
        colors[0] if isinstance(colors, list) and colors and isinstance(colors[0], str) else None
    )
    if isinstance(slot.get("name"), str):
        return slot["name"], color
    if stype == "Open":
        # an open colour wheel shows the lamp's white; an open gobo has no colour
        return "open", "#ffffff" if colour_wheel else None
    if stype == "Closed":
        return "closed", None
    if stype == "Gobo" and isinstance(slot.get("resource"), str):
        return slot["resource"].rsplit("/", 1)[-1].replace("-", " "), None
    return f"{stype or 'slot'} {number}".strip(), color


def _meaning(
    key: str, ch: dict[str, Any], wheels: dict[str, Any], warnings: list[str]
) -> str | None:
    """The attribute a channel controls, from its capability types."""
    name = _channel_name(key, ch)
    metas: list[str] = []
    for cap in _caps(ch):
        t = cap.get("type")
        if t == "NoFunction" or not isinstance(t, str):
            continue
        if t == "ColorIntensity":
            metas.append(_COLOR_INTENSITY.get(str(cap.get("color")), "color_intensity"))
        elif t in ("WheelSlot", "WheelShake"):
            metas.append(_wheel_attr(str(cap.get("wheel") or name), wheels))
        elif t in ("WheelRotation", "WheelSlotRotation"):
            metas.append(_wheel_attr(str(cap.get("wheel") or name), wheels) + "_rotation")
        elif t in _TYPES:
            metas.append(_TYPES[t])
        else:
            metas.append(slug(name))
    if not metas:
        return None
    distinct = list(dict.fromkeys(metas))
    if len(distinct) > 1:
        warnings.append(
            f"channel {name!r} does several things ({', '.join(distinct)}); "
            f"imported as {distinct[0]}"
        )
    return distinct[0]


def import_ofl_text(text: str, path: str = "<ofl>") -> ImportResult:
    """Import the text of an OFL fixture JSON file (``path`` is used in messages)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _err(f"{path}:{exc.lineno}:{exc.colno}", f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        line, col = _too_deep_at(text)
        raise _err(f"{path}:{line}:{col}", "nested too deep to be a fixture definition "
                   f"(more than {MAX_DEPTH} levels)") from None
    if not isinstance(data, dict):
        raise _err(path, "not an Open Fixture Library fixture (expected a JSON object)")
    warnings: list[str] = []
    check_schema(data, path, warnings)

    model = data.get("name")
    if not isinstance(model, str) or not model.strip():
        raise _err(path, "the fixture has no name")
    manufacturer = _manufacturer(data, path, warnings)
    categories = data.get("categories")
    ftype = categories[0] if isinstance(categories, list) and categories else None
    draft = DraftProfile(
        manufacturer,
        model,
        ftype if isinstance(ftype, str) else None,
        source=f"Open Fixture Library {manufacturer} {model}",
    )
    wheels = data.get("wheels") if isinstance(data.get("wheels"), dict) else {}
    assert isinstance(wheels, dict)
    channels = data.get("availableChannels")
    if not isinstance(channels, dict) or not channels:
        if not isinstance(data.get("templateChannels"), dict):
            raise _err(path, "the fixture has no availableChannels")
        channels = {}

    # channel key -> attribute; fine alias key -> (attribute, byte index 1 = fine)
    attr_of: dict[str, str | None] = {}
    fine_of: dict[str, tuple[str, int]] = {}

    def add_channel(key: str, ch: dict[str, Any], name: str | None = None) -> None:
        base = _meaning(key, ch, wheels, warnings)
        if base is None:
            attr_of[key] = None
            return
        attr = unique_name(name or base, draft.attributes)
        attr_of[key] = attr
        label = _channel_name(key, ch)
        draft.attributes[attr] = _attribute(key, ch, attr, base, label, wheels, data, warnings)
        fines = ch.get("fineChannelAliases")
        if isinstance(fines, list):
            for n, alias in enumerate(fines, start=1):
                if isinstance(alias, str):
                    fine_of[alias] = (attr, n)

    for key, ch in channels.items():
        if isinstance(ch, dict):
            add_channel(key, ch)
    matrix = _Matrix(data, path)
    pixel_attrs = 0

    def add_pixel_channel(ref: str) -> bool:
        """Create the per-pixel attribute behind a resolved template key (or its fine
        alias); False when ``ref`` is not one."""
        nonlocal pixel_attrs
        found = matrix.resolve(ref)
        if found is None:
            return False
        template, pixel, ch = found
        resolved = template.replace("$pixelKey", pixel)
        if resolved not in attr_of:
            base = _meaning(resolved, ch, wheels, warnings)
            add_channel(resolved, ch, f"{base}_{_pixel_slug(pixel)}" if base else None)
            pixel_attrs += 1
        return True

    switches = _switching_channels(channels, matrix)

    def add_switching_channel(ref: str, mode: str, number: int) -> None:
        """A channel whose meaning another channel switches (OFL ``switchChannels``):
        imported as the channel it is at the controlling channel's default value, with
        its own name, so it keeps its address and can be set."""
        controller, default, targets = switches[ref]
        ch: dict[str, Any] | None = channels.get(default) if isinstance(
            channels.get(default), dict) else None
        pixel = None
        if ch is None:
            found = matrix.resolve(default)
            if found is None:
                return
            _, pixel, ch = found
        ch = {k: v for k, v in ch.items() if k != "name"}
        base = _meaning(ref, ch, wheels, warnings)
        add_channel(ref, ch, f"{base}_{_pixel_slug(pixel)}" if base and pixel else None)
        others = ", ".join(repr(t) for t in targets if t != default)
        warnings.append(
            f"mode {mode!r}: channel {number} ({ref!r}) is {default!r} or {others} as "
            f"{controller!r} sets it; imported as {default!r} (its default)")

    for mode in data.get("modes") or []:
        if not isinstance(mode, dict):
            continue
        mname = mode.get("shortName") or mode.get("name") or f"mode {len(draft.modes) + 1}"
        mname = unique_name(str(mname), draft.modes)
        out: list[str | None] = []
        refs: list[Any] = []
        for ref in mode.get("channels") or []:
            if isinstance(ref, dict):
                refs.extend(matrix.expand(ref, mname, warnings))
            else:
                refs.append(ref)
        for i, ref in enumerate(refs):
            if (isinstance(ref, str) and ref not in attr_of and ref not in fine_of
                    and not add_pixel_channel(ref) and ref in switches):
                add_switching_channel(ref, mname, i + 1)
            if ref is None:
                out.append(None)
            elif ref in attr_of:
                out.append(attr_of[ref])
            elif ref in fine_of:
                attr, n = fine_of[ref]
                if n == 1:
                    out.append(f"{attr}.fine")
                else:
                    warnings.append(
                        f"mode {mname!r}: channel {i + 1} ({ref!r}) is a third byte "
                        "(24-bit); left unused"
                    )
                    out.append(None)
            else:
                warnings.append(
                    f"mode {mname!r}: channel {i + 1} ({ref!r}) is a switching or template "
                    "channel we do not support; left unused"
                )
                out.append(None)
        # A fine channel in a mode without its coarse channel cannot be rendered.
        coarse = {c for c in out if c and not c.endswith(".fine")}
        for i, c in enumerate(out):
            if c and c.endswith(".fine") and c[: -len(".fine")] not in coarse:
                warnings.append(
                    f"mode {mname!r}: channel {i + 1} ({c}) has no coarse "
                    "channel in this mode; left unused"
                )
                out[i] = None
        draft.modes[mname] = out

    if pixel_attrs:
        warnings.append(
            f"pixel matrix: {pixel_attrs} pixel channels imported as per-pixel attributes "
            "(red_p1 …), each at its address"
        )
    origin = f"Open Fixture Library fixture {PurePath(path).name}"
    return finish(draft, warnings, origin, path)


def _switching_channels(channels: dict[str, Any],
                        matrix: _Matrix) -> dict[str, tuple[str, str, list[str]]]:
    """Switching channel key → (controlling channel, the channel it is at the
    controller's default value, every channel it can be), for plain and (per pixel)
    template channels."""
    out: dict[str, tuple[str, str, list[str]]] = {}

    def read(key: str, ch: dict[str, Any], fill: Callable[[str], str]) -> None:
        default = ch.get("defaultValue", 0)
        caps = [c for c in _caps(ch) if isinstance(c.get("switchChannels"), dict)]
        for c in caps:
            for alias, target in c["switchChannels"].items():
                if not isinstance(alias, str) or not isinstance(target, str):
                    continue
                name = fill(alias)
                entry = out.setdefault(name, (fill(key), fill(target), []))
                if fill(target) not in entry[2]:
                    entry[2].append(fill(target))
                rng = c.get("dmxRange")
                if (isinstance(default, int) and isinstance(rng, list) and len(rng) == 2
                        and rng[0] <= default <= rng[1]):
                    out[name] = (entry[0], fill(target), entry[2])

    def same(text: str) -> str:
        return text

    for key, ch in channels.items():
        if isinstance(ch, dict):
            read(key, ch, same)
    for key, ch in matrix.templates.items():
        for pixel in [*matrix.positions, *matrix.groups]:
            read(key, ch, functools.partial(_fill_pixel, pixel=pixel))
    return out


def _fill_pixel(text: str, pixel: str) -> str:
    return text.replace("$pixelKey", pixel)


def _pixel_slug(key: str) -> str:
    """A pixel or group key as part of an attribute name: "3" → p3, "(1, 2)" → p1_2,
    "Outer ring" → outer_ring."""
    s = re.sub(r"[^a-z0-9]+", "_", key.casefold()).strip("_")
    return f"p{s}" if not s or not s[0].isalpha() else s


def _natural(key: str) -> list[Any]:
    return [(0, int(t), "") if t.isdigit() else (1, 0, t.casefold())
            for t in re.split(r"(\d+)", key) if t]


class _Matrix:
    """A fixture's pixels (OFL ``matrix``) and its ``templateChannels``."""

    def __init__(self, data: dict[str, Any], path: str) -> None:
        matrix = data.get("matrix") if isinstance(data.get("matrix"), dict) else {}
        assert isinstance(matrix, dict)
        templates = data.get("templateChannels")
        self.templates: dict[str, dict[str, Any]] = {
            k: v for k, v in (templates.items() if isinstance(templates, dict) else ())
            if isinstance(v, dict)}
        self.positions: dict[str, tuple[int, int, int]] = {}
        keys = matrix.get("pixelKeys")
        count = matrix.get("pixelCount")
        if isinstance(keys, list):
            for z, plane in enumerate(keys):
                for y, row in enumerate(plane if isinstance(plane, list) else []):
                    for x, key in enumerate(row if isinstance(row, list) else []):
                        if isinstance(key, str):
                            self.positions[key] = (x + 1, y + 1, z + 1)
        elif isinstance(count, list) and len(count) == 3 and all(
                isinstance(n, int) and n >= 1 for n in count):
            axes = [n > 1 for n in count]
            for z in range(1, count[2] + 1):
                for y in range(1, count[1] + 1):
                    for x in range(1, count[0] + 1):
                        self.positions[self._default_key((x, y, z), axes)] = (x, y, z)
        elif self.templates:
            raise _err(path, "templateChannels without a matrix (pixelCount or pixelKeys)")
        self.groups: dict[str, list[str]] = {}
        groups = matrix.get("pixelGroups")
        for name, group in (groups.items() if isinstance(groups, dict) else ()):
            self.groups[name] = self._group(group)
        # every resolved key (and fine alias) -> (template key, pixel/group key)
        self.resolved: dict[str, tuple[str, str]] = {}
        for tkey, ch in self.templates.items():
            for pixel in [*self.positions, *self.groups]:
                self.resolved.setdefault(tkey.replace("$pixelKey", pixel), (tkey, pixel))
                for alias in ch.get("fineChannelAliases") or []:
                    if isinstance(alias, str):
                        self.resolved.setdefault(alias.replace("$pixelKey", pixel),
                                                 (tkey, pixel))

    @staticmethod
    def _default_key(pos: tuple[int, int, int], axes: list[bool]) -> str:
        used = [p for p, a in zip(pos, axes, strict=True) if a]
        if len(used) <= 1:
            return str(max(pos))
        return "(" + ", ".join(map(str, used)) + ")"

    def abc(self) -> list[str]:
        return sorted(self.positions, key=_natural)

    def by_order(self, order: str) -> list[str]:
        idx = ["XYZ".index(a) for a in order]
        return sorted(self.positions, key=lambda k: tuple(
            self.positions[k][i] for i in reversed(idx)))

    def _group(self, group: Any) -> list[str]:
        if isinstance(group, list):
            return [k for k in group if isinstance(k, str)]
        if group == "all":
            return self.abc()
        if not isinstance(group, dict):
            return []
        keys = self.abc() if "name" in group else self.by_order("XYZ")
        return [k for k in keys if self._fits(k, group)]

    def _fits(self, key: str, rules: dict[str, Any]) -> bool:
        pos = self.positions[key]
        for i, axis in enumerate("xyz"):
            for rule in rules.get(axis) or []:
                if not _number_rule(str(rule), pos[i]):
                    return False
        return all(re.search(str(p), key) for p in rules.get("name") or [])

    def resolve(self, ref: str) -> tuple[str, str, dict[str, Any]] | None:
        """(template key, pixel key, the channel with its ``$pixelKey`` filled in)."""
        found = self.resolved.get(ref)
        if found is None:
            return None
        tkey, pixel = found
        text = json.dumps(self.templates[tkey])
        filled = text.replace("$pixelKey", json.dumps(pixel)[1:-1])
        return tkey, pixel, json.loads(filled)

    def expand(self, block: dict[str, Any], mode: str, warnings: list[str]) -> list[str | None]:
        """The resolved channel keys of a ``matrixChannels`` insert block, in order."""
        repeat = block.get("repeatFor")
        templates = [t if isinstance(t, str) else None
                     for t in block.get("templateChannels") or []]
        if isinstance(repeat, list):
            pixels = [str(k) for k in repeat]
        elif repeat == "eachPixelABC":
            pixels = self.abc()
        elif repeat == "eachPixelGroup":
            pixels = list(self.groups)
        elif isinstance(repeat, str) and re.fullmatch(r"eachPixel[XYZ]{3}", repeat) and len(
                set(repeat[-3:])) == 3:
            pixels = self.by_order(repeat[-3:])
        else:
            warnings.append(f"mode {mode!r}: matrix block with repeatFor {repeat!r} "
                            "we do not know; left out")
            return []
        if block.get("insert") != "matrixChannels":
            warnings.append(f"mode {mode!r}: insert block {block.get('insert')!r} we do not "
                            "know; read as matrixChannels")

        def fill(t: str | None, p: str) -> str | None:
            return None if t is None else t.replace("$pixelKey", p)

        if block.get("channelOrder") == "perChannel":
            return [fill(t, p) for t in templates for p in pixels]
        return [fill(t, p) for p in pixels for t in templates]


def _number_rule(rule: str, value: int) -> bool:
    """OFL pixel group constraints: =3, >=2, <=4, even, odd, 3n, 3n+1."""
    if rule.startswith("="):
        return value == int(rule[1:])
    if rule.startswith(">="):
        return value >= int(rule[2:])
    if rule.startswith("<="):
        return value <= int(rule[2:])
    rule = {"even": "2n", "odd": "2n+1"}.get(rule, rule)
    m = re.fullmatch(r"(\d+)n(?:\+(\d+))?", rule)
    if m is None:
        return True
    return value % int(m.group(1)) == int(m.group(2) or 0)


def _manufacturer(data: dict[str, Any], path: str, warnings: list[str]) -> str:
    """The maker: ``manufacturerKey`` (an OFL export) or the folder (a file from the OFL
    repository, fixtures/<manufacturer-key>/<fixture>.json), named as the repository's
    fixtures/manufacturers.json names it when that file is there."""
    key = data.get("manufacturerKey")
    p = Path(path)
    if not isinstance(key, str):
        folder = p.resolve().parent
        in_repo = folder.parent.name == "fixtures" or folder.name in _manufacturers(
            folder.parent)
        key = folder.name if in_repo else None
    if not key:
        warnings.append("no manufacturer in the file; set 'manufacturer:' by hand")
        return "Unknown"
    named = _manufacturers(p.resolve().parent.parent).get(key)
    if named:
        return named
    return " ".join(w.capitalize() for w in re.split(r"[-_]", key) if w)


def _manufacturers(folder: Path) -> dict[str, str]:
    """manufacturer key → name, from an OFL repository's fixtures/manufacturers.json."""
    try:
        data = json.loads((folder / "manufacturers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v["name"] for k, v in data.items()
            if isinstance(v, dict) and isinstance(v.get("name"), str) and v["name"].strip()}


def _attribute(
    key: str,
    ch: dict[str, Any],
    attr: str,
    base: str,
    label: str,
    wheels: dict[str, Any],
    data: dict[str, Any],
    warnings: list[str],
) -> DraftAttribute:
    a = DraftAttribute(label=label)
    bits = _resolution_bits(ch)
    caps = _caps(ch)

    dv = ch.get("defaultValue")
    if isinstance(dv, int) and not isinstance(dv, bool):
        a.default = {"dmx": _coarse(dv, bits)}
    elif isinstance(dv, str) and dv.endswith("%"):
        a.default = dv

    if base in ("pan", "tilt"):
        starts = [
            _deg(c.get("angleStart", c.get("angle")))
            for c in caps
            if c.get("type") in ("Pan", "Tilt")
        ]
        ends = [
            _deg(c.get("angleEnd", c.get("angle")))
            for c in caps
            if c.get("type") in ("Pan", "Tilt")
        ]
        lo, hi = (starts[0] if starts else None), (ends[-1] if ends else None)
        if lo is not None and hi is not None and lo != hi:
            # centred like the shipped profiles: 0 degrees = middle of travel
            mid = (lo + hi) / 2
            a.range = (lo - mid, hi - mid)
        else:
            warnings.append(
                f"channel {label!r}: no {base} angles in degrees; {attr} takes "
                "percentages or DMX, not degrees, until you add a range"
            )
    elif base == "zoom":
        z = [c for c in caps if c.get("type") == "Zoom"]
        lens = (data.get("physical") or {}).get("lens") or {}
        minmax = lens.get("degreesMinMax") if isinstance(lens, dict) else None
        named = (
            {"narrow": minmax[0], "wide": minmax[1]}
            if isinstance(minmax, list) and len(minmax) == 2
            else {}
        )
        if z:
            s = z[0].get("angleStart", z[0].get("angle"))
            e = z[-1].get("angleEnd", z[-1].get("angle"))
            lo = _deg(s) if _deg(s) is not None else named.get(str(s))
            hi = _deg(e) if _deg(e) is not None else named.get(str(e))
            if lo is not None and hi is not None and lo != hi:
                a.range = (float(lo), float(hi))

    if base not in _CONTINUOUS and len(caps) >= 2:
        name = _channel_name(key, ch)
        for cap in caps:
            rng = cap.get("dmxRange")
            if not (isinstance(rng, list) and len(rng) == 2):
                continue
            dmx = _coarse((int(rng[0]) + int(rng[1])) // 2, bits)
            sname, color = _cap_name(cap, name, wheels)
            add_slot(a.slots, sname, dmx, color)
        if base == "shutter" and a.default is None:
            # Home with the shutter open, or a recalled intensity shows nothing.
            for cap, slot in zip(
                [c for c in caps if isinstance(c.get("dmxRange"), list)], a.slots, strict=False
            ):
                if cap.get("shutterEffect") == "Open":
                    a.default = {"dmx": slot["dmx"]}
                    break
    return a


def _cap_name(cap: dict[str, Any], channel: str, wheels: dict[str, Any]) -> tuple[str, str | None]:
    """A slot name for one capability (wheel slots by their slot's name or colour)."""
    t = cap.get("type")
    if t == "WheelSlot" and isinstance(cap.get("slotNumber"), int | float):
        number = cap["slotNumber"]
        wheel = wheels.get(str(cap.get("wheel") or channel))
        slots = wheel.get("slots") if isinstance(wheel, dict) else None
        if float(number).is_integer() and isinstance(slots, list) and 1 <= number <= len(slots):
            slot = slots[int(number) - 1]
            if isinstance(slot, dict):
                wheel_name = str(cap.get("wheel") or channel)
                return _slot_name(
                    slot, int(number), _wheel_attr(wheel_name, wheels) == "color_wheel"
                )
        return f"slot {number}", None
    if t == "ShutterStrobe":
        effect = str(cap.get("shutterEffect", "strobe")).casefold()
        return ("random " + effect if cap.get("randomTiming") else effect), None
    if isinstance(cap.get("comment"), str):
        return cap["comment"], None
    if t == "Effect" and isinstance(cap.get("effectName"), str):
        return cap["effectName"], None
    if t == "NoFunction":
        return "no function", None
    if t in ("WheelRotation", "WheelSlotRotation"):
        return "rotation", None
    if t == "WheelShake":
        return "shake", None
    rng = cap.get("dmxRange") or [0, 0]
    return f"{t or 'dmx'} {rng[0]}-{rng[1]}", None
