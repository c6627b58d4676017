"""The engine's input hook (what a crash journal records): every call from outside the
engine is told once, with its arguments as a replay passes them; what the engine does
by itself — a GO firing its cue, a control cue firing its target, a continue, the end
of a panic — is not an input (replaying the outer input does it again)."""

from __future__ import annotations

from typing import Any

from showctl.clocks.manual import ManualClock
from showctl.engine.engine import INPUT_METHODS, Engine
from showctl.testing import make_show

SHOW = """
show: {title: Inputs}
settings: {go_guard: 0, panic_time: 1}
cuelists:
  main:
    cues:
      - {number: "1", type: start, target: "S1", list: side, continue: auto_continue}
      - {number: "2", type: wait, duration: 2, prewait: 0.5}
      - {number: "3", type: wait, duration: 2}
  side:
    cues:
      - {number: "S1", type: wait, duration: 5}
"""


def test_outside_calls_are_inputs_the_engines_own_are_not() -> None:
    clock = ManualClock()
    engine = Engine(make_show(SHOW), clock)
    told: list[tuple[str, tuple[Any, ...]]] = []
    engine.on_input = lambda name, args: told.append((name, args))
    engine.go()                      # fires 1 (start S1), continues to 2 (prewait)
    clock.advance(1.0)
    assert sorted(r.number for r in engine.running()) == ["2", "S1"]
    engine.fire(number="3", list_name="main")  # by name: told positionally
    engine.set_grandmaster(0.5)
    engine.panic()
    clock.advance(2.0)               # the panic ends: stop() by the engine itself
    assert engine.is_idle()
    assert told == [("go", ()), ("fire", ("main", "3")), ("set_grandmaster", (0.5,)),
                    ("panic", ())]


def test_every_input_method_replays_by_name() -> None:
    clock = ManualClock()
    engine = Engine(make_show(SHOW), clock)
    assert {"go", "fire", "stop", "stop_cue", "pause", "resume", "pause_cue", "resume_cue",
            "goto", "back", "panic", "fade_out", "set_armed", "set_blackout",
            "set_grandmaster", "pause_all", "resume_all", "toggle_pause_all"} == INPUT_METHODS
    for name in INPUT_METHODS:
        assert callable(getattr(engine, name))
