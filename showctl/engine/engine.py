"""The cue engine: playheads, GO, continues, groups, control cues, pause, panic.

One ``Engine`` is the core every front end drives (console, headless run, replay,
remote API, tests). It does no I/O itself: time comes from the injected ``Clock``,
outputs go through the ``OutputRouter``, and everything that happens is published as
typed events on ``engine.bus``.

Timing semantics follow QLab where the brief is silent:
- a cue's prewait runs first; then its action starts (``cue_started``);
- auto-continue fires the next cue ``postwait`` after this cue's action starts;
- auto-follow fires it when this cue's action ends (postwait is not used);
- a disarmed cue's action is skipped, but its waits and continue still apply;
- continues stay inside their container; children of timeline and playlist groups are
  run by their group and their own continue modes are not used.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from showctl.clocks.clock import Clock
from showctl.engine import events as ev
from showctl.engine.countdown import Countdown
from showctl.engine.light_cues import LightAction, LightProgram, take_prepared
from showctl.engine.lighting import Lighting
from showctl.engine.navigation import Navigation
from showctl.engine.outputs import OutputRouter
from showctl.engine.runs import Action, NoAction, Phase, Run
from showctl.model import show as m

ActionFactory = Callable[["Engine", Run], Action | None]
InputHook = Callable[[str, tuple[Any, ...]], None]
"""Told of each input from outside the engine: (method name, its positional args)."""

_P = ParamSpec("_P")
_R = TypeVar("_R")

INPUT_METHODS: set[str] = set()
"""The engine's public methods that change the show (each is an input, see
:func:`_input`); a journal replays them by name."""


def _input(fn: Callable[Concatenate[Engine, _P], _R]) -> Callable[Concatenate[Engine, _P], _R]:
    """Mark a method as an input: a call from outside the engine (any front end, a
    trigger, the OSC API, timecode) is told to ``engine.on_input`` before it runs, so a
    crash journal sees every input at the one place all of them pass. Calls the engine
    makes itself (a control cue firing its target, a GO firing its cue) are not inputs:
    replaying the outer input makes them again."""
    INPUT_METHODS.add(fn.__name__)
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(self: Engine, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if self._depth == 0 and self.on_input is not None:
            # Told positionally (arguments given by name too), as a replay calls it.
            told = tuple(args) if not kwargs else signature.bind(self, *args, **kwargs).args[1:]
            self.on_input(fn.__name__, told)
        self._depth += 1
        try:
            return fn(self, *args, **kwargs)
        finally:
            self._depth -= 1

    return wrapper


class ListState:
    def __init__(self, name: str, cues: list[m.Cue]) -> None:
        self.name = name
        self.nav = Navigation(cues)
        self.playhead: m.CueBase | None = self.nav.first()
        self.runs: dict[str, Run] = {}
        self.owned: set[str] = set()
        """Cues a running cue sequence will still fire: GO and back step over them."""
        self.go_fired: dict[str, float] = {}
        """Per cue: when a GO last fired it (a continue never fires it again after)."""


class EngineError(Exception):
    """A bad request from a front end (unknown list or cue); nothing was changed."""


class Engine:
    def __init__(
        self,
        show: m.Show,
        clock: Clock,
        router: OutputRouter | None = None,
        *,
        bus: ev.EventBus | None = None,
    ) -> None:
        self.show = show
        self.clock = clock
        self.bus = bus or ev.EventBus()
        self.t0 = clock.now()
        self.router = router or OutputRouter(clock, self.bus, t0=self.t0)
        self.router.t0 = self.t0
        self.lists = {name: ListState(name, cl.cues) for name, cl in show.cuelists.items()}
        self.main = show.main_list
        self.armed: dict[tuple[str, str], bool] = {}
        self.last_go: dict[str, float] = {}
        """Per list: when its last accepted GO was (the double-GO guard is per list)."""
        self.panic_timer: Countdown | None = None
        self.paused_by_all: list[Run] | None = None
        """What the operator's pause-all paused (None: not paused-all)."""
        self.action_factories: dict[str, ActionFactory] = {}
        from showctl.engine.actions import install_default_actions

        install_default_actions(self)
        self.light_program = take_prepared(show) or LightProgram(show)
        self.lighting: Lighting | None = None
        self.blackout = False
        """Blackout: every grandmastered intensity at zero until released."""
        self.grandmaster = 1.0
        """The grandmaster level, 0..1."""
        self.on_input: InputHook | None = None
        """See :func:`_input` (the live runtime's crash journal)."""
        self._depth = 0
        """> 0 while the engine is inside an input or its own timers' work."""

    def attach_lighting(self) -> Lighting:
        """Create the lighting state and frame loop (run ``lighting.run()`` as a task).
        A frame that fails is a ``fault`` event of the output ``lighting``."""
        rates = [d.rate for d in self.show.outputs.values() if d.kind is m.OutputKind.DMX]
        self.lighting = Lighting(
            self.light_program.layout,
            self.clock,
            self.router.dmx_frame,
            rate=min(rates) if rates else 44.0,
            on_fault=lambda reason: self.router.fault("lighting", reason),
            on_recovered=lambda reason: self.router.recovered("lighting", reason),
        )
        self.lighting.blackout = self.blackout
        self.lighting.grandmaster = self.grandmaster
        return self.lighting

    # ------------------------------------------------------------------ masters

    @_input
    def set_blackout(self, on: bool | None = None) -> bool:
        """Blackout on or off (None toggles). Releasing it restores the look exactly
        (the cues' fades ran on underneath). Returns the new state."""
        on = not self.blackout if on is None else on
        if on == self.blackout:
            return on
        self.blackout = on
        if self.lighting is not None:
            self.lighting.blackout = on
            self.lighting.send_now()
        self.emit(ev.Blackout(self.now(), on))
        return on

    @_input
    def set_grandmaster(self, level: float) -> float:
        """Set the grandmaster (0..1, clamped): it scales every intensity at once."""
        level = float(level)
        if level != level:  # NaN
            raise EngineError("grandmaster level must be a number from 0 to 1")
        level = min(1.0, max(0.0, level))
        if level == self.grandmaster:
            return level
        self.grandmaster = level
        if self.lighting is not None:
            self.lighting.grandmaster = level
            self.lighting.send_now()
        self.emit(ev.Grandmaster(self.now(), level))
        return level

    # ------------------------------------------------------------------ time & events

    def now(self) -> float:
        """Seconds since the engine was created (the show's time axis)."""
        return self.clock.now() - self.t0

    def emit(self, event: ev.Event) -> None:
        self.bus.emit(event)

    def _list(self, name: str | None) -> ListState:
        name = name or self.main
        try:
            return self.lists[name]
        except KeyError:
            raise EngineError(f"no cue list named {name!r}") from None

    def _cue(self, lst: ListState, number: str) -> m.CueBase:
        try:
            return lst.nav.by_number[number]
        except KeyError:
            raise EngineError(f"no cue {number!r} in list {lst.name!r}") from None

    # ------------------------------------------------------------------ queries

    def playhead(self, list_name: str | None = None) -> m.CueBase | None:
        return self._list(list_name).playhead

    def running(self, list_name: str | None = None) -> list[Run]:
        lists = [self._list(list_name)] if list_name else list(self.lists.values())
        return [r for lst in lists for r in lst.runs.values()]

    def is_idle(self) -> bool:
        return not any(lst.runs for lst in self.lists.values())

    def is_armed(self, list_name: str, cue: m.CueBase) -> bool:
        return self.armed.get((list_name, cue.number), cue.armed)

    def go_accepts_at(self, list_name: str | None = None) -> float:
        """Show time from which the double-GO guard accepts the list's next GO."""
        last = self.last_go.get(list_name or self.main)
        if last is None:
            return 0.0
        return last + self.show.settings.go_guard

    # ------------------------------------------------------------------ operator actions

    @_input
    def go(self, list_name: str | None = None) -> bool:
        """Fire the standby cue of a list and move its playhead to the next cue."""
        lst = self._list(list_name)
        now = self.now()
        if lst.name in self.last_go and now < self.go_accepts_at(lst.name) - 1e-9:
            self.emit(ev.GoRejected(now, lst.name, "double-GO guard"))
            return False
        cue = lst.playhead
        if cue is None:
            self.emit(ev.GoRejected(now, lst.name, "no cue on standby"))
            return False
        self.last_go[lst.name] = now
        self.emit(ev.Go(now, lst.name, cue.number))
        # The whole cue sequence is one step: the playhead moves past every cue the
        # continues of this GO will fire (QLab), so a GO during the sequence never
        # fires one of them early (and the continue again).
        lst.owned.discard(cue.number)
        lst.owned |= lst.nav.sequence(cue) - {cue.number}
        lst.go_fired[cue.number] = now
        self._set_playhead(lst, lst.nav.after_fire(cue, lst.owned))
        self.fire(lst.name, cue.number, by_go=True)
        return True

    @_input
    def fire(self, list_name: str, number: str, *, by_go: bool = False) -> Run:
        """Start one cue (as a Start cue or remote ``/cue/N/start`` does): no playhead move."""
        lst = self._list(list_name)
        cue = self._cue(lst, number)
        parent = lst.nav.parent.get(cue.number)
        parent_run = lst.runs.get(parent.number) if parent is not None else None
        return self._start_run(lst, cue, parent_run,
                               seq_start=self.now() if by_go else None, by_go=by_go)

    @_input
    def stop(self, list_name: str | None = None) -> None:
        """Stop every running cue (of one list, or all) and cancel pending continues."""
        lists = [self._list(list_name)] if list_name else list(self.lists.values())
        for lst in lists:
            lst.owned.clear()  # the sequences' continues are cancelled
            for run in self._top_runs_of(lst):
                self._stop_run(run)
        if list_name is None and self.panic_timer is not None:
            self.panic_timer.cancel()
            self.panic_timer = None

    @_input
    def stop_cue(self, list_name: str, number: str) -> None:
        lst = self._list(list_name)
        run = lst.runs.get(number)
        if run is not None:
            self._stop_run(run)
            # Its pending continue is cancelled: the cues it would have fired are no
            # longer owned by a running sequence (back may land on them again).
            lst.owned -= lst.nav.sequence(run.cue) - {run.number}

    @_input
    def pause(self, list_name: str | None = None) -> None:
        for run in self._top_runs(list_name):
            self._pause_run(run)

    @_input
    def resume(self, list_name: str | None = None) -> None:
        for run in self._top_runs(list_name):
            self._resume_run(run)

    @_input
    def pause_all(self) -> bool:
        """The operator's pause-all: pause everything running and remember exactly what
        this paused, so :meth:`resume_all` resumes that and nothing else (a cue the show
        paused with a pause cue stays paused). False when already paused-all."""
        if self.paused_by_all is not None:
            return False
        paused: list[Run] = []
        for run in self._top_runs(None):
            self._pause_run(run, paused)
        self.paused_by_all = paused
        self.emit(ev.PauseAll(self.now(), True, tuple(f"{r.list}/{r.number}" for r in paused)))
        return True

    @_input
    def resume_all(self) -> bool:
        """Resume what :meth:`pause_all` paused (still running and still paused) and
        nothing else. False when nothing was paused-all."""
        paused, self.paused_by_all = self.paused_by_all, None
        if paused is None:
            return False
        resumed = []
        for run in paused:
            if self.lists[run.list].runs.get(run.number) is run and run.paused:
                self._resume_one(run)
                resumed.append(run)
        self.emit(ev.PauseAll(self.now(), False,
                              tuple(f"{r.list}/{r.number}" for r in resumed)))
        return True

    @_input
    def toggle_pause_all(self) -> bool:
        """Pause all, or resume what pause-all paused; True when now paused."""
        if self.paused_by_all is None:
            self.pause_all()
            return True
        self.resume_all()
        return False

    @_input
    def pause_cue(self, list_name: str, number: str) -> None:
        run = self._list(list_name).runs.get(number)
        if run is not None:
            self._pause_run(run)

    @_input
    def resume_cue(self, list_name: str, number: str) -> None:
        run = self._list(list_name).runs.get(number)
        if run is not None:
            self._resume_run(run)

    @_input
    def goto(self, number: str, list_name: str | None = None) -> None:
        """Put the playhead on a cue without firing it."""
        lst = self._list(list_name)
        cue = self._cue(lst, number)
        if cue.number not in lst.nav.navigable:
            raise EngineError(f"cue {number!r} is inside a group and cannot be on standby")
        self._set_playhead(lst, cue)

    @_input
    def back(self, list_name: str | None = None) -> None:
        """Move the playhead to the previous cue (nothing is fired or stopped)."""
        lst = self._list(list_name)
        self._set_playhead(lst, lst.nav.previous(lst.playhead, lst.owned))

    @_input
    def set_armed(self, list_name: str, number: str, armed: bool) -> None:
        lst = self._list(list_name)
        cue = self._cue(lst, number)
        self.armed[(lst.name, cue.number)] = armed
        self.emit(ev.CueArmed(self.now(), lst.name, cue.number, armed))

    @_input
    def panic(self, duration: float | None = None) -> None:
        """Fade everything out over the panic time, then stop; a second panic within
        that time completes the first at once: every fade jumps to where the panic
        would end, then everything stops.

        Lights follow ``settings.panic_lights``: ``out`` fades every intensity on stage
        to zero with the rest; ``hold`` keeps the look where it is at the panic."""
        now = self.now()
        lights = self.show.settings.panic_lights
        if self.panic_timer is not None and not self.panic_timer.done:
            self.emit(ev.Panic(now, 0.0, hard=True, lights=lights.value))
            end = self.panic_timer.deadline
            self.panic_timer.cancel()
            self.panic_timer = None
            if self.lighting is not None:
                self.lighting.settle_at(end)
            self.stop()
            return
        t = self.show.settings.panic_time if duration is None else duration
        self.emit(ev.Panic(now, t, hard=False, lights=lights.value))
        for lst in self.lists.values():
            lst.owned.clear()
        for run in self.running():
            # Nothing new may start during a panic: waits are cut now, actions fade.
            if run.phase is Phase.PREWAIT:
                self._stop_run(run)
                continue
            if run.postwait is not None:
                run.postwait.cancel()
            if (run.action is not None and run.phase is Phase.ACTION
                    and not isinstance(run.action, LightAction)):
                run.action.fade_out(t)
        if self.lighting is not None:
            if lights is m.PanicLights.OUT:
                self.lighting.panic_out(max(t, 0.0))
            else:
                self.lighting.hold_all()
        if t <= 0:
            self.stop()
            return
        self.panic_timer = Countdown(self.clock, t, self._panic_done)

    def _panic_done(self) -> None:
        self.panic_timer = None
        self._depth += 1  # the panic's own end, not an input
        try:
            self.stop()
        finally:
            self._depth -= 1

    @_input
    def fade_out(self, list_name: str, number: str | None, duration: float) -> None:
        """Fade a running cue (or every running cue of a list) out, then stop it."""
        lst = self._list(list_name)
        targets = [lst.runs[number]] if number is not None and number in lst.runs else (
            [] if number is not None else [r for r in lst.runs.values() if r.parent is None])
        for run in targets:
            if run.action is not None and run.phase is Phase.ACTION:
                run.action.fade_out(duration)
            Countdown(self.clock, duration, functools.partial(self._stop_run, run))

    # ------------------------------------------------------------------ run lifecycle

    def _top_runs(self, list_name: str | None) -> list[Run]:
        lists = [self._list(list_name)] if list_name else list(self.lists.values())
        return [r for lst in lists for r in self._top_runs_of(lst)]

    def _top_runs_of(self, lst: ListState) -> list[Run]:
        """Runs not under a live group run: a group that already ended (its last child
        still in its prewait, say) no longer carries its children."""
        return [r for r in list(lst.runs.values())
                if r.parent is None or lst.runs.get(r.parent.number) is not r.parent]

    def _set_playhead(self, lst: ListState, cue: m.CueBase | None) -> None:
        lst.playhead = cue
        self.emit(ev.PlayheadMoved(self.now(), lst.name, cue.number if cue else None))

    def _start_run(self, lst: ListState, cue: m.CueBase, parent: Run | None,
                   due: float | None = None, *, seq_start: float | None = None,
                   by_go: bool = False) -> Run:
        old = lst.runs.get(cue.number)
        if old is not None:
            self._stop_run(old)  # firing a running cue restarts it
        run = Run(lst.name, cue, parent)
        run.triggered_at = self.now()
        run.due = self.clock.now() if due is None else due
        run.by_go = by_go
        if seq_start is not None:
            run.seq_start = seq_start
        elif parent is not None:
            run.seq_start = parent.seq_start
        lst.runs[cue.number] = run
        if parent is not None:
            parent.children.append(run)
        self.emit(ev.CueTriggered(run.triggered_at, lst.name, cue.number, cue.prewait))
        if cue.prewait > 0:
            run.prewait = Countdown(self.clock, cue.prewait, lambda: self._begin_action(run),
                                    start=run.due)
        else:
            self._begin_action(run)
        return run

    def _begin_action(self, run: Run) -> None:
        # A control cue's action calls the engine's input methods: not inputs (replaying
        # what started this cue starts it again).
        self._depth += 1
        try:
            self._begin_action_now(run)
        finally:
            self._depth -= 1

    def _begin_action_now(self, run: Run) -> None:
        lst = self.lists[run.list]
        if lst.runs.get(run.number) is not run:
            return
        run.phase = Phase.ACTION
        run.started_at = self.now()
        # Ideal action start: the prewait's deadline (or the ideal trigger time), so the
        # continues of a chain are due at times computed from its first GO.
        ideal = run.prewait.deadline if run.prewait is not None else run.due
        chains = lst.nav.chains(run.cue)
        if chains and run.cue.continue_ is m.ContinueMode.AUTO_CONTINUE:
            run.postwait = Countdown(
                self.clock, run.cue.postwait,
                lambda: self._continue_after(run, run.postwait.deadline if run.postwait
                                             else None), start=ideal)
        action: Action | None = None
        if self.is_armed(run.list, run.cue) or isinstance(run.cue, m.GroupCue):
            factory = self.action_factories.get(getattr(run.cue, "type", ""))
            try:
                action = factory(self, run) if factory else None
            except Exception as exc:  # a cue that cannot run must not stop the show
                self.emit(ev.CueFailed(self.now(), run.list, run.number, str(exc)))
                action = None
        run.action = action or NoAction()
        run.duration = run.action.duration
        self.emit(ev.CueStarted(run.started_at, run.list, run.number, run.duration or 0.0))
        try:
            run.action.start()
        except Exception as exc:
            self.emit(ev.CueFailed(self.now(), run.list, run.number, str(exc)))
            run.action = NoAction()
        if lst.runs.get(run.number) is not run or run.phase is not Phase.ACTION:
            return  # the action itself finished or stopped the run (e.g. an empty group)
        if run.action.self_ending or run.action.duration is None:
            return
        if run.action.duration > 0:
            run.action_timer = Countdown(
                self.clock, run.action.duration, lambda: self._end_action(run), start=ideal
            )
        else:
            self._end_action(run)

    def _end_action(self, run: Run) -> None:
        lst = self.lists[run.list]
        if lst.runs.get(run.number) is not run or run.phase is not Phase.ACTION:
            return
        run.phase = Phase.FINISHED
        self.emit(ev.CueCompleted(self.now(), run.list, run.number))
        if lst.nav.chains(run.cue) and run.cue.continue_ is m.ContinueMode.AUTO_FOLLOW:
            timer = run.action_timer
            self._continue_after(run, timer.deadline if timer is not None else None)
        self._maybe_retire(run)
        if run.parent is not None:
            self.child_finished(run.parent, run)

    def _continue_after(self, run: Run, due: float | None = None) -> None:
        lst = self.lists[run.list]
        nxt = lst.nav.continue_target(run.cue)
        if nxt is not None:
            lst.owned.discard(nxt.number)
            if lst.go_fired.get(nxt.number, -1.0) >= run.seq_start:
                # The operator put this cue on standby (goto/back) and a GO fired it
                # after this sequence began: one GO plus one continue never fire a cue
                # twice, and its own continues already run from that GO.
                self._maybe_retire(run)
                return
            # A continue moves the playhead past the cue it fires, as GO does, but only
            # when the playhead was on it: an operator who moved the playhead keeps it.
            if lst.playhead is nxt:
                self._set_playhead(lst, lst.nav.after_fire(nxt, lst.owned))
            parent = lst.nav.parent.get(nxt.number)
            parent_run = lst.runs.get(parent.number) if parent is not None else None
            self._start_run(lst, nxt, parent_run, due=due, seq_start=run.seq_start)
        self._maybe_retire(run)

    def _maybe_retire(self, run: Run) -> None:
        lst = self.lists[run.list]
        if not run.pending() and lst.runs.get(run.number) is run and not run.children:
            del lst.runs[run.number]

    def child_finished(self, group: Run, child: Run) -> None:
        """Called when a child's action ends or it is stopped."""
        if child in group.children:
            group.children.remove(child)
        if group.stopping:
            return
        if group.phase is not Phase.ACTION:
            self._maybe_retire(group)
            return
        from showctl.engine.actions import group_child_finished

        group_child_finished(self, group, child)

    def end_action(self, run: Run) -> None:
        """For actions that end by themselves (groups): the action is over."""
        self._end_action(run)

    def _stop_run(self, run: Run) -> None:
        lst = self.lists[run.list]
        if lst.runs.get(run.number) is not run or run.stopping:
            return
        run.stopping = True
        for child in list(run.children):
            self._stop_run(child)
        for c in run.countdowns():
            c.cancel()
        if run.action is not None:
            try:
                run.action.stop()
            except Exception as exc:
                self.emit(ev.CueFailed(self.now(), run.list, run.number, f"on stop: {exc}"))
        was_active = run.phase is not Phase.FINISHED
        run.phase = Phase.FINISHED
        del lst.runs[run.number]
        if was_active:
            self.emit(ev.CueStopped(self.now(), run.list, run.number))
        if run.parent is not None and run in run.parent.children:
            self.child_finished(run.parent, run)

    def _pause_run(self, run: Run, paused: list[Run] | None = None) -> None:
        """Pause a run and its children; ``paused`` collects the runs this paused."""
        if not run.paused:
            run.paused = True
            for c in run.countdowns():
                c.pause()
            if run.action is not None and run.phase is Phase.ACTION:
                run.action.pause()
            if paused is not None:
                paused.append(run)
            self.emit(ev.CuePaused(self.now(), run.list, run.number))
        elif paused is None:
            return
        for child in run.children:
            self._pause_run(child, paused)

    def _resume_one(self, run: Run) -> None:
        run.paused = False
        for c in run.countdowns():
            c.resume()
        if run.action is not None and run.phase is Phase.ACTION:
            run.action.resume()
        self.emit(ev.CueResumed(self.now(), run.list, run.number))

    def _resume_run(self, run: Run) -> None:
        if not run.paused:
            return
        self._resume_one(run)
        for child in run.children:
            self._resume_run(child)
