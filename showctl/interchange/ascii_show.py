"""USITT ASCII records ↔ showctl shows: what ``import-ascii`` and ``export-ascii`` do.

Import (:func:`show_from_ascii`): every console channel becomes a patched
``generic-dimmer`` fixture with the channel's number as its id, at the dimmer the
``PATCH`` gives it (dimmer 513 = universe 2 address 1; a channel patched to several
dimmers becomes one fixture per dimmer, ``12``, ``12.2`` …, and a group ``ch12`` the
cues use). A file with no patch at all is patched 1:1, as consoles do. A ``CUE``'s
``CHAN`` lines give its whole look (a channel not listed is at zero); showctl cues
track, so each imported cue holds what changes from the cue before it in its list.
``GROUP`` records become fixture groups. Cue lists come from the cue's page (Eos writes
the list there) or ``$CueList``.

Export (:func:`ascii_from_show`): the show's light cues, per list, each with the whole
look a console would record — every channel's level as the list leaves it at that cue.
An ASCII channel carries one intensity: a fixture's channel is its id (a text id gets
the next free number) and is patched to the fixture's intensity address; a raw channel
``"2/10"`` is channel 522 (its absolute address) patched to that address. Colour,
position and beam attributes have no place in the standard: the export lists, per
fixture, those its cues set. docs/usitt-ascii.md has the whole mapping.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from showctl.interchange.usitt_ascii import AsciiCue, AsciiFile, Note, PatchPoint, Times

GENERIC_PROFILE = "generic-dimmer"


@dataclass(slots=True)
class Imported:
    """An import: the show file text, and the file's notes (errors, warnings)."""

    yaml_text: str
    notes: list[Note] = field(default_factory=list)

    @property
    def errors(self) -> list[Note]:
        return [n for n in self.notes if n.severity == "error"]


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s or ""


def _number_key(number: str) -> tuple[float, str]:
    return (float(number), number)


def dimmer_address(dimmer: int) -> tuple[int, int]:
    """Absolute dimmer (from 1) → (universe from 1, address 1..512)."""
    return (dimmer - 1) // 512 + 1, (dimmer - 1) % 512 + 1


def absolute_address(universe: int, address: int) -> int:
    return (universe - 1) * 512 + address


def _pct(level: float) -> float | int:
    v = round(level * 100, 4)
    return int(v) if v == int(v) else v


