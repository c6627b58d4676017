"""Crash resume of messages that fell due while the engine was down: sent once, late, by
default; dropped and logged as skipped on a list with ``on_resume: skip``; a journal
of a resumed run counts both, so a second crash sends neither again. The engine is
resumed in this process on the :class:`ResumeLoop`, from a journal written as a crashed
run leaves it, and sends to a real UDP socket on loopback."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from showctl.clocks.clock import LoopClock
from showctl.clocks.virtual import run_virtual
from showctl.drivers.osc import OscConfig
from showctl.live.journal import Journal, iter_lines, parse
from showctl.live.resume import JournalTap, ResumeLoop, replay_inputs, wall_now
from showctl.live.runtime import LiveRuntime
from showctl.model.loader import load_show, parse_show
from showctl.model.schema import show_schema
from showctl.protocols.osc import decode_packet
from showctl.testing import make_show

SHOW = """
show: {title: Late messages}
outputs:
  sound: {kind: osc}
cuelists:
  main:
    cues:
      - {number: "1", type: osc, output: sound, address: /main/late, prewait: 2}
  stings:
    on_resume: skip
    cues:
      - {number: "S1", type: osc, output: sound, address: /sting/dropped, prewait: 2}
      - {number: "S2", type: osc, output: sound, address: /sting/sent}
