"""Templates for new cues: the smallest valid cue of each type, fitted to the show.

:func:`cue_template` gives the keys a new cue of a type needs besides ``number``,
``type`` and ``name`` so that the show still validates after :class:`InsertCue`:

========================  =====================================================
memo                      nothing
wait                      ``duration: 5``
group                     one memo child (``N.1``), timeline mode
start goto arm disarm     ``target``: the cue the new one is inserted after
                          (or the first cue of the list when inserted first)
stop pause resume         ``target`` as above; ``list`` (the whole list) when
fade_out                  the list has no other cue
osc                       the first osc output, ``address: /cue/N/go``
midi                      the first midi output, one ``note_on`` (note 60)
msc                       the first midi output, ``command: go``
light                     the first dmx output (implicit); an empty look
midi_file                 output and file of the show's first midi_file cue
timecode                  MTC on the first midi output, else Art-Net on dmx
========================  =====================================================

When a type cannot be made valid (no output of the right kind, nothing to target, no
MIDI file known) an :class:`EditError` says why in plain words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from showctl.model import show as m
from showctl.model.editing.base import EditError

if TYPE_CHECKING:
    from showctl.model.editing.document import ShowDocument

_NEEDS_CUE = frozenset({"start", "goto", "arm", "disarm"})
_CUE_OR_LIST = frozenset({"stop", "pause", "resume", "fade_out"})


def _flow(**items: Any) -> CommentedMap:
    node = CommentedMap(items)
    node.fa.set_flow_style()
    return node


def _output(show: m.Show, kind: m.OutputKind, ctype: str) -> str:
    for name, decl in show.outputs.items():
        if decl.kind == kind:
            return name
    article = "an" if kind.value[0] in "aeiou" else "a"
    raise EditError(f"a {ctype} cue needs {article} {kind.value} output, and this show "
                    "declares none: add one under 'outputs:' first")


def _target(doc: ShowDocument, list_name: str, after: str | None) -> str | None:
    if after is not None:
        return after
    cues = doc.show.cuelists[list_name].cues if list_name in doc.show.cuelists else []
    return cues[0].number if cues else None


def cue_template(doc: ShowDocument, list_name: str, after: str | None, cue_type: str,
                 number: str) -> dict[str, Any]:
    """The keys a new ``cue_type`` cue numbered ``number`` needs (see the module doc)."""
    show = doc.show
    if cue_type not in m.CUE_TYPES:
        raise EditError(f"there is no cue type {cue_type!r} "
                        f"(types: {', '.join(m.CUE_TYPES)})")
    if cue_type == "memo":
        return {}
    if cue_type == "wait":
        return {"duration": 5}
    if cue_type == "group":
        child = f"{number}.1"
        suffix = 1
        while doc.has_cue(list_name, child):
            suffix += 1
            child = f"{number}.{suffix}"
        return {"mode": "timeline",
                "cues": CommentedSeq([_flow(number=DoubleQuotedScalarString(child),
                                            type="memo", name="Group step")])}
    if cue_type in _NEEDS_CUE or cue_type in _CUE_OR_LIST:
        target = _target(doc, list_name, after)
        if target is not None:
            return {"target": DoubleQuotedScalarString(target)}
        if cue_type in _CUE_OR_LIST:
            return {"list": list_name}
        raise EditError(f"a {cue_type} cue needs a cue to target, and list {list_name!r} "
                        "has none yet: insert the cue it should act on first")
    if cue_type == "osc":
        return {"output": _output(show, m.OutputKind.OSC, cue_type),
                "address": f"/cue/{number}/go"}
    if cue_type == "midi":
        out = _output(show, m.OutputKind.MIDI, cue_type)
        return {"output": out,
                "messages": CommentedSeq([_flow(kind="note_on", channel=1, note=60,
                                                velocity=100)])}
    if cue_type == "msc":
        return {"output": _output(show, m.OutputKind.MIDI, cue_type), "command": "go"}
    if cue_type == "light":
        _output(show, m.OutputKind.DMX, cue_type)
        return {}
    if cue_type == "midi_file":
        for _lname, cue, _depth in show.walk():
            if isinstance(cue, m.MidiFileCue):
                return {"output": cue.output, "file": cue.file}
        raise EditError("a midi_file cue plays a .mid file and this show has none yet: "
                        "write the first one in the show file (type: midi_file, file: …)")
    # timecode
    try:
        return {"output": _output(show, m.OutputKind.MIDI, cue_type)}
    except EditError:
        pass
    try:
        return {"artnet": _output(show, m.OutputKind.DMX, cue_type)}
    except EditError:
        raise EditError("a timecode cue needs a midi output (MTC) or a dmx output "
                        "(Art-Net timecode), and this show declares neither") from None
