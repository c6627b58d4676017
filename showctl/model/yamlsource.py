"""The one YAML reader of showctl: safe, bounded, fast, and it knows where everything is.

Every file showctl reads (shows, fixture profiles, rigs, calling scripts, run logs,
remote configurations) goes through :func:`read_text` and :func:`load_located`:

- **Safe.** Only plain YAML: mappings with text keys, lists, scalars. A tag showctl does
  not define (``!!python/object/apply:os.system``, ``!include``, ``!!binary``…) is an
  error at its line, never dropped. Merge keys (``<<``) and duplicate keys are errors.
- **Bounded.** A file larger than :data:`LIMITS` ``.max_bytes`` is refused before it is
  read; nesting deeper than ``max_depth`` is refused at the level that goes too deep (no
  ``RecursionError``); aliases are bounded in number and in how much they copy, so a
  "billion laughs" file is refused at the alias that goes over. Bytes that are not UTF-8
  are reported at their real line and column.
- **Fast.** The data is built straight from libyaml's parse events (PyYAML's pure-Python
  parser when libyaml is missing), without PyYAML's node graph or constructors.
  Positions are only computed when a problem needs one (:meth:`Located.where`): a file
  without problems is read once.

The data is plain Python: mapping keys are the text as written (``1.10:`` is ``"1.10"``)
and so are cue numbers and names under :data:`RAW_TEXT_KEYS` — YAML would read ``1.10``
as the float 1.1, but cue "1.10" is not cue "1.1".
"""

from __future__ import annotations

import contextlib
import copy
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

PathKey = tuple[str | int, ...]

# Values under these keys are cue numbers or names: keep them as the author wrote them.
RAW_TEXT_KEYS = frozenset({"number", "target", "cue", "cue_list", "list"})
_RAW_TEXT_KEYS = RAW_TEXT_KEYS

MB = 1_000_000
ENV_MAX_FILE_MB = "SHOWCTL_MAX_FILE_MB"


@dataclass(frozen=True, slots=True)
class Limits:
    """What one file may hold. ``max_bytes`` can be raised (``--max-file-size MB``)."""

    max_bytes: int = 16 * MB
    max_depth: int = 100  # mappings and lists inside each other
    max_aliases: int = 1_000  # alias references (``*name``) in one file
    max_alias_values: int = 100_000  # values copied by all aliases together
    # values (mappings, lists, scalars) in one file; 0: one per 16 bytes of max_bytes (a
    # real show has one per 10 or so; a file of `1,1,1,…` one per 2)
    max_values: int = 0

    @property
    def values_limit(self) -> int:
        return self.max_values or max(1, self.max_bytes // 16)


def _limits_from_env() -> Limits:
    raw = os.environ.get(ENV_MAX_FILE_MB, "").strip()
    try:
        mb = float(raw) if raw else 0.0
    except ValueError:
        mb = 0.0
    return Limits(max_bytes=int(mb * MB)) if mb > 0 else Limits()


LIMITS = _limits_from_env()


def set_max_file_size(megabytes: float) -> None:
    """Raise (or lower) the size limit for every file read from now on."""
    global LIMITS
    if megabytes <= 0:
        raise ValueError("the file size limit must be a positive number of MB")
    LIMITS = Limits(max_bytes=int(megabytes * MB), max_depth=LIMITS.max_depth,
                    max_aliases=LIMITS.max_aliases,
                    max_alias_values=LIMITS.max_alias_values, max_values=LIMITS.max_values)


class YamlSyntaxError(Exception):
    """The file cannot be read as the YAML showctl accepts; ``line``/``col`` from 1."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message


# ------------------------------------------------------------------------ reading


def _too_big(size: int, limit: int) -> str:
    return (f"the file is {size / MB:.1f} MB, over the {limit / MB:g} MB limit for "
            f"showctl files (raise it with --max-file-size MB or {ENV_MAX_FILE_MB})")


def read_text(path: str | Path, *, limits: Limits | None = None) -> str:
    """The text of a UTF-8 file, refusing files over the size limit before reading them.

    OS errors (``FileNotFoundError``, ``IsADirectoryError``…) propagate for the caller to
    word; a file too big or not UTF-8 raises :class:`YamlSyntaxError` with its position.
    """
    limit = (limits or LIMITS).max_bytes
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > limit:
            raise YamlSyntaxError(1, 1, _too_big(size, limit))
        data = f.read(limit + 1)  # a file that grows meanwhile (a fifo…) is bounded too
    if len(data) > limit:
        raise YamlSyntaxError(1, 1, _too_big(len(data), limit))
    return decode_utf8(data)


def decode_utf8(data: bytes) -> str:
    """``data`` as text; bytes that are not UTF-8 are an error at their line and column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[start:exc.start].decode("utf-8", errors="replace")) + 1
        raise YamlSyntaxError(line, col, f"not UTF-8 text: byte 0x{data[exc.start]:02x} "
                                         "here (save the file as UTF-8)") from None


