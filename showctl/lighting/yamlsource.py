"""YAML with positions: load a document and remember where every value came from.

Users write profiles by hand, so every error must point at ``file:line:col``. PyYAML's
composed node tree knows each node's position; this module builds the Python data from
that tree and, alongside it, a map from *data path* (``("modes", "standard", 3)``) to
the 1-based line and column of the value (and of the key, for mapping entries).

:func:`pydantic_problems` turns a pydantic ``ValidationError`` into positioned, human
sentences, so a model with ``extra="forbid"`` reports a typo as "unknown key 'rnage'"
at the typo's own line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

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
    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)

    def locate(self, path: Sequence[str | int], *, key: bool = False) -> Mark:
        """The mark of the deepest known prefix of ``path``.

        Segments that are not data keys (pydantic adds union tags such as ``'str'``) are
        skipped, so a validation location still lands on the closest real node.
        """
        found = self.known_prefix(path)
        if key and found in self.keys:
            return self.keys[found]
        return self.values.get(found, Mark(1, 1))

    def known_prefix(self, path: Sequence[Any]) -> Path:
        """``path`` without the segments that name no node of the document."""
        known: list[str | int] = []
        for seg in path:
            if (*known, seg) in self.values:
                known.append(seg)
        return tuple(known)

    def where(self, path: Sequence[str | int], *, key: bool = False) -> str:
        """``file:line:col`` for ``path``."""
        m = self.locate(path, key=key)
        return f"{self.filename}:{m.line}:{m.col}"


class YamlSourceError(Exception):
    """The text is not YAML (or not the YAML we accept); ``problems`` are positioned."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# libyaml's loader is ~10x faster and keeps node marks too; PyYAML may lack it.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def load_yaml(text: str, filename: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document; return the data and where each part of it came from.

    Duplicate mapping keys are an error here: PyYAML would silently keep the last one,
    which hides a copy-paste mistake in a profile.
    """
    smap = SourceMap(filename)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, smap
            problems: list[str] = []
            _walk(node, (), smap, problems, filename)
            if problems:
                raise YamlSourceError(problems)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        what = exc.problem or exc.context or "invalid YAML"
        raise YamlSourceError([f"{where}: {what}"]) from None
    except yaml.YAMLError as exc:
        raise YamlSourceError([f"{filename}: {exc}"]) from None
    return data, smap


def _walk(node: yaml.Node, path: Path, smap: SourceMap, problems: list[str], filename: str) -> None:
    smap.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, Mark] = {}
        for knode, vnode in node.value:
            key: object = knode.value if isinstance(knode, yaml.ScalarNode) else None
            if isinstance(knode, yaml.ScalarNode) and knode.tag.endswith(":int"):
                # YAML ints as keys (ids like `1:`) are looked up as ints by pydantic
                try:
                    key = int(knode.value)
                except ValueError:
                    key = knode.value
            if key in seen:
                km = _mark(knode)
                first = seen[key]
                problems.append(
                    f"{filename}:{km.line}:{km.col}: duplicate key {key!r} "
                    f"(first at line {first.line})"
                )
                continue
            seen[key] = _mark(knode)
            if isinstance(key, str | int):
                child = (*path, key)
                smap.keys[child] = _mark(knode)
                _walk(vnode, child, smap, problems, filename)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), smap, problems, filename)


def _known_fields(model_fields: Iterable[str], bad: str) -> str:
    close = difflib.get_close_matches(bad, list(model_fields), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def pydantic_problems(
    exc: ValidationError,
    smap: SourceMap,
    *,
    fields_at: Mapping[Path, Iterable[str]] | None = None,
) -> list[str]:
    """Positioned sentences for every error in ``exc``.

    ``fields_at`` optionally maps a (normalized) path prefix to the field names allowed
    there, so an unknown key can suggest the closest real one.
    """
    out: list[str] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        etype = err["type"]
        data_path = smap.known_prefix(loc)
        if etype == "extra_forbidden":
            bad = str(loc[-1])
            hint = ""
            if fields_at is not None:
                parent = _generic_path(data_path[:-1])
                allowed = fields_at.get(parent)
                if allowed is not None:
                    hint = _known_fields(allowed, bad)
            out.append(f"{smap.where(loc, key=True)}: unknown key {bad!r}{hint}")
            continue
        if etype == "missing" and isinstance(loc[-1], int):
            # a tuple such as a range given too few items
            where = _describe(smap.known_prefix(loc[:-1]))
            out.append(f"{smap.where(loc[:-1])}: {where}: needs at least {loc[-1] + 1} items")
            continue
        if etype == "missing":
            field_name = str(loc[-1])
            out.append(f"{smap.where(loc[:-1])}: missing required key {field_name!r}")
            continue
        where = _describe(data_path)
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        prefix = f"{where}: " if where else ""
        out.append(f"{smap.where(loc)}: {prefix}{msg}")
    return out


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


def _describe(path: Sequence[str | int]) -> str:
    parts: list[str] = []
    for seg in path:
        if isinstance(seg, int):
            parts.append(f"[{seg}]")
        else:
            parts.append(("." if parts else "") + seg)
    return "".join(parts)
