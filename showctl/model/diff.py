"""The difference between two shows, in the terms people call things.

``diff_shows(old, new)`` gives a list of :class:`Change`, each with a sentence
("cue 12 'Sunset': time 3 s → 5 s", "cue 14.5 added after 14", "fixture 101 moved from
1/1 to 2/17", "settings: go_guard 0.3 → 0.5") and the data a tool needs (section, list,
cue, field, old, new). Comments and formatting are not differences: two files that load
to the same show are equal.

Cues are matched within a list in this order: same number and same content; same content
under a new number (a renumbered cue is a *move*, not a delete and an add); same number
(changed in place); same type and name under a new number (renumbered and changed). What
is left is added or deleted. Cues in groups are compared one by one (their group is part
of their content), so a group reports its own fields and each child reports its own.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from showctl.model.problems import Problem

if TYPE_CHECKING:
    from showctl.model import show as m

# Fields whose values are seconds: printed with " s".
_SECONDS = frozenset({
    "prewait", "postwait", "time", "up", "down", "delay", "duration", "go_guard",
    "panic_time", "default_fade", "auto_go_gap",
})


# Fields whose values are words of the format (enums): printed without quotes.
_WORDS = frozenset({"continue", "mode", "type", "curve", "kind", "panic_lights", "command"})


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Change:
    """One difference. ``section`` is show, settings, output, fixture, list or cue;
    ``kind`` is added, deleted, changed, moved (a cue renumbered or reordered, a fixture
    at a new address) or renumbered."""

    section: str
    kind: str
    text: str
    subject: str = ""
    list: str | None = None
    field: str | None = None
    old: Any = None
    new: Any = None

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and v != ""}


@dataclass
class DiffResult:
    changes: list[Change] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.changes

    def text(self) -> str:
        return "".join(c.text + "\n" for c in self.changes)

    def json(self) -> str:
        return json.dumps({"equal": self.equal,
                           "changes": [c.as_json() for c in self.changes]},
                          indent=1, ensure_ascii=False)


# ------------------------------------------------------------------------- formatting


def fmt_value(value: Any, key: str | None = None) -> str:
    """A value as a person reads it: 3 s, 'Sunset', none, [1, 2], {intensity: 40}."""
    if value is MISSING:
        return "(not set)"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{text} s" if key in _SECONDS else text
    if isinstance(value, str):
        return value if key in _WORDS else f"'{value}'"
    if isinstance(value, list):
        return "[" + ", ".join(fmt_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {fmt_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _field_diffs(old: Any, new: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """(dotted path, old, new) for every leaf that differs; lists compare whole."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[tuple[str, Any, Any]] = []
        for k in [*old, *(k for k in new if k not in old)]:
            o, n = old.get(k, MISSING), new.get(k, MISSING)
            if o != n:
                out.extend(_field_diffs(o, n, f"{path}.{k}" if path else str(k)))
        return out
    return [(path, old, new)] if old != new else []


def _change_text(prefix: str, path: str, old: Any, new: Any) -> str:
    key = path.rpartition(".")[2]
    if old is MISSING:
        return f"{prefix}{path} set to {fmt_value(new, key)}"
    if new is MISSING:
        return f"{prefix}{path} removed (was {fmt_value(old, key)})"
    return f"{prefix}{path} {fmt_value(old, key)} → {fmt_value(new, key)}"


def _fields(section: str, subject: str, prefix: str, old: dict[str, Any],
            new: dict[str, Any], list_name: str | None = None) -> list[Change]:
    return [Change(section, "changed", _change_text(prefix, p, o, n), subject, list_name, p,
                   None if o is MISSING else o, None if n is MISSING else n)
            for p, o, n in _field_diffs(old, new)]


# ---------------------------------------------------------------------------- the diff


def diff_shows(old: m.Show | None, new: m.Show | None) -> DiffResult:
    """Every difference between two shows (None = no show: a new or deleted file)."""
    if old is None or new is None:
        return _whole(old, new)
    out: list[Change] = []
    dump_o = old.model_dump(mode="json", by_alias=True, exclude={"cuelists"})
    dump_n = new.model_dump(mode="json", by_alias=True, exclude={"cuelists"})
    out += _fields("show", "show", "show: ", dump_o["show"], dump_n["show"])
    out += _fields("settings", "settings", "settings: ", dump_o["settings"], dump_n["settings"])
    out += _keyed("output", "output", dump_o["outputs"], dump_n["outputs"])
    out += _patch(dump_o["patch"], dump_n["patch"])
    out += _lists(old, new)
    return DiffResult(out)


