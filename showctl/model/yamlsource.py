"""Reading YAML while remembering where every key and value came from.

PyYAML's composer gives us nodes with start marks; we build plain Python data from them
ourselves so that (a) every path in the data maps to a line and column for error
messages, and (b) mapping keys and cue numbers keep their exact text — YAML would read
``1.10`` as the float 1.1 and ``12`` as an int, but cue "1.10" is not cue "1.1".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

PathKey = tuple[str | int, ...]

# Values under these keys are cue numbers or names: keep them as the author wrote them.
_RAW_TEXT_KEYS = frozenset({"number", "target", "cue", "cue_list", "list"})


@dataclass(slots=True)
class Located:
    """Plain data from a YAML document plus the position of every node in it."""

    data: Any
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path`` (or of its key).

        Falls back to the nearest enclosing node that has a position.
        """
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))


class YamlSyntaxError(Exception):
    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message


def load_located(text: str) -> Located:
    """Parse one YAML document; raise :class:`YamlSyntaxError` with its position."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = exc.problem or str(exc)
        if exc.context:
            msg = f"{msg} ({exc.context})"
        raise YamlSyntaxError(line, col, f"YAML syntax error: {msg}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, 1, f"YAML syntax error: {exc}") from None
    out = Located(data=None)
    if node is None:
        out.data = None
        return out
    out.data = _build(node, (), out, raw=False)
    return out


def _pos(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: yaml.Node, path: PathKey, out: Located, *, raw: bool) -> Any:
    out.values[path] = _pos(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = str(key_node.value)
            else:
                raise YamlSyntaxError(*_pos(key_node), "a mapping key must be plain text")
            if key == "<<":
                raise YamlSyntaxError(*_pos(key_node), "YAML merge keys (<<) are not supported")
            if key in result:
                line, col = _pos(key_node)
                raise YamlSyntaxError(line, col, f"duplicate key {key!r}")
            out.keys[(*path, key)] = _pos(key_node)
            result[key] = _build(value_node, (*path, key), out, raw=key in _RAW_TEXT_KEYS)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, (*path, i), out, raw=False) for i, v in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    if raw and node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return str(node.value)
    # Resolve the scalar the way SafeLoader would (ints, floats, bools, null, strings).
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        line, col = _pos(node)
        raise YamlSyntaxError(line, col, f"cannot read value: {exc.problem}") from None
    finally:
        loader.dispose()
