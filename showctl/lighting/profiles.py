"""Fixture profiles: loading and checking our YAML format (the models are
:mod:`showctl.lighting.profile_model`).

A profile says what a fixture type can do (its *attributes*: intensity, red, pan,
gobo …, with a physical range, a home value and named slots) and how each DMX mode
lays those attributes out as an ordered list of channels. A 16-bit attribute has a
coarse channel (``pan``) and a fine channel (``pan.fine``) anywhere in the same mode;
DMX sends coarse then fine (big-endian), whatever their positions.

Example (see docs/fixtures.md for the full reference)::

    manufacturer: Generic
    model: Moving Spot
    attributes:
      pan: {range: [-270, 270]}        # degrees; DMX 0..65535 spans the range
      gobo:
        slots:
          - {name: open, dmx: 0}
          - {name: breakup, dmx: 16}
    modes:
      standard: [pan, pan.fine, tilt, tilt.fine, gobo, intensity]

Shipped profiles live in ``showctl/data/fixtures/*.yaml`` (package data, so they work
from an installed wheel); :func:`load_profile` finds them by name and user profiles by
path, and reports every problem of a file at once as ``file:line:col: message``.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError

from showctl.lighting.profile_model import (
    ATTR_RE,
    FINE_SUFFIX,
    KNOWN_ATTRIBUTES,
    AttributeSpec,
    Profile,
    Slot,
)
from showctl.lighting.yamlsource import SourceMap, YamlSourceError, load_yaml, pydantic_problems
from showctl.model.yamlsource import YamlSyntaxError, read_text

# ------------------------------------------------------------------------- errors


class ProfileError(Exception):
    """A profile cannot be used. ``problems`` are sentences, ``file:line:col:`` first."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class ProfileNotFoundError(ProfileError):
    """No profile with that name or path."""


# ------------------------------------------------------------------------- checks

_FIELDS_AT: dict[tuple[str | int, ...], list[str]] = {
    (): list(Profile.model_fields),
    ("attributes", "*"): list(AttributeSpec.model_fields),
    ("attributes", "*", "slots", "#"): list(Slot.model_fields),
}


def _semantic_problems(profile: Profile, smap: SourceMap) -> list[str]:
    """Checks a schema cannot express: names, channel references, 16-bit pairs."""
    # Imported lazily: values.py builds on these models, and profiles only need it to
    # check that home values and slot colours are valid.
    from showctl.lighting import values

    out: list[str] = []
    for attr, spec in profile.attributes.items():
        path: tuple[str | int, ...] = ("attributes", attr)
        if not ATTR_RE.match(attr):
            out.append(
                f"{smap.where(path, key=True)}: attribute name {attr!r} must be lower case "
                "letters, digits and underscores, starting with a letter"
            )
        if spec.range is not None and spec.range[0] == spec.range[1]:
            out.append(f"{smap.where((*path, 'range'))}: range of {attr!r} is empty")
        seen: dict[str, int] = {}
        for i, slot in enumerate(spec.slots):
            key = values.slot_key(slot.name)
            if key in seen:
                out.append(
                    f"{smap.where((*path, 'slots', i, 'name'))}: {attr!r} has two slots named "
                    f"{slot.name!r}"
                )
            seen[key] = i
            if slot.color is not None:
                try:
                    values.parse_color(slot.color)
                except values.ValueConversionError as exc:
                    out.append(f"{smap.where((*path, 'slots', i, 'color'))}: {exc}")
        if spec.default is not None:
            try:
                values.attribute_value(spec, attr, spec.default)
            except values.ValueConversionError as exc:
                out.append(f"{smap.where((*path, 'default'))}: home value of {attr!r}: {exc}")

    used: set[str] = set()
    for mode, channels in profile.modes.items():
        mpath: tuple[str | int, ...] = ("modes", mode)
        if not channels:
            out.append(f"{smap.where(mpath)}: mode {mode!r} has no channels")
        if len(channels) > 512:
            out.append(
                f"{smap.where(mpath)}: mode {mode!r} has {len(channels)} channels; "
                "a universe has 512"
            )
        first: dict[str, int] = {}
        for i, ch in enumerate(channels):
            if ch is None:
                continue
            where = smap.where((*mpath, i))
            if ch in first:
                out.append(
                    f"{where}: mode {mode!r} channel {i + 1}: {ch!r} already is channel "
                    f"{first[ch] + 1}"
                )
                continue
            first[ch] = i
            base = ch[: -len(FINE_SUFFIX)] if ch.endswith(FINE_SUFFIX) else ch
            used.add(base)
            if not ATTR_RE.match(base):
                out.append(
                    f"{where}: mode {mode!r} channel {i + 1}: {ch!r} is not an "
                    "attribute name (or name.fine)"
                )
                continue
            if base not in profile.attributes and base not in KNOWN_ATTRIBUTES:
                close = difflib.get_close_matches(
                    base, [*profile.attributes, *KNOWN_ATTRIBUTES], n=1
                )
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                out.append(
                    f"{where}: mode {mode!r} channel {i + 1}: unknown attribute {base!r}"
                    f"{hint}; declare it under 'attributes:' to use a name of your own"
                )
        for ch, i in first.items():
            if ch.endswith(FINE_SUFFIX) and ch[: -len(FINE_SUFFIX)] not in first:
                out.append(
                    f"{smap.where((*mpath, i))}: mode {mode!r} channel {i + 1}: {ch!r} has no "
                    f"coarse channel {ch[: -len(FINE_SUFFIX)]!r} in this mode"
                )
    return out


