"""What each cue type does when its action starts: the action factories.

Memo and wait cues are pure time; groups start their children; control cues call the
engine's own methods (so a Stop cue and the operator's stop behave the same). Output
cues (osc, midi, msc, light) are built in :mod:`showctl.engine.output_actions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from showctl.engine.runs import Action, NoAction, Phase, Run
from showctl.model import show as m

if TYPE_CHECKING:
    from showctl.engine.engine import Engine


class GroupAction:
    """Starts a group's children according to its mode; ends when they are done."""

    self_ending = True

    def __init__(self, engine: Engine, run: Run) -> None:
        self.engine = engine
        self.run = run
        assert isinstance(run.cue, m.GroupCue)
        self.group: m.GroupCue = run.cue
        # An estimate for countdowns; the group really ends when its children do.
        self.duration: float | None = estimate_duration(run.cue)

    def start(self) -> None:
        lst = self.engine.lists[self.run.list]
        mode = self.group.mode
        if mode is m.GroupMode.TIMELINE:
            # Children that finish at once must not end the group before its later
            # children have even started.
            self.run.starting = True
            for child in self.group.cues:
                self.engine._start_run(lst, child, self.run)
            self.run.starting = False
            if not self.run.children:
                self.engine.end_action(self.run)
        else:
            # playlist: one after another; first: the first child, then the operator
            # (or the children's own continues) take over.
            self.run.next_child = 1
            self.engine._start_run(lst, self.group.cues[0], self.run)

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def fade_out(self, duration: float) -> None:
        for child in list(self.run.children):
            if child.action is not None and child.phase is Phase.ACTION:
                child.action.fade_out(duration)


def estimate_duration(cue: m.CueBase) -> float:
    """A cue's expected action time as written (groups: from their children)."""
    if isinstance(cue, m.GroupCue):
        spans = [c.prewait + estimate_duration(c) for c in cue.cues]
        if cue.mode is m.GroupMode.PLAYLIST:
            return sum(spans)
        if cue.mode is m.GroupMode.FIRST:
            return spans[0]
        return max(spans)
    return cue.action_duration()


def group_child_finished(engine: Engine, group: Run, child: Run) -> None:
    cue = group.cue
    assert isinstance(cue, m.GroupCue)
    lst = engine.lists[group.list]
    if cue.mode is m.GroupMode.PLAYLIST and group.next_child < len(cue.cues):
        nxt = cue.cues[group.next_child]
        group.next_child += 1
        engine._start_run(lst, nxt, group)
        return
    if not group.children and not group.starting:
        engine.end_action(group)


def _control(engine: Engine, run: Run) -> Action | None:
    cue = run.cue
    assert isinstance(cue, m.TargetedCue)
    target_list = cue.list or run.list
    ctype = getattr(cue, "type", "")
    if ctype == "start":
        assert cue.target is not None
        engine.fire(target_list, cue.target)
    elif ctype == "goto":
        assert cue.target is not None
        engine.goto(cue.target, target_list)
    elif ctype in ("arm", "disarm"):
        assert cue.target is not None
        engine.set_armed(target_list, cue.target, ctype == "arm")
    elif ctype == "stop":
        if cue.target is None:
            engine.stop(target_list)
        else:
            engine.stop_cue(target_list, cue.target)
    elif ctype == "pause":
        if cue.target is None:
            engine.pause(target_list)
        else:
            engine.pause_cue(target_list, cue.target)
    elif ctype == "resume":
        if cue.target is None:
            engine.resume(target_list)
        else:
            engine.resume_cue(target_list, cue.target)
    elif ctype == "fade_out":
        assert isinstance(cue, m.FadeOutCue)
        engine.fade_out(target_list, cue.target, cue.duration)
        return NoAction(cue.duration)
    return NoAction()


def install_default_actions(engine: Engine) -> None:
    """Every cue type's action factory (the registry is data: type → factory)."""
    from showctl.engine.light_cues import LightAction
    from showctl.engine.midi_actions import MidiFileAction, TimecodeAction, msc_action
    from showctl.engine.output_actions import MidiAction, OscAction, scheduled

    engine.action_factories.update(
        {
            "memo": lambda e, r: NoAction(),
            "wait": lambda e, r: NoAction(r.cue.action_duration()),
            "group": GroupAction,
            **{t: _control for t in
               ("start", "stop", "pause", "resume", "goto", "arm", "disarm", "fade_out")},
            "osc": scheduled(OscAction),
            "midi": scheduled(MidiAction),
            "msc": msc_action,
            "midi_file": scheduled(MidiFileAction),
            "timecode": scheduled(TimecodeAction),
            "light": lambda e, r: LightAction(e, r),
        }
    )