def show_from_ascii(f: AsciiFile, source: str, title: str) -> Imported:
    """The show file for a parsed ASCII file (its errors are the caller's to refuse)."""
    notes = list(f.notes)
    used = sorted({ch for c in f.cues for ch in c.levels} | {ch for g in f.groups
                                                              for ch in g.levels})
    patch_map: dict[int, list[PatchPoint]] = dict(f.patch)
    if not f.has_patch and used:
        first = min((c.line for c in f.cues), default=1)
        notes.append(Note(first, 1, "warning",
                          "the file has no PATCH: channels are patched 1:1 to addresses"))
        patch_map = {ch: [PatchPoint(ch)] for ch in used}
    # fixture keys a channel's levels go to (one fixture, or a group of several)
    keys: dict[int, str] = {}
    patch: list[dict[str, Any]] = []
    groups_of: dict[str, list[str]] = {}
    names: set[str] = set()
    for g in f.groups:
        name = _slug(g.text)
        if not name or name.isdigit():  # a group name must not read as a fixture id
            name = f"group_{_slug(g.number)}" if not name else f"group_{name}"
        while name in names:
            name += "_"
        names.add(name)
        for ch in g.levels:
            groups_of.setdefault(str(ch), []).append(name)
    taken_addresses: dict[tuple[int, int], int] = {}
    for ch in sorted(patch_map):
        points = patch_map[ch]
        multi = len(points) > 1
        keys[ch] = f"ch{ch}" if multi else str(ch)
        for k, p in enumerate(points, start=1):
            universe, address = dimmer_address(p.dimmer)
            other = taken_addresses.get((universe, address))
            if other is not None:
                notes.append(Note(p.line, 1, "error",
                                  f"dimmer {p.dimmer} is patched to channel {other} and "
                                  f"channel {ch}: showctl drives an address from one fixture"))
                continue
            taken_addresses[(universe, address)] = ch
            entry: dict[str, Any] = {"id": ch if k == 1 and not multi else f"{ch}.{k}",
                                     "name": p.label or f"Chan {ch}"}
            entry.update(profile=GENERIC_PROFILE, universe=universe, address=address)
            groups = list(groups_of.get(str(ch), []))
            if multi:
                groups.insert(0, f"ch{ch}")
            if groups:
                entry["groups"] = groups
            patch.append(entry)
    reported: set[int] = set()
    for g in f.groups:
        for ch in g.levels:
            if ch not in keys and ch not in reported:
                reported.add(ch)
                notes.append(Note(g.line, 1, "warning",
                                  f"group {g.number}: channel {ch} is not patched"))
        if any(v < 1.0 for v in g.levels.values()):
            notes.append(Note(g.line, 1, "warning",
                              f"group {g.number}: the group's levels are not carried "
                              "(showctl groups select fixtures)"))

    list_names: dict[int, str] = {}
    for lst in sorted({c.list for c in f.cues} | set(f.lists)):
        base = _slug(f.lists.get(lst, "")) or ("main" if lst == 1 else f"list{lst}")
        name = base
        while name in list_names.values():
            name = f"{base}_{lst}"
        list_names[lst] = name

    cuelists: dict[str, Any] = {}
    for lst, lname in list_names.items():
        cues = sorted((c for c in f.cues if c.list == lst), key=lambda c: _number_key(c.number))
        numbers = {c.number for c in cues}
        out: list[dict[str, Any]] = []
        prev: dict[int, float] = {}
        for cue in cues:
            look = {}
            for ch, lv in cue.levels.items():
                if ch in keys:
                    look[ch] = lv
                elif ch not in reported:
                    reported.add(ch)
                    notes.append(Note(cue.level_lines.get(ch, cue.line), 1, "warning",
                                      f"channel {ch} is not patched: its levels are not "
                                      "carried"))
            changed = {ch: lv for ch, lv in look.items() if prev.get(ch, 0.0) != lv}
            changed.update({ch: 0.0 for ch, lv in prev.items() if lv and ch not in look})
            prev = look
            out.extend(_cue(cue, changed, keys, numbers, lname, notes))
        label = f.lists.get(lst, "")
        entry = {"description": label} if label and label != lname else {}
        entry["cues"] = out
        cuelists[lname] = entry
    if not cuelists:
        cuelists["main"] = {"cues": []}
    header = " ".join(x for x in (f.manufacturer, f.console) if x)
    doc: dict[str, Any] = {
        "show": {"title": title,
                 "notes": f"Imported from {source}" + (f" ({header})" if header else "")},
        "outputs": {"lx": {"kind": "dmx"}},
    }
    if patch:
        doc["patch"] = patch
    doc["cuelists"] = cuelists
    body = _yaml(doc)
    text = (f"# Imported from {source} by showctl import-ascii (USITT ASCII 3.0).\n"
            "# Channels are generic-dimmer fixtures (id = console channel); each cue holds\n"
            "# what changes from the cue before it. See docs/usitt-ascii.md.\n" + body)
    notes.sort()
    return Imported(text, notes)


_PLAIN_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_PLAIN_TEXT = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*( [A-Za-z0-9_\-]+)*$")
"""Text YAML reads back as the same text without quotes (words, no ': ' or ' #')."""


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    text = str(v)
    if _PLAIN_TEXT.match(text) and text.lower() not in _YAML_WORDS:
        return text
    # JSON's string syntax is YAML's double-quoted scalar
    return json.dumps(text, ensure_ascii=False)


def _key(k: Any) -> str:
    text = str(k)
    return text if _PLAIN_KEY.match(text) and text not in _YAML_WORDS else _scalar(text)


def _flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def _yaml(doc: dict[str, Any]) -> str:
    """The show as YAML: sections as blocks, a patch entry per line, a cue per block
    with its values in flow style. Written by hand: PyYAML's pure-Python dumper takes a
    minute over a big console file's cues."""
    out = [f"show: {_flow(doc['show'])}", "outputs:"]
    out += [f"  {_key(n)}: {_flow(o)}" for n, o in doc["outputs"].items()]
    if doc.get("patch"):
        out.append("patch:")
        out += [f"  - {_flow(e)}" for e in doc["patch"]]
    out.append("cuelists:")
    for name, cl in doc["cuelists"].items():
        out.append(f"  {_key(name)}:")
        if "description" in cl:
            out.append(f"    description: {_scalar(cl['description'])}")
        if not cl["cues"]:
            out.append("    cues: []")
            continue
        out.append("    cues:")
        for cue in cl["cues"]:
            first = True
            for k, v in cue.items():
                out.append(f"      {'- ' if first else '  '}{_key(k)}: {_flow(v)}")
                first = False
    return "\n".join(out) + "\n"


