"""Fixture profiles' view of the one YAML reader, and pydantic errors as sentences.

Profiles are read by :mod:`showctl.model.yamlsource` like every other file (safe,
bounded, positions for every value). This module words the reader's positions as
``file:line:col`` for profile messages, and :func:`pydantic_problems` turns a pydantic
``ValidationError`` into positioned, human sentences, so a model with
``extra="forbid"`` reports a typo as "unknown key 'rnage'" at the typo's own line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from showctl.model.translate import Wording, validation_problems
from showctl.model.yamlsource import Located, YamlSyntaxError, load_located

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based position in a source file."""

    line: int
    col: int


@dataclass(slots=True)
class SourceMap:
    """Where each value (and each mapping key) of a loaded document came from."""

    filename: str
    located: Located | None = None

    def locate(self, path: Sequence[str | int], *, key: bool = False) -> Mark:
        """The mark of the deepest known prefix of ``path``.

        Segments that are not data keys (pydantic adds union tags such as ``'str'``) are
        skipped, so a validation location still lands on the closest real node.
        """
        if self.located is None:
            return Mark(1, 1)
        found = self.known_prefix(path)
        if key and found in self.located.keys:
            return Mark(*self.located.keys[found])
        return Mark(*self.located.values.get(found, (1, 1)))

    def known_prefix(self, path: Sequence[Any]) -> Path:
        """``path`` without the segments that name no node of the document."""
        if self.located is None:
            return ()
        return self.located.known_prefix(tuple(path))

    def where(self, path: Sequence[str | int], *, key: bool = False) -> str:
        """``file:line:col`` for ``path``."""
        m = self.locate(path, key=key)
        return f"{self.filename}:{m.line}:{m.col}"


class YamlSourceError(Exception):
    """The text is not YAML (or not the YAML we accept); ``problems`` are positioned."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_yaml(text: str, filename: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document; return the data and where each part of it came from."""
    try:
        located = load_located(text, raw_keys=frozenset())
    except YamlSyntaxError as exc:
        raise YamlSourceError([f"{filename}:{exc.line}:{exc.col}: {exc.message}"]) from None
    return located.data, SourceMap(filename, located)


def pydantic_problems(
    exc: ValidationError,
    smap: SourceMap,
    *,
    fields_at: Mapping[Path, Iterable[str]] | None = None,
) -> list[str]:
    """Positioned sentences for every error in ``exc`` (the one translator, worded for
    profiles).

    ``fields_at`` optionally maps a (normalized) path prefix to the field names allowed
    there, so an unknown key can suggest the closest real one.
    """
    if smap.located is None:
        return [f"{smap.filename}:1:1: {e['msg']}" for e in exc.errors()]

    def names_at(path: Path) -> Iterable[str]:
        return (fields_at or {}).get(_generic_path(path), ())

    wording = replace(PROFILE_WORDING, names_at=names_at if fields_at is not None else None)
    return [str(p) for p in validation_problems(exc, smap.located, smap.filename, wording)]


#: how a fixture profile words its problems (pinned by tests/golden/errors/profile--*.txt)
PROFILE_WORDING = Wording(
    missing_items="{where}: needs at least {n} items",
    prefix="path",
)


def _generic_path(path: Path) -> Path:
    """A path with mapping keys under free-form dicts replaced by ``"*"``."""
    out: list[str | int] = []
    for i, seg in enumerate(path):
        if i > 0 and path[i - 1] in ("attributes", "modes") and isinstance(seg, str):
            out.append("*")
        elif isinstance(seg, int):
            out.append("#")
        else:
            out.append(seg)
    return tuple(out)
