"""Where the playhead can go, and which cue comes next, in one cue list.

The navigable cues of a list are its top-level cues plus, for groups in ``first`` mode
(QLab's "start first child and enter into group"), their children, in order. Children of
``timeline`` and ``playlist`` groups are not navigable: the group runs them itself.
"""

from __future__ import annotations

from showctl.model import show as m


class Navigation:
    def __init__(self, cues: list[m.Cue]) -> None:
        self.flat: list[m.CueBase] = []
        self.parent: dict[str, m.GroupCue | None] = {}
        self.by_number: dict[str, m.CueBase] = {}
        self.siblings: dict[str, list[m.CueBase]] = {}
        self.navigable: set[str] = set()
        self._index(list(cues), None, navigable=True)
        self.position = {c.number: i for i, c in enumerate(self.flat)}

    def _index(self, cues: list[m.CueBase], parent: m.GroupCue | None, navigable: bool) -> None:
        for cue in cues:
            self.by_number[cue.number] = cue
            self.parent[cue.number] = parent
            self.siblings[cue.number] = cues
            if navigable:
                self.flat.append(cue)
                self.navigable.add(cue.number)
            if isinstance(cue, m.GroupCue):
                enter = navigable and cue.mode is m.GroupMode.FIRST
                self._index(list(cue.cues), cue, navigable=enter)

    def first(self) -> m.CueBase | None:
        return self.flat[0] if self.flat else None

    def after_fire(self, cue: m.CueBase) -> m.CueBase | None:
        """The standby cue after ``cue`` has been fired by GO.

        A ``first``-mode group fires its first child itself, so the playhead skips it.
        """
        pos = self.position.get(cue.number)
        if pos is None:
            return None
        pos += 1
        while isinstance(cue, m.GroupCue) and cue.mode is m.GroupMode.FIRST:
            cue = cue.cues[0]
            pos += 1
        return self.flat[pos] if pos < len(self.flat) else None

    def step(self, cue: m.CueBase | None, step: int) -> m.CueBase | None:
        """The cue ``step`` places away from ``cue`` (None = past the end), clamped to the
        list: what the console's arrow keys put on standby."""
        if not self.flat:
            return None
        if cue is None:
            pos = len(self.flat) if step < 0 else len(self.flat) - 1
        else:
            pos = self.position[cue.number]
        return self.flat[max(0, min(len(self.flat) - 1, pos + step))]

    def previous(self, cue: m.CueBase | None) -> m.CueBase | None:
        if cue is None:
            return self.flat[-1] if self.flat else None
        pos = self.position.get(cue.number, 0)
        return self.flat[pos - 1] if pos > 0 else self.flat[0] if self.flat else None

    def continue_target(self, cue: m.CueBase) -> m.CueBase | None:
        """The cue an auto-continue/auto-follow of ``cue`` fires: its next sibling.

        Continues stay inside their container (as in QLab): the last child of a group
        does not continue into the cue after the group.
        """
        sibs = self.siblings.get(cue.number, [])
        for i, c in enumerate(sibs):
            if c is cue:
                return sibs[i + 1] if i + 1 < len(sibs) else None
        return None

    def chains(self, cue: m.CueBase) -> bool:
        """Whether the cue's continue mode applies (top level or inside a first group)."""
        return cue.number in self.navigable