def _whole(old: m.Show | None, new: m.Show | None) -> DiffResult:
    show = new if new is not None else old
    if show is None:
        return DiffResult()
    cues = sum(1 for _ in show.walk())
    kind = "added" if new is not None else "deleted"
    text = (f"show '{show.show.title}' {kind}: {cues} cue{'s' if cues != 1 else ''} in "
            f"{len(show.cuelists)} list{'s' if len(show.cuelists) != 1 else ''}, "
            f"{len(show.patch)} fixture{'s' if len(show.patch) != 1 else ''}")
    return DiffResult([Change("show", kind, text, "show")])


def _keyed(section: str, word: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out: list[Change] = []
    for k in old:
        if k not in new:
            out.append(Change(section, "deleted", f"{word} {k} deleted", k, old=old[k]))
    for k, v in new.items():
        if k not in old:
            out.append(Change(section, "added", f"{word} {k} added: {fmt_value(v)}", k,
                              new=v))
        else:
            out += _fields(section, k, f"{word} {k}: ", old[k], v)
    return out


def _patch(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    def key(e: dict[str, Any]) -> str:
        return str(e["id"]).strip()

    def where(e: dict[str, Any]) -> str:
        return f"{e['universe']}/{e['address']}"

    def label(e: dict[str, Any]) -> str:
        return f"fixture {key(e)}" + (f" '{e['name']}'" if e.get("name") else "")

    olds = {key(e): e for e in old}
    news = {key(e): e for e in new}
    out: list[Change] = []

    def body(e: dict[str, Any]) -> str:
        return json.dumps({f: v for f, v in e.items() if f != "id"}, sort_keys=True)

    # a fixture under a new id with everything else the same was renumbered
    gone = {body(e): k for k, e in olds.items() if k not in news}
    renumbered: dict[str, str] = {}
    for k, e in news.items():
        if k not in olds and (was := gone.pop(body(e), None)) is not None:
            renumbered[k] = was
    for k, e in olds.items():
        if k not in news and k not in renumbered.values():
            out.append(Change("fixture", "deleted", f"{label(e)} deleted (was at {where(e)})",
                              k, old=e))
    for k, e in news.items():
        o = olds.get(k)
        if k in renumbered:
            out.append(Change("fixture", "renumbered",
                              f"fixture {renumbered[k]} renumbered to {k}", k, field="id",
                              old=renumbered[k], new=k))
            continue
        if o is None:
            mode = f" {e['mode']}" if e.get("mode") else ""
            out.append(Change("fixture", "added",
                              f"{label(e)} added at {where(e)} ({e['profile']}{mode})", k,
                              new=e))
            continue
        if where(o) != where(e):
            out.append(Change("fixture", "moved",
                              f"fixture {k} moved from {where(o)} to {where(e)}", k,
                              field="address", old=where(o), new=where(e)))
        rest_o = {f: v for f, v in o.items() if f not in ("universe", "address", "id")}
        rest_n = {f: v for f, v in e.items() if f not in ("universe", "address", "id")}
        out += _fields("fixture", k, f"fixture {k}: ", rest_o, rest_n)
    return out


# ------------------------------------------------------------------------------- cues


@dataclass
class _Flat:
    number: str
    name: str
    type: str
    content: dict[str, Any]  # everything but the number (and a group's children)
    pos: int
    key: str = ""  # the content as canonical JSON, for matching by hash

    def __post_init__(self) -> None:
        self.key = json.dumps(self.content, sort_keys=True)


def _flatten(cues: list[dict[str, Any]]) -> list[_Flat]:
    """A list's cues (dumped once, as JSON data) in order, each group followed by its
    children."""
    out: list[_Flat] = []

    def walk(items: list[dict[str, Any]], group: str | None) -> None:
        for cue in items:
            data = {k: v for k, v in cue.items() if k not in ("number", "cues")}
            if group is not None:
                data["group"] = group
            out.append(_Flat(cue["number"], cue.get("name", ""), str(cue["type"]), data,
                             len(out)))
            if cue.get("type") == "group":
                walk(cue.get("cues") or [], cue["number"])

    walk(cues, None)
    return out


def _match(old: list[_Flat], new: list[_Flat]) -> list[tuple[_Flat, _Flat]]:
    """Pairs of old and new cues, in four passes (see the module docstring); each pass
    looks cues up by a key, so a list of 100,000 cues matches in linear time."""
    pairs: list[tuple[_Flat, _Flat]] = []
    left_o: dict[int, _Flat] = {o.pos: o for o in old}
    left_n: list[_Flat] = list(new)

    def take(key: Any) -> None:
        nonlocal left_n
        index: dict[Any, list[_Flat]] = {}
        for o in left_o.values():
            k = key(o)
            if k is not None:
                index.setdefault(k, []).append(o)
        rest: list[_Flat] = []
        for n in left_n:
            k = key(n)
            found = index.get(k) if k is not None else None
            while found and found[0].pos not in left_o:
                found.pop(0)
            if found:
                o = found.pop(0)
                del left_o[o.pos]
                pairs.append((o, n))
            else:
                rest.append(n)
        left_n = rest

    take(lambda c: (c.number, c.key))
    take(lambda c: c.key)
    take(lambda c: c.number)
    take(lambda c: (c.type, c.name) if c.name else None)
    return pairs


def _stayed(pairs: list[tuple[_Flat, _Flat]]) -> set[int]:
    """New positions of the matched cues that kept their order (a longest increasing
    run of old positions, taken in new order); the others were moved."""
    import bisect

    seq = sorted(pairs, key=lambda p: p[1].pos)
    tails: list[int] = []  # old position ending the best run of each length
    tail_at: list[int] = []  # index in seq of that cue
    prev = [-1] * len(seq)
    for i, (o, _) in enumerate(seq):
        k = bisect.bisect_left(tails, o.pos)
        if k == len(tails):
            tails.append(o.pos)
            tail_at.append(i)
        else:
            tails[k], tail_at[k] = o.pos, i
        prev[i] = tail_at[k - 1] if k else -1
    keep: set[int] = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        keep.add(seq[i][1].pos)
        i = prev[i]
    return keep


def _lists(old: m.Show, new: m.Show) -> list[Change]:
    out: list[Change] = []
    for name in old.cuelists:
        if name not in new.cuelists:
            n = len(old.cuelists[name].cues)
            out.append(Change("list", "deleted", f"list {name} deleted ({n} cues)", name))
    if old.main_list != new.main_list and new.main_list in old.cuelists:
        out.append(Change("list", "changed",
                          f"main list {old.main_list} → {new.main_list}", "main",
                          field="main", old=old.main_list, new=new.main_list))
    for name, cl in new.cuelists.items():
        if name not in old.cuelists:
            out.append(Change("list", "added", f"list {name} added ({len(cl.cues)} cues)",
                              name, name))
            continue
        ocl = old.cuelists[name]
        prefix = "" if name == new.main_list else f"list {name}: "
        dump_o = ocl.model_dump(mode="json", by_alias=True)
        dump_n = cl.model_dump(mode="json", by_alias=True)
        cues_o, cues_n = dump_o.pop("cues"), dump_n.pop("cues")
        out += _fields("list", name, f"list {name}: ", dump_o, dump_n, name)
        out += _cues(name, prefix, _flatten(cues_o), _flatten(cues_n))
    return out


def _cue_label(c: _Flat) -> str:
    return f"cue {c.number}" + (f" '{c.name}'" if c.name else "")


def _cues(lname: str, prefix: str, old: list[_Flat], new: list[_Flat]) -> list[Change]:
    pairs = _match(old, new)
    matched_o = {id(o) for o, _ in pairs}
    matched_n = {id(n) for _, n in pairs}
    stayed = _stayed(pairs)
    out: list[Change] = []
    for o in old:
        if id(o) not in matched_o:
            out.append(Change("cue", "deleted", f"{prefix}{_cue_label(o)} deleted", o.number,
                              lname, old=o.content))
    by_new = {n.pos: o for o, n in pairs}

    def after(n: _Flat) -> str:
        if n.pos == 0:
            return "at the top"
        return f"after {new[n.pos - 1].number}"

    for n in new:
        if id(n) not in matched_n:
            out.append(Change("cue", "added", f"{prefix}{_cue_label(n)} added {after(n)}",
                              n.number, lname, new=n.content))
            continue
        o = by_new[n.pos]
        label = _cue_label(n)
        if o.number != n.number:
            how = "moved" if o.content == n.content else "renumbered"
            where = f" ({after(n)})" if n.pos not in stayed else ""
            out.append(Change("cue", how,
                              f"{prefix}{_cue_label(o)} renumbered to {n.number}{where}",
                              n.number, lname, "number", o.number, n.number))
        elif n.pos not in stayed:
            out.append(Change("cue", "moved", f"{prefix}{label} moved {after(n)}", n.number,
                              lname, "position"))
        out += _fields("cue", n.number, f"{prefix}{label}: ", o.content, n.content, lname)
    return out


# ------------------------------------------------------------------------------ reading


def read_for_diff(path: str, name: str | None = None) -> tuple[m.Show | None, list[Problem]]:
    """A show for comparing: the file must read and match the schema; cross-references,
    media files and fixture values are not checked (a diff of a half-finished show, or
    of an old version whose MIDI files are gone, is still a diff)."""
    from showctl.model.loader import parse_structure
    from showctl.model.yamlsource import YamlSyntaxError, read_text

    shown = name or path
    try:
        text = read_text(path)
    except FileNotFoundError:
        return None, [Problem(shown, 1, 1, "no such file")]
    except YamlSyntaxError as exc:
        return None, [Problem(shown, exc.line, exc.col, exc.message)]
    except OSError as exc:
        return None, [Problem(shown, 1, 1, f"cannot read the file: {exc}")]
    return parse_structure(text, shown)
