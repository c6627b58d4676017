"""Cross-reference checks that need the whole show: numbers, targets, outputs.

They run on the raw YAML data rather than on the validated model, so they still find
their problems when some other part of the file fails schema validation: the author
sees every problem of the file in one pass. Each finding is ``(path, message)`` with
``path`` pointing into the data for a line and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from showctl.model import schedule

Path = tuple[str | int, ...]
Finding = tuple[Path, str]

_TARGETED = {"start", "stop", "pause", "resume", "goto", "arm", "disarm", "fade_out"}
_OUTPUT_KIND = {"osc": "osc", "midi": "midi", "msc": "midi", "light": "dmx",
                "midi_file": "midi", "timecode": "midi"}


def check_raw(data: dict[str, Any]) -> list[Finding]:
    lists = data.get("cuelists")
    if not isinstance(lists, dict):
        return []
    outputs = data.get("outputs") if isinstance(data.get("outputs"), dict) else {}
    assert isinstance(outputs, dict)
    cues = list(_all_cues(lists))
    return [
        *_duplicate_numbers(lists, cues),
        *_targets(lists, cues),
        *_outputs(outputs, cues),
        *_artnet_outputs(outputs, cues),
        *_timecode_triggers(lists, cues),
        *schedule.check_raw(cues),
    ]


def all_raw_cues(data: Any) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    """Every cue mapping in raw show data, with its list and path."""
    lists = data.get("cuelists") if isinstance(data, dict) else None
    if isinstance(lists, dict):
        yield from _all_cues(lists)


def _all_cues(lists: dict[str, Any]) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    for name, cl in lists.items():
        if isinstance(cl, dict) and isinstance(cl.get("cues"), list):
            yield from _walk(name, cl["cues"], ("cuelists", name, "cues"))


def _walk(name: str, cues: list[Any], base: Path) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    for i, cue in enumerate(cues):
        if not isinstance(cue, dict):
            continue
        path = (*base, i)
        yield name, path, cue
        if isinstance(cue.get("cues"), list):
            yield from _walk(name, cue["cues"], (*path, "cues"))


def _num(cue: dict[str, Any]) -> str | None:
    n = cue.get("number")
    return None if n is None or isinstance(n, dict | list) else str(n)


def _duplicate_numbers(
    lists: dict[str, Any], cues: list[tuple[str, Path, dict[str, Any]]]
) -> Iterator[Finding]:
    seen: dict[tuple[str, str], Path] = {}
    for lname, path, cue in cues:
        n = _num(cue)
        if n is None:
            continue
        if (lname, n) in seen:
            first = seen[(lname, n)]
            yield (
                (*path, "number"),
                f"duplicate cue number '{n}' in list '{lname}' "
                f"(already used by the cue at position {_position(first)})",
            )
        else:
            seen[(lname, n)] = path


def _position(path: Path) -> str:
    return ".".join(str(int(p) + 1) for p in path if isinstance(p, int))


def _targets(
    lists: dict[str, Any], cues: list[tuple[str, Path, dict[str, Any]]]
) -> Iterator[Finding]:
    numbers: dict[str, set[str]] = {name: set() for name in lists}
    for lname, _, cue in cues:
        n = _num(cue)
        if n is not None:
            numbers[lname].add(n)
    for lname, path, cue in cues:
        if cue.get("type") not in _TARGETED:
            continue
        target_list = cue.get("list", lname)
        if not isinstance(target_list, str):
            continue
        if target_list not in lists:
            yield (
                (*path, "list"),
                f"cue {_num(cue)} targets list '{target_list}', which does not exist "
                f"(lists: {', '.join(lists)})",
            )
            continue
        target = cue.get("target")
        if target is not None and str(target) not in numbers[target_list]:
            yield (
                (*path, "target"),
                f"cue {_num(cue)} targets cue '{target}', which is not in list '{target_list}'",
            )


def _outputs(
    outputs: dict[str, Any], cues: list[tuple[str, Path, dict[str, Any]]]
) -> Iterator[Finding]:
    kinds = {
        name: decl.get("kind") for name, decl in outputs.items() if isinstance(decl, dict)
    }
    for _lname, path, cue in cues:
        ctype = cue.get("type")
        want = _OUTPUT_KIND.get(ctype) if isinstance(ctype, str) else None
        if want is None:
            continue
        out = cue.get("output")
        if out is None:
            if want == "dmx" and "dmx" not in kinds.values():
                yield ((*path, "type"), f"light cue {_num(cue)} needs a dmx output, and the "
                       "show declares none under 'outputs:'")
            continue
        if not isinstance(out, str):
            continue
        if out not in kinds:
            names = ", ".join(kinds) or "none"
            yield ((*path, "output"), f"cue {_num(cue)} sends to output '{out}', which the "
                   f"show does not declare (declared: {names})")
        elif kinds[out] != want:
            yield ((*path, "output"), f"cue {_num(cue)} is a {ctype} cue but output '{out}' "
                   f"is {kinds[out]}, not {want}")


def _artnet_outputs(
    outputs: dict[str, Any], cues: list[tuple[str, Path, dict[str, Any]]]
) -> Iterator[Finding]:
    for _lname, path, cue in cues:
        out = cue.get("artnet") if cue.get("type") == "timecode" else None
        if not isinstance(out, str):
            continue
        decl = outputs.get(out)
        if not isinstance(decl, dict):
            yield ((*path, "artnet"), f"cue {_num(cue)} sends Art-Net timecode to output "
                   f"'{out}', which the show does not declare")
        elif decl.get("kind") != "dmx":
            yield ((*path, "artnet"), f"cue {_num(cue)}: Art-Net timecode needs a dmx output, "
                   f"and '{out}' is {decl.get('kind')}")


def _timecode_triggers(
    lists: dict[str, Any], cues: list[tuple[str, Path, dict[str, Any]]]
) -> Iterator[Finding]:
    """A timecode trigger needs its list to say where timecode comes from."""
    for lname, path, cue in cues:
        triggers = cue.get("triggers")
        if not isinstance(triggers, list):
            continue
        cl = lists.get(lname)
        has_chase = isinstance(cl, dict) and isinstance(cl.get("timecode"), dict)
        for i, trig in enumerate(triggers):
            if isinstance(trig, dict) and "timecode" in trig and not has_chase:
                yield ((*path, "triggers", i, "timecode"),
                       f"cue {_num(cue)} has a timecode trigger, but list '{lname}' has no "
                       "'timecode:' settings (source: mtc or artnet, fps, …)")
            elif isinstance(trig, dict) and isinstance(trig.get("timecode"), str) and has_chase:
                assert isinstance(cl, dict)
                fps = cl["timecode"].get("fps", 30)
                label = trig["timecode"]
                frames = label.replace(";", ":").split(":")[-1]
                if isinstance(fps, int | float) and frames.isdigit() and (
                        int(frames) >= round(float(fps))):
                    yield ((*path, "triggers", i, "timecode"),
                           f"cue {_num(cue)}: timecode {label!r} has frame {int(frames)}, "
                           f"but list '{lname}' runs at {fps:g} fps (frames 0.."
                           f"{round(float(fps)) - 1})")
