"""What the fixture importers build: a :class:`DraftProfile`, written as profile YAML.

The importers (:mod:`showctl.lighting.import_ofl`, :mod:`showctl.lighting.import_qxf`)
build a :class:`DraftProfile`; :func:`render_profile_yaml` writes it in the same compact
style as the shipped profiles (one attribute or slot per line), and :func:`finish` checks
the text by loading it back with our own profile parser, so an import either gives a
valid profile or a :class:`FixtureImportError` sentence. :mod:`showctl.lighting.importing`
picks the importer by file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from showctl.lighting.profile_model import KNOWN_ATTRIBUTES
from showctl.lighting.profiles import ProfileError, parse_profile
from showctl.lighting.values import slot_key


class FixtureImportError(Exception):
    """The file cannot be imported; the message is one sentence for a person."""


@dataclass(slots=True)
class ImportResult:
    """An imported profile: the YAML text, what was lost, and a file name to save it as."""

    yaml_text: str
    warnings: list[str]
    suggested_name: str


@dataclass(slots=True)
class DraftAttribute:
    label: str | None = None
    range: tuple[float, float] | None = None
    default: Any = None
    slots: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class DraftProfile:
    """A profile being assembled by an importer (plain data, dumped to YAML at the end)."""

    manufacturer: str
    model: str
    type: str | None = None
    source: str | None = None
    attributes: dict[str, DraftAttribute] = field(default_factory=dict)
    modes: dict[str, list[str | None]] = field(default_factory=dict)


def unique_name(base: str, taken: set[str] | dict[str, Any]) -> str:
    """``base``, or ``base_2``, ``base_3`` … whichever is not taken yet."""
    if base not in taken:
        return base
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def slug(text: str, fallback: str = "channel") -> str:
    """An attribute-name-safe version of a channel name ("Gobo 2 Rot." → gobo_2_rot)."""
    s = re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")
    if not s or not s[0].isalpha():
        s = f"{fallback}_{s}" if s else fallback
    return s


def suggest_profile_name(manufacturer: str, model: str) -> str:
    """A file name for a profile: ``robe-robin-600-ledwash``."""
    return re.sub(r"[^a-z0-9]+", "-", f"{manufacturer} {model}".casefold()).strip("-") or (
        "imported-fixture"
    )


def add_slot(slots: list[dict[str, Any]], name: str, dmx: int, color: str | None = None) -> None:
    """Append a slot, renaming it "name (2)" if a slot of that name already exists.

    Profiles compare slot names ignoring case, spaces, hyphens and underscores, so the
    duplicate check does too.
    """
    name = " ".join(name.split()) or f"dmx {dmx}"
    keys = {slot_key(str(s["name"])) for s in slots}
    final = name
    n = 2
    while slot_key(final) in keys:
        final = f"{name} ({n})"
        n += 1
    slot: dict[str, Any] = {"name": final, "dmx": max(0, min(255, int(dmx)))}
    if color is not None:
        slot["color"] = color
    slots.append(slot)


# ------------------------------------------------------------------------- YAML text


def _scalar(value: Any) -> str:
    # safe_dump quotes exactly when YAML needs it ("on", "1.0", ": " …)
    text = yaml.safe_dump([value], default_flow_style=True, width=10_000, allow_unicode=True)
    return text.strip()[1:-1]


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _flow_map(items: list[tuple[str, Any]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"


def _value_text(value: Any) -> str:
    if isinstance(value, dict):
        return _flow_map([(str(k), _scalar(v)) for k, v in value.items()])
    return _scalar(value)


def _flow_list(items: list[str], indent: int, first_width: int) -> str:
    lines: list[str] = []
    cur = "["
    width = first_width
    for i, item in enumerate(items):
        piece = item + (", " if i < len(items) - 1 else "]")
        if len(cur) + len(piece) > width and cur != "[":
            lines.append(cur.rstrip())
            cur = " " * indent
            width = 92
        cur += piece
    if not items:
        cur += "]"
    lines.append(cur)
    return "\n".join(lines)


def render_profile_yaml(draft: DraftProfile, warnings: list[str], origin: str) -> str:
    """The draft as profile YAML, with a header comment saying where it came from."""
    out: list[str] = [f"# Imported from {origin}."]
    if warnings:
        out.append("# Import warnings:")
        out.extend(f"#   - {w}" for w in warnings)
    out.append(f"manufacturer: {_scalar(draft.manufacturer)}")
    out.append(f"model: {_scalar(draft.model)}")
    if draft.type:
        out.append(f"type: {_scalar(draft.type)}")
    if draft.source:
        out.append(f"source: {_scalar(draft.source)}")
    if draft.attributes:
        out.append("attributes:")
        for name, a in draft.attributes.items():
            items: list[tuple[str, str]] = []
            if a.label:
                items.append(("label", _scalar(a.label)))
            if a.range is not None:
                items.append(("range", f"[{_num(a.range[0])}, {_num(a.range[1])}]"))
            if a.default is not None:
                items.append(("default", _value_text(a.default)))
            if not a.slots:
                out.append(f"  {name}: {_flow_map(items)}")
                continue
            out.append(f"  {name}:")
            out.extend(f"    {k}: {v}" for k, v in items)
            out.append("    slots:")
            for s in a.slots:
                sitems = [("name", _scalar(s["name"])), ("dmx", str(s["dmx"]))]
                if s.get("color"):
                    sitems.append(("color", _scalar(s["color"])))
                out.append(f"      - {_flow_map(sitems)}")
    out.append("modes:")
    for mode, channels in draft.modes.items():
        key = _scalar(mode)
        prefix = f"  {key}: "
        items_text = ["~" if c is None else _scalar(c) for c in channels]
        out.append(prefix + _flow_list(items_text, len(prefix) + 1, 92 - len(prefix)))
    return "\n".join(out) + "\n"


def finish(draft: DraftProfile, warnings: list[str], origin: str, path: str) -> ImportResult:
    """Render, then prove the result loads as a profile (an importer bug otherwise)."""
    # Drop modes that ended up empty (everything in them was unsupported).
    for mode in [m for m, chans in draft.modes.items() if not chans]:
        del draft.modes[mode]
        warnings.append(f"mode {mode!r} has no channels we can use; left out")
    if not draft.modes:
        raise FixtureImportError(f"{path}: no mode of this fixture could be imported")
    # Known attributes need no declaration; keep the file short by not declaring the
    # ones that carry nothing but the default label.
    for name in list(draft.attributes):
        a = draft.attributes[name]
        plain = a.range is None and a.default is None and not a.slots
        same_label = a.label is None or a.label.casefold() == name.replace("_", " ")
        if name in KNOWN_ATTRIBUTES and plain and same_label:
            del draft.attributes[name]
    text = render_profile_yaml(draft, warnings, origin)
    name = suggest_profile_name(draft.manufacturer, draft.model)
    try:
        parse_profile(text, f"<imported {os.path.basename(path)}>", name)
    except ProfileError as exc:  # pragma: no cover - a bug in an importer
        raise AssertionError(
            "importer produced an invalid profile:\n" + "\n".join(exc.problems) + "\n" + text
        ) from None
    return ImportResult(text, warnings, name)


# ------------------------------------------------------------------------- entry point
