"""Operator verbs carried out on the engine: the one place they map to engine calls.

Replays (calling scripts), the live runtime (console keys, headless stdin, the native
API) and the QLab-compatible OSC API all turn their input into a
:class:`~showctl.api.protocol.Command` and call :func:`apply_operator`; the live runtime
adds the verbs that need more than the engine (edits, the programmer, pause toggling).
"""

from __future__ import annotations

from showctl.api.protocol import Command, CommandError
from showctl.engine.engine import Engine, EngineError

ENGINE_VERBS = frozenset({"go", "stop", "pause", "resume", "panic", "back", "goto", "step",
                          "fire", "stop_cue", "blackout", "grandmaster", "pause_all",
                          "resume_all", "pause_toggle"})
"""The verbs :func:`apply_operator` carries out."""


def apply_operator(engine: Engine, cmd: Command) -> str:
    """Carry out one operator verb; returns a short description of what happened.

    Raises :class:`~showctl.engine.engine.EngineError` for an unknown list or cue and
    :class:`~showctl.api.protocol.CommandError` for a verb or argument it cannot take."""
    lname: str | None = cmd.arg("list")
    v = cmd.verb
    if v == "go":
        ok = engine.go(lname)
        return "GO" if ok else "GO ignored"
    if v == "stop":
        engine.stop(lname)
        return "stopped"
    if v == "pause":
        engine.pause(lname)
        return "paused"
    if v == "resume":
        engine.resume(lname)
        return "resumed"
    if v == "panic":
        t = cmd.arg("time")
        engine.panic(None if t is None else _seconds(t, "panic time"))
        return "panic"
    if v == "back":
        engine.back(lname)
        return "back"
    if v == "goto":
        number = cmd.arg("cue")
        if number is None:
            raise CommandError("goto needs a cue number")
        engine.goto(str(number), lname)
        return f"standby {number}"
    if v == "step":
        lst = engine.lists.get(lname or engine.main, None)
        if lst is None:
            raise EngineError(f"no cue list named {lname!r}")
        target = lst.nav.step(lst.playhead, int(cmd.arg("n", 1)))
        if target is None:
            return "no move"
        engine.goto(target.number, lst.name)
        return f"standby {target.number}"
    if v == "fire":
        engine.fire(lname or engine.main, str(cmd.arg("cue")))
        return f"started {cmd.arg('cue')}"
    if v == "stop_cue":
        engine.stop_cue(lname or engine.main, str(cmd.arg("cue")))
        return f"stopped {cmd.arg('cue')}"
    if v == "blackout":
        on = cmd.arg("on")
        now_on = engine.set_blackout(None if on is None else bool(on))
        return f"blackout {'on' if now_on else 'off'}"
    if v == "grandmaster":
        level = _seconds(cmd.arg("level"), "grandmaster level")
        if not 0.0 <= level <= 100.0:
            raise CommandError("the grandmaster is 0..100 %")
        engine.set_grandmaster(level / 100.0)
        return f"grandmaster {level:g} %"
    if v == "pause_all":
        engine.pause_all()
        return "paused all"
    if v == "resume_all":
        engine.resume_all()
        return "resumed what pause-all paused"
    if v == "pause_toggle":
        return "paused all" if engine.toggle_pause_all() else "resumed what pause-all paused"
    raise CommandError(f"{v!r} is not an operator verb")


def _seconds(value: object, what: str) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise CommandError(f"{what}: {value!r} is not a number") from None
