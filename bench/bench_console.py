"""Console benchmark: GO latency and DMX frame rate while the console redraws.

A synthetic show patches ``--universes`` universes × ``--channels`` raw channels on one
DMX output. Cue 1 fades all of them for a long time (so every universe changes on every
frame); cues 2… are memos, pressed as Space through the app while the fade runs. The
app runs headless (``App.run_test``) on the real clock, redrawing at its normal rate.

Measured:
- keypress → GO handled: from posting the Space key event to the engine's ``Go``
  event (the console's whole key path), p50/p99/max;
- the light cue GO itself (compiling and starting a fade of every channel);
- DMX frames: count, rate, lateness of each frame behind its deadline, and dropped
  frames (a deadline the frame loop skipped because it fell behind);
- console redraws per second.

Prints the figures and appends them, with the command, to docs/performance.md.
Run: ``python3 bench/bench_console.py [--universes 256] [--channels 512] [--presses 100]``
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402

from showctl.console.app import ShowctlApp  # noqa: E402
from showctl.drivers.base import DmxPayload, Driver, DriverConfig, Payload, register  # noqa: E402
from showctl.engine import events as ev  # noqa: E402
from showctl.model import show as m  # noqa: E402


class FrameCountConfig(DriverConfig):
    driver: str = "bench-frames"


@register
class FrameCountDriver(Driver):
    """Records when each frame tick arrives and the deadline it was for."""

    kind = "bench-frames"
    config_model: ClassVar[type[DriverConfig]] = FrameCountConfig
    needs_ticks = False
    log: ClassVar[list[tuple[float, float, int]]] = []

    def send(self, payload: Payload) -> None:
        self.sent(payload)

    def frame(self, now: float, changed: Sequence[DmxPayload]) -> None:
        # time.monotonic is the event loop's time base; frames may come from the frame
        # thread (showctl run's threaded frames), where there is no running loop.
        FrameCountDriver.log.append((now, time.monotonic(), len(changed)))


def build_show(universes: int, channels: int, presses: int, fade: float) -> m.Show:
    levels = {f"{u}/{a}": 100 for u in range(1, universes + 1) for a in range(1, channels + 1)}
    cues: list[dict[str, Any]] = [
        {"number": "1", "type": "light", "name": "Everything up", "channels": levels,
         "time": fade},
    ]
    cues += [{"number": str(i), "type": "memo", "name": f"Memo {i}"}
             for i in range(2, presses + 3)]
    return m.Show.model_validate({
        "show": {"title": f"Bench: {universes} universes"},
        "settings": {"go_guard": 0},
        "outputs": {"lx": {"kind": "dmx", "universes": list(range(1, universes + 1))}},
        "cuelists": {"main": {"cues": cues}},
    })


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


async def measure(show: m.Show, presses: int, gap: float, trace: bool,
                  refresh_hz: float) -> dict[str, Any]:
    rig = {"lx": FrameCountConfig()}
    # The same redraw settings as `showctl run` (run_console).
    app = ShowctlApp(show, rig, refresh_hz=refresh_hz, min_redraw=0.1, output_every=4,
                     threaded_frames=True)
    go_at: dict[str, float] = {}
    latencies: list[float] = []
    sent_at: dict[str, float] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.session is not None
        app.session.router.trace_outputs = trace

        def on_event(e: ev.Event) -> None:
            if isinstance(e, ev.CueStarted) and e.list == "main":
                go_at.setdefault(e.cue, time.perf_counter())

        app.session.bus.subscribe(on_event)
        await pilot.pause()
        t = time.perf_counter()
        app.post_message(events.Key("space", " "))
        while "1" not in go_at:
            await asyncio.sleep(0.001)
        light_go = go_at["1"] - t
        await asyncio.sleep(0.5)  # the fade is under way
        FrameCountDriver.log.clear()
        frames0, refresh0 = app.session.lighting.frames, app.refreshes
        w0 = time.perf_counter()
        for i in range(2, presses + 2):
            number = str(i)
            sent_at[number] = time.perf_counter()
            app.post_message(events.Key("space", " "))
            deadline = time.perf_counter() + 2.0
            while number not in go_at and time.perf_counter() < deadline:
                await asyncio.sleep(0.0005)
            if number in go_at:
                latencies.append(go_at[number] - sent_at[number])
            await asyncio.sleep(gap)
        wall = time.perf_counter() - w0
        frames = app.session.lighting.frames - frames0
        refreshes = app.refreshes - refresh0
        rate = app.session.lighting.rate
        log = list(FrameCountDriver.log)
        busy = app.session.lighting.busy(app.session.clock.now())
    lateness = [(arrived - due) * 1000 for due, arrived, _ in log]
    dropped = _dropped(log, rate)
    changed = statistics.mean(n for _, _, n in log) if log else 0.0
    return {
        "light_go_ms": light_go * 1000,
        "go_p50_ms": pct(latencies, 50) * 1000, "go_p99_ms": pct(latencies, 99) * 1000,
        "go_max_ms": max(latencies) * 1000, "presses": len(latencies),
        "frames": frames, "wall": wall, "fps": frames / wall, "rate": rate,
        "late_p50_ms": pct(lateness, 50), "late_p99_ms": pct(lateness, 99),
        "late_max_ms": max(lateness), "dropped": dropped,
        "universes_changed_per_frame": changed, "redraw_hz": refreshes / wall,
        "still_fading": busy,
    }


def _dropped(log: list[tuple[float, float, int]], rate: float) -> int:
    return sum(max(0, round((b[0] - a[0]) * rate) - 1) for a, b in itertools.pairwise(log))


async def engine_only(show: m.Show, seconds: float, trace: bool) -> str:
    """The same fade with no console at all: what the engine alone sustains."""
    from showctl.session import Session

    session = Session(show, rig={"lx": FrameCountConfig()})
    session.router.trace_outputs = trace
    await session.open()
    try:
        session.engine.go()
        await asyncio.sleep(0.3)
        FrameCountDriver.log.clear()
        f0, t0 = session.lighting.frames, time.perf_counter()
        await asyncio.sleep(seconds)
        frames, wall = session.lighting.frames - f0, time.perf_counter() - t0
        log = list(FrameCountDriver.log)
    finally:
        await session.close()
    late = [(b - a) * 1000 for a, b, _ in log]
    return (f"- engine alone, no console, router Output events {'on' if trace else 'off'}: "
            f"{frames / wall:.2f} Hz, dropped {_dropped(log, session.lighting.rate)}, "
            f"lateness p99 {pct(late, 99):.2f} ms\n")


def report(args: argparse.Namespace, r: dict[str, Any], trace: bool) -> str:
    return (
        f"- {args.universes} universes × {args.channels} channels "
        f"({args.universes * args.channels} attributes), router Output events "
        f"{'on (default)' if trace else 'off'}, console refresh {args.refresh_hz:g} Hz:\n"
        f"  - keypress → GO handled (to the memo cue's start, during the fade): "
        f"p50 {r['go_p50_ms']:.2f} ms, "
        f"p99 {r['go_p99_ms']:.2f} ms, max {r['go_max_ms']:.2f} ms ({r['presses']} presses)\n"
        f"  - keypress → GO of the light cue that starts the {args.universes}-universe fade: "
        f"{r['light_go_ms']:.1f} ms\n"
        f"  - DMX: {r['frames']} frames in {r['wall']:.2f} s = {r['fps']:.2f} Hz "
        f"(target {r['rate']:.1f}), dropped {r['dropped']}, "
        f"{r['universes_changed_per_frame']:.0f} universes changed per frame; lateness "
        f"p50 {r['late_p50_ms']:.2f} ms, p99 {r['late_p99_ms']:.2f} ms, "
        f"max {r['late_max_ms']:.2f} ms\n"
        f"  - console redraws: {r['redraw_hz']:.1f} Hz; fade still running at the end: "
        f"{r['still_fading']}\n"
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--universes", type=int, default=256)
    p.add_argument("--channels", type=int, default=512)
    p.add_argument("--presses", type=int, default=100)
    p.add_argument("--gap", type=float, default=0.05, help="seconds between presses")
    p.add_argument("--refresh-hz", type=float, default=10.0,
                   help="console redraw rate (0.01 = a baseline with next to no redraws)")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    t = time.perf_counter()
    # 0 → 100 % moves each DMX byte every ~frame when the fade is about 255/44 s long;
    # it must also outlast the measuring window (presses × gap).
    fade = max(6.0, args.presses * args.gap + 1.5)
    show = build_show(args.universes, args.channels, args.presses, fade)
    build = time.perf_counter() - t
    out = [f"\n## {datetime.now():%Y-%m-%d %H:%M} — `python3 bench/bench_console.py "
           f"{' '.join(sys.argv[1:])}`".rstrip() + "\n\n",
           f"Python {platform.python_version()} on {platform.machine()} "
           f"({platform.processor() or platform.system()}); show built in {build:.1f} s.\n\n"]
    for trace in (True, False):
        r = asyncio.run(measure(show, args.presses, args.gap, trace, args.refresh_hz))
        out.append(report(args, r, trace))
    for trace in (True, False):
        out.append(asyncio.run(engine_only(show, 5.0, trace)))
    text = "".join(out)
    print(text)
    if not args.no_write:
        doc = ROOT / "docs" / "performance.md"
        if not doc.exists():
            doc.parent.mkdir(parents=True, exist_ok=True)
            doc.write_text("# Console performance\n\nFigures appended by "
                           "`bench/bench_console.py` (newest last).\n", encoding="utf-8")
        with doc.open("a", encoding="utf-8") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