# ------------------------------------------------------------------------ loading


@dataclass(slots=True)
class Located:
    """Plain data from a YAML document, and where each of its values came from.

    Positions are computed on first use (a second, cheap pass over the text), so a file
    without problems pays nothing for them.
    """

    data: Any
    text: str | None = None
    raw_keys: frozenset[str] = RAW_TEXT_KEYS
    _values: dict[PathKey, tuple[int, int]] | None = field(default=None, repr=False)
    _keys: dict[PathKey, tuple[int, int]] | None = field(default=None, repr=False)

    def _positions(self) -> None:
        values: dict[PathKey, tuple[int, int]] = {}
        keys: dict[PathKey, tuple[int, int]] = {}
        if self.text is not None:
            _positions(self.text, values, keys)
        self._values, self._keys = values, keys

    @property
    def values(self) -> dict[PathKey, tuple[int, int]]:
        """Line and column of every value, by its path in the data."""
        if self._values is None:
            self._positions()
        assert self._values is not None
        return self._values

    @property
    def keys(self) -> dict[PathKey, tuple[int, int]]:
        """Line and column of every mapping key, by the path of its value."""
        if self._keys is None:
            self._positions()
        assert self._keys is not None
        return self._keys

    def where(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path`` (or of its key).

        Falls back to the nearest enclosing node that has a position.
        """
        table = self.keys if key else self.values
        values = self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in values:
                return values[p]
            p = p[:-1]
        return values.get((), (1, 1))

    def known_prefix(self, path: tuple[Any, ...]) -> PathKey:
        """``path`` without the segments that name no value (pydantic's union tags)."""
        known: list[str | int] = []
        values = self.values
        for seg in path:
            if (*known, seg) in values:
                known.append(seg)
        return tuple(known)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: reading builds many containers and no
    cycles, and the collector's passes over them cost a third of a big file's time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_located(text: str, *, raw_keys: frozenset[str] = RAW_TEXT_KEYS,
                 limits: Limits | None = None) -> Located:
    """Parse one YAML document; raise :class:`YamlSyntaxError` with its position."""
    lim = limits or LIMITS
    if len(text) > lim.max_bytes:
        raise YamlSyntaxError(1, 1, _too_big(len(text.encode("utf-8", "replace")),
                                             lim.max_bytes))
    with gc_paused():
        data = _Builder(text, lim, raw_keys).run()
    return Located(data=data, text=text, raw_keys=raw_keys)


def load_file(path: str | Path, *, raw_keys: frozenset[str] = RAW_TEXT_KEYS) -> Located:
    """:func:`read_text` then :func:`load_located` (OS errors propagate)."""
    return load_located(read_text(path), raw_keys=raw_keys)


# ------------------------------------------------------------------ the builder


def _positions(text: str, values: dict[PathKey, tuple[int, int]],
               keys: dict[PathKey, tuple[int, int]]) -> None:
    """Where each value and key of ``text`` is: a second pass over a text that has
    already been read without error, so it only follows paths and builds nothing."""
    parser = _Parser(text)
    get = parser.get_event
    stack: list[list[Any]] = []  # [path, is mapping, pending key (mapping) or index]
    top: list[Any] | None = None
    try:
        while True:
            ev = get()
            if ev is None:
                break
            cls = ev.__class__
            is_start = cls is MappingStartEvent or cls is SequenceStartEvent
            if cls is ScalarEvent or cls is AliasEvent or is_start:
                mark = ev.start_mark
                pos = (mark.line + 1, mark.column + 1)
                if top is None:
                    path: PathKey = ()
                elif top[1]:
                    if top[2] is _NOKEY:
                        if cls is ScalarEvent:
                            top[2] = ev.value
                            keys.setdefault((*top[0], ev.value), pos)  # a duplicate: the first
                        continue
                    path = (*top[0], top[2])
                    top[2] = _NOKEY
                else:
                    path = (*top[0], top[2])
                    top[2] += 1
                values[path] = pos
                if is_start:
                    is_map = cls is MappingStartEvent
                    top = [path, is_map, _NOKEY if is_map else 0]
                    stack.append(top)
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                stack.pop()
                top = stack[-1] if stack else None
            elif cls is StreamEndEvent:
                break
    except yaml.YAMLError:
        pass  # positions up to the error are still right
    finally:
        parser.dispose()


_Parser: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_Y = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT = _Y + "str", _Y + "int", _Y + "float"
# The tags a value may carry: YAML's own core types. Anything else is refused.
_SCALAR_TAGS = frozenset({_STR, _INT, _FLOAT, _Y + "bool", _Y + "null"})
_NONSPECIFIC = "!"

_RESOLVERS: dict[Any, list[tuple[str, Any]]] = Resolver.yaml_implicit_resolvers
_CONSTRUCT = SafeConstructor()
_CONSTRUCTORS = {
    _INT: _CONSTRUCT.construct_yaml_int,
    _FLOAT: _CONSTRUCT.construct_yaml_float,
    _Y + "bool": _CONSTRUCT.construct_yaml_bool,
    _Y + "null": _CONSTRUCT.construct_yaml_null,
    _Y + "timestamp": _CONSTRUCT.construct_yaml_timestamp,
}
_NOKEY = object()
# first characters for which some implicit type (int, bool, null…) may apply
_RESOLVED_FIRST = frozenset(k for k in _RESOLVERS if k)
_PURE_REREAD_CHARS = 1_000_000
_SYNTAX = "YAML syntax error: "


def _resolve(value: str) -> str:
    """The tag PyYAML's SafeLoader gives a plain scalar."""
    if value.isascii() and value.isdigit() and value[0] != "0":
        return _INT
    for tag, regexp in _RESOLVERS.get(value[:1] or "", []) + _RESOLVERS.get(None, []):
        if regexp.match(value):
            return str(tag)
    return _STR


def _construct(tag: str, value: str) -> Any:
    if tag == _STR:
        return value
    fn = _CONSTRUCTORS.get(tag)
    if fn is None:
        raise ConstructorError(None, None, f"could not determine a constructor for the tag "
                               f"{tag!r}", None)
    return fn(ScalarNode(tag, value))


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _tag_problem(tag: str) -> str:
    shown = "!!" + tag[len(_Y):] if tag.startswith(_Y) else tag
    return (f"unknown YAML tag {shown!r}: showctl files use no tags (write a plain "
            "value, or quote it)")


class _Builder:
    """Plain data from parse events, iteratively (nesting costs no Python stack)."""

    def __init__(self, text: str, limits: Limits, raw_keys: frozenset[str]) -> None:
        self.text = text
        self.limits = limits
        self.raw_keys = raw_keys
        self.cache: dict[tuple[str, bool], Any] = {}

    def run(self) -> Any:
        try:
            return self._run(_Parser)
        except YamlSyntaxError as exc:
            if (_Parser is yaml.SafeLoader or len(self.text) > _PURE_REREAD_CHARS
                    or not exc.message.startswith(_SYNTAX)):
                raise
        # libyaml words its syntax errors differently: PyYAML's own parser gives the
        # wording people (and tests) know, and the same positions. Small files only.
        return self._run(yaml.SafeLoader)

    def _run(self, parser_class: type[Any]) -> Any:
        parser = parser_class(self.text)
        try:
            return self._build(parser)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            msg = exc.problem or str(exc)
            if exc.context:
                msg = f"{msg} ({exc.context})"
            raise YamlSyntaxError(*_pos(mark), f"{_SYNTAX}{msg}") from None
        except yaml.YAMLError as exc:
            raise YamlSyntaxError(1, 1, f"{_SYNTAX}{exc}") from None
        finally:
            parser.dispose()

    def _scalar(self, ev: Any, raw: bool) -> Any:
        tag = ev.tag
        value: str = ev.value
        if tag is None or tag == _NONSPECIFIC:
            if not ev.implicit[0] or tag == _NONSPECIFIC:
                return value  # quoted, or `! text`: a string
            tag = _resolve(value)
            cacheable = True
        elif tag not in _SCALAR_TAGS:
            raise YamlSyntaxError(*_pos(ev.start_mark), _tag_problem(tag))
        else:
            cacheable = False
        if raw and tag in (_INT, _FLOAT):
            out: Any = value
        elif (tag == _INT and value.isascii() and value.isdigit()
              and (value[0] != "0" or len(value) == 1)):
            out = int(value)  # the common case, without PyYAML's constructor
        else:
            try:
                out = _construct(tag, value)
            except (ConstructorError, ValueError) as exc:
                problem = getattr(exc, "problem", None) or str(exc)
                raise YamlSyntaxError(*_pos(ev.start_mark),
                                      f"cannot read value: {problem}") from None
        if cacheable:
            self.cache[(value, raw)] = out
        return out

    def _build(self, parser: Any) -> Any:
        lim = self.limits
        max_values = lim.values_limit
        raw_keys = self.raw_keys
        cache = self.cache
        scalar = self._scalar
        get = parser.get_event
        # frame: [container, path, is_mapping, pending key, anchor, count at start]
        stack: list[list[Any]] = []
        anchors: dict[str, tuple[Any, int]] = {}
        open_anchors: set[str] = set()
        count = 0  # values built so far, aliases counted at their full size
        aliases = 0
        alias_values = 0
        root: Any = None
        top: list[Any] | None = None
        documents = 0
        while True:
            ev = get()
            if ev is None:
                break
            cls = ev.__class__
            if cls is ScalarEvent:
                if top is not None and top[2] and top[3] is _NOKEY:  # a mapping key
                    key = ev.value
                    if ev.tag is not None or ev.anchor is not None or key == "<<":
                        self._odd_key(ev)
                    if key in top[0]:
                        self._duplicate(ev, top[1], key)
                    top[3] = key
                    continue
                count += 1
                if count > max_values:
                    self._too_many(ev)
                if ev.tag is None and ev.anchor is None and ev.implicit[0]:
                    raw = top is not None and top[2] and top[3] in raw_keys
                    text = ev.value
                    if text[:1] not in _RESOLVED_FIRST and text:
                        value = text  # no implicit type starts so: plain text
                    else:
                        try:
                            value = cache[(text, raw)]
                        except KeyError:
                            value = scalar(ev, raw)
                else:
                    raw = top is not None and top[2] and top[3] in raw_keys
                    value = scalar(ev, raw)
                    if ev.anchor is not None:
                        anchors[ev.anchor] = (value, 1)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                is_map = cls is MappingStartEvent
                if top is not None and top[2] and top[3] is _NOKEY:
                    raise YamlSyntaxError(*_pos(ev.start_mark), "a mapping key must be plain text")
                if ev.tag is not None and ev.tag != _NONSPECIFIC and ev.tag != (
                        _Y + "map" if is_map else _Y + "seq"):
                    raise YamlSyntaxError(*_pos(ev.start_mark), _tag_problem(ev.tag))
                if len(stack) >= lim.max_depth:
                    raise YamlSyntaxError(*_pos(ev.start_mark),
                                          f"nested too deep: more than {lim.max_depth} "
                                          "levels of mappings and lists")
                path = self._path(top)
                if ev.anchor is not None:
                    open_anchors.add(ev.anchor)
                top = [{} if is_map else [], path, is_map, _NOKEY, ev.anchor, count]
                stack.append(top)
                count += 1
                if count > max_values:
                    self._too_many(ev)
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                value = frame[0]
                if frame[4] is not None:
                    open_anchors.discard(frame[4])
                    anchors[frame[4]] = (value, count - frame[5])
                top = stack[-1] if stack else None
            elif cls is AliasEvent:
                name = ev.anchor
                mark = _pos(ev.start_mark)
                if top is not None and top[2] and top[3] is _NOKEY:
                    raise YamlSyntaxError(*mark, "a mapping key must be plain text")
                if name in open_anchors:
                    raise YamlSyntaxError(*mark, f"alias *{name} refers to itself")
                if name not in anchors:
                    raise YamlSyntaxError(*mark, "YAML syntax error: found undefined alias "
                                          f"{name!r}")
                value, size = anchors[name]
                aliases += 1
                alias_values += size
                if aliases > lim.max_aliases:
                    raise YamlSyntaxError(*mark, f"too many aliases: more than "
                                          f"{lim.max_aliases:,} in one file")
                if alias_values > lim.max_alias_values:
                    raise YamlSyntaxError(*mark, f"alias *{name} copies too much: aliases "
                                          f"would expand the file past "
                                          f"{lim.max_alias_values:,} values")
                count += size
                if count > max_values:
                    self._too_many(ev)
                if isinstance(value, dict | list):
                    value = copy.deepcopy(value)
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlSyntaxError(*_pos(ev.start_mark), "YAML syntax error: expected "
                                          "a single document in the stream, but found "
                                          "another document")
                continue
            elif cls is StreamEndEvent:
                break
            else:
                continue
            # attach the finished value to its parent
            if top is None:
                root = value
            elif top[2]:
                top[0][top[3]] = value
                top[3] = _NOKEY
            else:
                top[0].append(value)
        return root

    def _too_many(self, ev: Any) -> None:
        raise YamlSyntaxError(*_pos(ev.start_mark), f"too many values: more than "
                              f"{self.limits.values_limit:,} in one file (raise the limit "
                              "with --max-file-size MB)")

    @staticmethod
    def _path(top: list[Any] | None) -> PathKey:
        """The path of the value about to be attached under ``top``."""
        if top is None:
            return ()
        return (*top[1], top[3]) if top[2] else (*top[1], len(top[0]))

    def _odd_key(self, ev: Any) -> None:
        if ev.tag is not None and ev.tag != _NONSPECIFIC and ev.tag != _STR:
            raise YamlSyntaxError(*_pos(ev.start_mark), _tag_problem(ev.tag))
        if ev.value == "<<" and ev.implicit[0]:
            raise YamlSyntaxError(*_pos(ev.start_mark), "YAML merge keys (<<) are not supported")

    def _duplicate(self, ev: Any, path: PathKey, key: str) -> None:
        first = self._first_key_line(path, key)
        raise YamlSyntaxError(*_pos(ev.start_mark), f"duplicate key {key!r}{first}")

    def _first_key_line(self, path: PathKey, key: str) -> str:
        """Where a duplicated key was first written (a second pass, on this error only)."""
        keys: dict[PathKey, tuple[int, int]] = {}
        _positions(self.text, {}, keys)
        where = keys.get((*path, key))
        return f" (first at line {where[0]})" if where else ""
