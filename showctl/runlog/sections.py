"""The sections of a show for run logs and reports: where acts (and intervals) begin."""

from __future__ import annotations

from collections.abc import Iterable

from showctl.model import show as m
from showctl.runlog.schema import SectionDef


def section_outline(show: m.Show) -> tuple[list[SectionDef], dict[str, int]]:
    """The show's sections and, for each main-list cue number, its section's index.

    The rule: a section starts at each **top-level memo cue of the main list** ("Act 1",
    "Interval"…) and takes every cue after it, up to the next such memo, children of
    groups included. Cues before the first memo form a leading section; a main list
    with no top-level memo is one section named after the show.
    """
    main = show.cuelists[show.main_list].cues
    sections: list[SectionDef] = []
    owner: dict[str, int] = {}
    memos = [c for c in main if isinstance(c, m.MemoCue)]
    for top in main:
        if isinstance(top, m.MemoCue):
            sections.append(SectionDef(cue=top.number, name=top.name or f"Memo {top.number}"))
        elif not sections:
            name = f"Before {memos[0].name or memos[0].number}" if memos else show.show.title
            sections.append(SectionDef(cue=None, name=name))
        index = len(sections) - 1
        owner[top.number] = index
        for child in _descendants(top):
            owner[child.number] = index
    if not sections:
        sections.append(SectionDef(cue=None, name=show.show.title))
    return sections, owner


def _descendants(cue: m.CueBase) -> Iterable[m.CueBase]:
    for child in cue.children():
        yield child
        yield from _descendants(child)