def _cue(cue: AsciiCue, changed: dict[int, float], keys: dict[int, str],
         numbers: set[str], lname: str, notes: list[Note]) -> list[dict[str, Any]]:
    out: dict[str, Any] = {"number": cue.number, "type": "light"}
    if cue.text:
        out["name"] = cue.text
    if cue.notes:
        out["notes"] = cue.notes
    up, down = cue.up, cue.down
    if up is not None and down is not None and up.time == down.time:
        out["time"] = up.time
    else:
        if up is not None:
            out["up"] = up.time
        if down is not None:
            out["down"] = down.time
    delays = [t.delay for t in (up, down) if t is not None]
    if delays:
        if delays[0]:
            out["delay"] = delays[0]
        if len(set(delays)) > 1:
            notes.append(Note(cue.line, 1, "warning",
                              f"cue {cue.number}: up delay {delays[0]:g} s and down delay "
                              f"{delays[1]:g} s differ; showctl has one delay per cue "
                              f"({delays[0]:g} s)"))
    if cue.block:
        out["block"] = True
    goto: dict[str, Any] | None = None
    if cue.hang is not None:
        out["continue"] = "auto_follow"
        if cue.hang:
            notes.append(Note(cue.line, 1, "warning",
                              f"cue {cue.number}: hang {cue.hang:g} s after the fade is not "
                              "carried; the next cue follows when this one completes"))
    elif cue.followon is not None:
        out["continue"] = "auto_continue"
        out["postwait"] = cue.followon
    if cue.link is not None:
        if cue.link not in numbers:
            notes.append(Note(cue.link_line, 1, "warning",
                              f"cue {cue.number} links to cue {cue.link}, which is not in "
                              "the list: the link is not carried"))
        else:
            if "continue" not in out:
                out["continue"] = "auto_continue"
            else:
                notes.append(Note(cue.link_line, 1, "warning",
                                  f"cue {cue.number}: a LINK with a follow is carried as a "
                                  f"goto after the follow: it puts the playhead on cue "
                                  f"{cue.link} without firing it"))
            number = f"{cue.number}-link"
            while number in numbers:
                number += "-"
            goto = {"number": number, "type": "goto", "name": f"link to cue {cue.link}",
                    "target": cue.link}
    fixtures: dict[str, dict[str, float | int]] = {}
    for ch in sorted(changed):
        fixtures[keys[ch]] = {"intensity": _pct(changed[ch])}
    out["fixtures"] = fixtures
    return [out] if goto is None else [out, goto]


# ------------------------------------------------------------------------------ export


@dataclass(slots=True)
class Exported:
    """An export: the ASCII records, and what the file cannot carry."""

    file: AsciiFile
    warnings: list[str] = field(default_factory=list)