"""


def _journal(path: Path, down_since: float) -> None:
    """A run started ``down_since`` + 1.5 s ago that crashed at show time 1.5: at 1.0 a
    GO of main and the OSC API's start of S1 (both messages due at 3.0), S2 at 0.5
    (sent before the crash)."""
    lines: list[dict[str, Any]] = [
        {"journal": "showctl-journal/1", "started": wall_now() - down_since - 1.5,
         "show": "late.yaml", "pid": 1},
        {"t": 0.5, "input": "fire", "args": ["stings", "S2"]},
        {"t": 0.5, "sent": "sound"},
        {"t": 1.0, "cmd": "go", "args": {"list": "main"}},
        {"t": 1.0, "input": "fire", "args": ["stings", "S1"]},
        {"t": 1.5, "beat": 1, "seq": {}},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")


def _resume(path: Path, port: int) -> tuple[str, list[str]]:
    async def main() -> tuple[str, list[str]]:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, ResumeLoop)
        data = parse(path.read_bytes())
        runtime = LiveRuntime(make_show(SHOW), rig={"sound": OscConfig(port=port)})
        tap = JournalTap(Journal(path, fresh=False), resume=data)
        runtime.journal = tap
        await runtime.start()
        loop.target = tap.target
        await tap.replay()
        loop.hold = False
        await loop.live.wait()
        line = tap.go_live()
        notes = [e.text for e in runtime.log.recent]
        await runtime.stop()
        return line, notes

    with asyncio.Runner(loop_factory=ResumeLoop) as r:
        return r.run(main())


def _received(rx: socket.socket) -> list[str]:
    got = []
    rx.settimeout(0.5)
    try:
        while True:
            msg = decode_packet(rx.recv(2048))
            got.append(getattr(msg, "address", ""))
    except TimeoutError:
        return got


@pytest.fixture
def rx() -> Any:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        yield s


def test_late_messages_are_sent_once_and_skipped_lists_drop_theirs(
        tmp_path: Path, rx: socket.socket) -> None:
    path = tmp_path / "late.jsonl"
    _journal(path, down_since=2.5)
    line, notes = _resume(path, rx.getsockname()[1])
    assert line.startswith("resumed after a crash at ")
    # /sting/sent went out before the crash; main's message late; the sting's dropped.
    assert _received(rx) == ["/main/late"]
    assert any("sent late: sound /main/late late by " in n for n in notes), notes
    assert any("skipped (on_resume: skip): sound /sting/dropped (list stings, due " in n
               for n in notes), notes
    records = list(iter_lines(path))
    (resumed,) = [r for r in records if "resumed" in r]
    assert resumed["late"] == 1 and resumed["dropped"] == 1
    # Written down as done either way (S2 before the crash, main's late, the sting's
    # skipped), in the order they fell due.
    assert [r.get("skipped") for r in records if "sent" in r] == [None, None, 1]
    # A second crash right after: the replay sends all three again, the journal counts
    # three as done, so nothing goes out late and nothing is dropped again.
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"t": resumed["t"] + 0.2, "beat": 1, "seq": {}}) + "\n")
    line, notes = _resume(path, rx.getsockname()[1])
    assert _received(rx) == []
    assert not [n for n in notes if "sent late:" in n or "on_resume: skip" in n], notes


def test_on_resume_is_checked_like_any_field() -> None:
    bad = SHOW.replace("on_resume: skip", "on_resume: drop")
    show, problems = parse_show(bad)
    assert show is None
    (problem,) = problems
    assert str(problem) == ("<show>:10:16: 'on_resume': 'drop' is not one of 'send_late' "
                            "or 'skip'")
    # Editors learn it from the exported schema.
    assert "on_resume" in json.dumps(show_schema())


# ---------------------------------------------------------------------------- run of show

DEMO = Path(__file__).resolve().parents[2] / "shows" / "demo.yaml"
DEMO_INPUTS: list[dict[str, Any]] = [
    {"t": 1.0, "cmd": "go", "args": {}},                       # 0.5: segment Walk-in
    {"t": 2.0, "cmd": "go", "args": {}},                       # 1 (+ 2, continue)
    {"t": 4.25, "input": "fire", "args": ["main", "3"]},       # the OSC API: Opening
    {"t": 6.5, "input": "goto", "args": ["10", "main"]},       # the OSC API: playhead
    {"t": 7.0, "cmd": "go", "args": {}},                       # 10: segment Keynote
]


def _segments(runtime: LiveRuntime) -> list[tuple[str, Any, str]]:
    state = runtime.state()
    assert state.schedule is not None
    return [(s["name"], s["actual_start"], s["state"]) for s in state.schedule["segments"]]


def test_the_run_of_shows_actual_starts_come_back_after_a_resume(tmp_path: Path) -> None:
    path = tmp_path / "demo.jsonl"
    head = {"journal": "showctl-journal/1", "started": wall_now() - 10.0,
            "show": str(DEMO), "pid": 1}
    path.write_text("".join(json.dumps(x) + "\n" for x in
                            [head, *DEMO_INPUTS, {"t": 8.0, "beat": 1, "seq": {}}]),
                    encoding="utf-8")

    async def resumed() -> tuple[dict[Any, float], list[Any]]:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, ResumeLoop)
        runtime = LiveRuntime(load_show(DEMO), path=DEMO)
        tap = JournalTap(Journal(path, fresh=False), resume=parse(path.read_bytes()))
        runtime.journal = tap
        await runtime.start()
        loop.target = tap.target
        await tap.replay()
        loop.hold = False
        await loop.live.wait()
        tap.go_live()
        out = dict(runtime.schedule.starts), _segments(runtime)
        await runtime.stop()
        return out

    async def uninterrupted() -> tuple[dict[Any, float], list[Any]]:
        runtime = LiveRuntime(load_show(DEMO), path=DEMO, clock=LoopClock())
        await runtime.start()
        t0 = runtime.engine.t0
        await replay_inputs(runtime, parse("".join(
            json.dumps(x) + "\n" for x in DEMO_INPUTS).encode()).inputs, t0)
        await runtime.engine.clock.sleep_until(t0 + 10.0)
        out = dict(runtime.schedule.starts), _segments(runtime)
        await runtime.stop()
        return out

    with asyncio.Runner(loop_factory=ResumeLoop) as r:
        starts, segments = r.run(resumed())
    ref_starts, ref_segments = run_virtual(uninterrupted())
    assert starts == ref_starts
    assert segments == ref_segments
    assert [(name, st) for name, _, st in segments] == [
        ("Walk-in", "done"), ("Opening", "done"), ("Keynote", "running")]
    assert [a for _, a, _ in segments] == [pytest.approx(0.0), pytest.approx(3.25),
                                           pytest.approx(6.0)]
