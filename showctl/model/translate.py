"""One translator from pydantic's validation errors to positioned problems.

Every file showctl reads (shows, calling scripts, run logs, rigs, remote
configurations, fixture profiles) is validated by pydantic and read by the one YAML
reader (:mod:`showctl.model.yamlsource`), so one function turns an error's location into
``file:line:col`` and words it. *How* each kind of file words its problems is data: a
:class:`Wording` per kind, below, pinned by the golden files in tests/golden/errors/.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from showctl.model.problems import Problem
from showctl.model.yamlsource import Located, PathKey

if TYPE_CHECKING:
    from pydantic import ValidationError

# pydantic's wording → words for people writing show files (``{input}`` is the value).
PLAIN_MESSAGES: dict[str, str] = {
    "float_parsing": "expected a number, got {input!r}",
    "float_type": "expected a number, got {input!r}",
    "int_parsing": "expected a number, got {input!r}",
    "int_type": "expected a number, got {input!r}",
    "bool_parsing": "expected true or false, got {input!r}",
    "bool_type": "expected true or false, got {input!r}",
    "enum": "{input!r} is not one of {expected}",
    "string_type": "expected text, got {input!r}",
    "dict_type": "expected a mapping (key: value), got {input_type}",
    "model_type": "expected a mapping (key: value), got {input_type}",
    "model_attributes_type": "expected a mapping (key: value), got {input_type}",
    "list_type": "expected a list, got {input_type}",
}


@dataclass(frozen=True, slots=True)
class Wording:
    """How one kind of file words its validation problems."""

    unknown_key: str = "unknown key '{key}'{hint}"
    unknown_key_at_key: bool = True  # point at the key itself (else at its value)
    missing: str | None = "missing required key '{key}'"  # None: pydantic's own words
    missing_items: str | None = None  # a tuple too short: "... needs at least {n} items"
    # prefix of a message: "" none, "key" ('armed': ), "loc" (gos.0.at: , every message),
    # "path" (attributes.tilt.range: )
    prefix: str = ""
    plain: bool = False  # use PLAIN_MESSAGES
    strip: tuple[str, ...] = ("Value error, ",)
    # "did you mean" names for an unknown key at a (data) path
    names_at: Callable[[PathKey], Iterable[str]] | None = None
    # a discriminated union's tag (a cue's ``type``): what it is called and its values
    tag_key: str | None = None
    tag_unknown: str = ""
    tag_missing: str = ""
    tag_values: Sequence[str] = field(default_factory=tuple)


def _hint(bad: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(bad, list(names), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def describe(path: Sequence[str | int]) -> str:
    """``attributes.tilt.slots[2]``."""
    parts: list[str] = []
    for seg in path:
        parts.append(f"[{seg}]" if isinstance(seg, int) else ("." if parts else "") + seg)
    return "".join(parts)


def data_path(data: Any, loc: Sequence[Any]) -> PathKey:
    """Map a pydantic error location onto the data, dropping union-tag segments."""
    path: list[str | int] = []
    cur = data
    for seg in loc:
        in_dict = isinstance(cur, dict) and isinstance(seg, str) and seg in cur
        in_list = isinstance(cur, list) and isinstance(seg, int) and 0 <= seg < len(cur)
        if in_dict or in_list:
            cur = cur[seg]
            path.append(seg)
        # else: a discriminator tag or a model name inserted by pydantic: skip it
    return tuple(path)


def validation_problems(
    exc: ValidationError,
    located: Located,
    name: str,
    wording: Wording,
    *,
    data: Any = None,
    base: PathKey = (),
) -> list[Problem]:
    """Every error of ``exc`` as a :class:`Problem` at its line and column.

    ``data`` is what was validated (``located.data`` unless given) and ``base`` its path
    in the file (a rig's ``("outputs", "lx")``, say).
    """
    root = located.data if data is None else data
    out: list[Problem] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = (*base, *data_path(root, loc))
        etype = err["type"]
        msg = err["msg"]
        for p in wording.strip:
            msg = msg.removeprefix(p)
        if wording.prefix == "loc":
            # the location as pydantic gives it, union tags and all
            where_text = ".".join(str(x) for x in loc if isinstance(x, str | int))
            lead = f"{where_text}: " if where_text else ""
        else:
            lead = ""
        if etype == "extra_forbidden":
            key = str(loc[-1])
            hint = _hint(key, wording.names_at(path[:-1])) if wording.names_at else ""
            text = wording.unknown_key.format(key=key, hint=hint)
            out.append(Problem(name, *located.where(path, key=wording.unknown_key_at_key),
                               lead + text))
            continue
        if etype == "missing" and isinstance(loc[-1], int) and wording.missing_items:
            text = wording.missing_items.format(where=describe(path), n=loc[-1] + 1)
            out.append(Problem(name, *located.where(path), lead + text))
            continue
        if etype == "missing" and wording.missing is not None:
            text = wording.missing.format(key=loc[-1])
            out.append(Problem(name, *located.where(path), lead + text))
            continue
        if wording.tag_key and etype in ("union_tag_invalid", "union_tag_not_found"):
            tag = err.get("ctx", {}).get("tag")
            known = ", ".join(wording.tag_values)
            if tag:
                text = wording.tag_unknown.format(
                    tag=tag, hint=_hint(str(tag), wording.tag_values), known=known)
                where = located.where((*path, wording.tag_key))
            else:
                text, where = wording.tag_missing.format(known=known), located.where(path)
            out.append(Problem(name, *where, lead + text))
            continue
        if wording.plain and etype in PLAIN_MESSAGES:
            inp = err.get("input")
            msg = PLAIN_MESSAGES[etype].format(
                input=inp, input_type=type(inp).__name__,
                expected=err.get("ctx", {}).get("expected", ""))
        if wording.prefix == "key":
            key_name = next((s for s in reversed(path) if isinstance(s, str)), None)
            lead = f"'{key_name}': " if key_name else ""
        elif wording.prefix == "path":
            described = describe(path[len(base):])
            lead = f"{described}: " if described else ""
        out.append(Problem(name, *located.where(path), lead + msg))
    return out


# ------------------------------------------------------------------ the wordings

#: calling scripts (``replay --calls``)
CALLS = Wording(unknown_key="unknown key '{key}'", unknown_key_at_key=False)
#: run logs: every message led by where it is (``gos.0.at: ...``)
RUNLOG = Wording(unknown_key="unknown key '{key}'", unknown_key_at_key=False, prefix="loc")
#: rig files and remote configurations: pydantic's own words but for unknown keys
CONFIG = Wording(unknown_key="unknown key '{key}'", missing=None)