def ascii_from_show(show: Any, *, source: str = "") -> Exported:
    """The ASCII records for a loaded :class:`~showctl.model.show.Show`'s light cues."""
    from showctl import __version__
    from showctl.engine.light_cues import LightProgram
    from showctl.model import show as m

    prog = LightProgram(show)
    layout = prog.layout
    warnings: list[str] = []
    # attribute index → ASCII channel (intensities only)
    chan_of: dict[int, int] = {}
    f = AsciiFile(manufacturer="showctl", console=f"showctl {__version__}")
    f.comments = [f"{show.show.title}: light cues exported by showctl export-ascii",
                  "USITT ASCII 3.0; $CueList / $$Hang / $$Block / $$CueNotes are ETC Eos",
                  "extensions (a console without them ignores them)."]
    taken: set[int] = set()
    pending: list[tuple[int, int | None, str]] = []  # (attr index, dimmer, label)
    fixture_attr = re.compile(r"^(.*)\.([a-z0-9_]+)$")
    for i, name in enumerate(layout.names):
        if not layout.intensity[i]:
            continue
        slot = layout.slots[i]
        dimmer = None if slot.virtual or slot.universe < 1 else absolute_address(
            slot.universe, slot.coarse + 1)
        if ":" in name:  # a raw channel "lx:2/10"
            wanted = dimmer
            label = name.split(":", 1)[1]
        else:
            match = fixture_attr.match(name)
            key = match.group(1) if match else name
            wanted = int(key) if key.isdigit() and int(key) >= 1 else None
            label = f"fixture {key}"
        if wanted is not None and wanted not in taken:
            taken.add(wanted)
            chan_of[i] = wanted
        else:
            pending.append((i, dimmer, label))
        if dimmer is not None:
            continue
        if slot.virtual:
            warnings.append(f"{label} has no intensity channel: its (virtual) intensity is "
                            "exported as an unpatched channel")
        else:
            warnings.append(f"{label} is on universe {slot.universe}: ASCII dimmers start at "
                            "universe 1, so it is not patched")
    nxt = max(taken, default=0) + 1
    for i, _dimmer, _label in pending:
        chan_of[i] = nxt
        taken.add(nxt)
        nxt += 1
    for i, chan in chan_of.items():
        slot = layout.slots[i]
        if not slot.virtual and slot.universe >= 1:
            f.patch.setdefault(chan, []).append(
                PatchPoint(absolute_address(slot.universe, slot.coarse + 1)))
    renamed = [(layout.names[i], c) for i, c in chan_of.items()
               if ":" not in layout.names[i] and not layout.names[i].split(".")[0].isdigit()]
    for name, c in renamed:
        warnings.append(f"fixture {name.rsplit('.', 1)[0]} has a text id: it is channel {c}")

    not_carried: dict[str, set[str]] = {}
    skipped: dict[str, int] = {}
    default = show.settings.default_fade
    for k, (lname, cl) in enumerate(show.cuelists.items(), start=1):
        cues = _flat(cl.cues)
        lights = [c for c in cues if isinstance(c, m.LightCue)]
        if not lights:
            continue
        f.lists[k] = lname
        touched = prog.touched[lname].tolist()
        # the looks come in the order of the list's light cues, as ``cues`` has them
        looks = prog.looks(lname)
        links: set[int] = set()  # positions of goto cues exported as a light cue's LINK
        for j, cue in enumerate(cues):
            if not isinstance(cue, m.LightCue):
                continue
            looked, look = next(looks)
            assert looked is cue
            if not re.fullmatch(r"\d+(\.\d+)?", cue.number):
                warnings.append(f"list {lname} cue {cue.number}: USITT cue numbers are "
                                "decimal numbers; the cue is not exported")
                continue
            levels: dict[int, float] = {}
            for idx, value in zip(touched, look.tolist(), strict=True):
                ch = chan_of.get(idx)
                if ch is not None:
                    if value > 0:
                        levels[ch] = float(value)
                elif not layout.intensity[idx]:
                    fx, _, attr = layout.names[idx].rpartition(".")
                    not_carried.setdefault(fx, set()).add(attr)
            base = cue.time if cue.time is not None else default
            int_base = cue.times.get("intensity", base)
            up = cue.up if cue.up is not None else int_base
            down = cue.down if cue.down is not None else int_base
            delay = cue.prewait + cue.delay
            extra = sorted(set(cue.times) - {"intensity"})
            if extra:
                warnings.append(f"list {lname} cue {cue.number}: times for "
                                f"{', '.join(extra)} are not carried")
            if cue.curve != "linear":
                warnings.append(f"list {lname} cue {cue.number}: curve {cue.curve} is not "
                                "carried")
            a = AsciiCue(cue.number, k, 0, text=cue.name, notes=cue.notes,
                         up=Times(up, delay), down=Times(down, delay), block=cue.block,
                         levels=levels)
            nxt_cue = cues[j + 1] if j + 1 < len(cues) else None
            linked = (isinstance(nxt_cue, m.GotoCue) and nxt_cue.list in (None, lname)
                      and cue.continue_ is m.ContinueMode.AUTO_CONTINUE)
            if linked:
                assert isinstance(nxt_cue, m.GotoCue)
                a.link = nxt_cue.target
                links.add(j + 1)
            if cue.continue_ is m.ContinueMode.AUTO_CONTINUE and not (linked and
                                                                    cue.postwait == 0):
                a.followon = cue.prewait + cue.postwait
            elif cue.continue_ is m.ContinueMode.AUTO_FOLLOW:
                # the standard's FOLLOWON counts from the GO; Eos's $$Hang from the end
                a.followon = delay + max(up, down)
                a.hang = 0.0
            if cue.cue_only:
                warnings.append(f"list {lname} cue {cue.number}: cue only is not carried "
                                "(the exported looks already show its effect)")
            f.cues.append(a)
        for j, c in enumerate(cues):
            if not isinstance(c, m.LightCue | m.GroupCue) and j not in links:
                skipped[str(c.type)] = skipped.get(str(c.type), 0) + 1
    for fx, attrs in sorted(not_carried.items()):
        warnings.append(f"fixture {fx}: {', '.join(sorted(attrs))} not carried (ASCII "
                        "channels carry intensity)")
    if skipped:
        what = ", ".join(f"{n} {t}" for t, n in sorted(skipped.items()))
        warnings.append(f"cues that are not light cues are left out: {what}")
    return Exported(f, warnings)


def _flat(cues: list[Any]) -> list[Any]:
    from showctl.model import show as m

    out: list[Any] = []
    for c in cues:
        out.append(c)
        if isinstance(c, m.GroupCue):
            out.extend(_flat(c.cues))
    return out