# ------------------------------------------------------------------------- loading


def parse_profile(text: str, filename: str = "<profile>", name: str = "") -> Profile:
    """Build a profile from YAML text; raise :class:`ProfileError` listing every problem."""
    try:
        data, smap = load_yaml(text, filename)
    except YamlSourceError as exc:
        raise ProfileError(exc.problems) from None
    if not isinstance(data, dict):
        raise ProfileError(
            [
                f"{filename}:1:1: a profile is a mapping with manufacturer, "
                "model, attributes and modes"
            ]
        )
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        problems = pydantic_problems(exc, smap, fields_at=_FIELDS_AT)
        raise ProfileError(sorted(problems, key=_position)) from None
    problems = _semantic_problems(profile, smap)
    if problems:
        raise ProfileError(sorted(problems, key=_position))
    profile._name = name
    profile._path = filename
    return profile


def _position(problem: str) -> tuple[int, int]:
    """(line, col) of a ``file:line:col: message`` sentence, for reading order."""
    m = re.match(r"^.*?:(\d+):(\d+): ", problem)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def shipped_profiles_dir() -> Traversable:
    """The folder of profiles shipped inside the package (works from a wheel too)."""
    return files("showctl").joinpath("data", "fixtures")


def list_profiles() -> list[str]:
    """Names of the shipped profiles, sorted."""
    return sorted(
        p.name.rsplit(".", 1)[0]
        for p in shipped_profiles_dir().iterdir()
        if p.name.endswith((".yaml", ".yml"))
    )


def _looks_like_path(ref: str) -> bool:
    return "/" in ref or os.sep in ref or ref.endswith((".yaml", ".yml"))


def load_profile(
    name_or_path: str | os.PathLike[str], *, search_dirs: Sequence[str | os.PathLike[str]] = ()
) -> Profile:
    """Find and load a profile.

    A path (anything with a slash or a .yaml suffix, or a ``PathLike``) is read as is.
    A bare name is looked up as ``NAME.yaml`` in each of ``search_dirs`` (a show's own
    fixtures folder, say), then among the shipped profiles. Results are cached per file
    and modification time, so a patch of 200 identical fixtures parses the file once.
    """
    if isinstance(name_or_path, os.PathLike) or _looks_like_path(str(name_or_path)):
        path = Path(name_or_path)
        if not path.is_file():
            raise ProfileNotFoundError([f"{path}: no such fixture profile file"])
        return _load_file(str(path.resolve()), path.stat().st_mtime_ns, path.stem)
    name = str(name_or_path)
    for d in search_dirs:
        for suffix in (".yaml", ".yml"):
            cand = Path(d) / f"{name}{suffix}"
            if cand.is_file():
                return _load_file(str(cand.resolve()), cand.stat().st_mtime_ns, name)
    return _load_shipped(name)


@functools.lru_cache(maxsize=256)
def _load_file(path: str, mtime_ns: int, name: str) -> Profile:
    del mtime_ns  # part of the cache key only: an edited file is read again
    try:
        text = read_text(path)
    except OSError as exc:
        raise ProfileError([f"{path}: cannot read fixture profile: {exc}"]) from None
    except YamlSyntaxError as exc:
        raise ProfileError([f"{path}:{exc.line}:{exc.col}: {exc.message}"]) from None
    return parse_profile(text, path, name)


@functools.lru_cache(maxsize=64)
def _load_shipped(name: str) -> Profile:
    root = shipped_profiles_dir()
    for suffix in (".yaml", ".yml"):
        res = root.joinpath(f"{name}{suffix}")
        if res.is_file():
            return parse_profile(res.read_text(encoding="utf-8"), f"{name}{suffix}", name)
    known = list_profiles()
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ProfileNotFoundError(
        [f"unknown fixture profile {name!r}{hint}; shipped profiles: {', '.join(known)}"]
    )
