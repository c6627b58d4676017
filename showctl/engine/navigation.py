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

    def sequence(self, cue: m.CueBase) -> set[str]:
        """The navigable cues one GO on ``cue`` fires: QLab's *cue sequence*.

        ``cue`` itself; the first child of a ``first``-mode group (the group fires it);
        and, through every auto-continue / auto-follow that applies, the cues those
        continues fire in turn. A continue stays inside its container, so the sequence
        is finite and found statically."""
        out: set[str] = set()
        todo: list[m.CueBase] = [cue]
        while todo:
            c = todo.pop()
            if c.number in out or c.number not in self.navigable:
                continue
            out.add(c.number)
            if isinstance(c, m.GroupCue) and c.mode is m.GroupMode.FIRST and c.cues:
                todo.append(c.cues[0])
            if c.continue_ is not m.ContinueMode.NONE:
                nxt = self.continue_target(c)
                if nxt is not None:
                    todo.append(nxt)
        return out

    def after_fire(self, cue: m.CueBase, skip: set[str] | None = None) -> m.CueBase | None:
        """The standby cue after a GO on ``cue``: the first navigable cue after it that
        its cue sequence (and ``skip``, cues other running sequences will fire) does not
        fire. A ``first``-mode group fires its first child itself, so the playhead skips
        it; a continue chain is one step for the operator, as in QLab."""
        pos = self.position.get(cue.number)
        if pos is None:
            return None
        owned = self.sequence(cue) | (skip or set())
        for nxt in self.flat[pos + 1:]:
            if nxt.number not in owned:
                return nxt
        return None

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

    def fired_by_predecessor(self, cue: m.CueBase) -> bool:
        """Whether the cue before ``cue`` fires it (a continue into it, or a ``first``
        group firing its first child): ``cue`` is inside a sequence, not its head."""
        if cue.number not in self.navigable:
            return False
        sibs = self.siblings.get(cue.number, [])
        i = next((k for k, c in enumerate(sibs) if c.number == cue.number), 0)
        if i == 0:
            parent = self.parent.get(cue.number)
            return parent is not None and parent.mode is m.GroupMode.FIRST
        return sibs[i - 1].continue_ is not m.ContinueMode.NONE

    def previous(self, cue: m.CueBase | None,
                 skip: set[str] | None = None) -> m.CueBase | None:
        """The standby cue for ``back``: the head of the previous cue sequence (a cue a
        continue fires is one step with the cue that fires it), never one of ``skip``."""
        if not self.flat:
            return None
        pos = len(self.flat) if cue is None else self.position.get(cue.number, 0)
        for prev in reversed(self.flat[:pos]):
            if not self.fired_by_predecessor(prev) and prev.number not in (skip or set()):
                return prev
        return self.flat[0]

    def continue_target(self, cue: m.CueBase) -> m.CueBase | None:
        """The cue an auto-continue/auto-follow of ``cue`` fires: its next sibling.

        Continues stay inside their container (as in QLab): the last child of a group
        does not continue into the cue after the group. Cues are matched by number (unique
        in a list), not identity: a cue still running from before a hot reload
        (:mod:`showctl.live.reload`) continues into the reloaded list's next cue.
        """
        sibs = self.siblings.get(cue.number, [])
        for i, c in enumerate(sibs):
            if c.number == cue.number:
                return sibs[i + 1] if i + 1 < len(sibs) else None
        return None

    def chains(self, cue: m.CueBase) -> bool:
        """Whether the cue's continue mode applies (top level or inside a first group)."""
        return cue.number in self.navigable
