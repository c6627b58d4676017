"""``showctl sim SHOW --headless``: the simulated rig as text lines (tests, ssh, CI).

Every ``interval`` seconds the fixtures are decoded and each one whose look changed gets
a line; sources appearing or going away, and OSC and MIDI arriving, get lines as they
happen. Every line starts with seconds since the simulator started::

    0.000 sim  listening: Art-Net 127.0.0.1:6454, sACN 127.0.0.1:5568 (multicast 1, 2) …
    1.203 dmx  universe 1: new source: '127.0.0.1:40312' (artnet 127.0.0.1:40312 prio 100)
    1.250 fix  21 'Cyc L' 40% #1c0a72
    7.000 osc  5.791 /cue/STING/start
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from typing import TextIO

from showctl.clocks.clock import Clock, LoopClock
from showctl.model import show as m
from showctl.sim.receiver import ReceiverEvent
from showctl.sim.rig import SimOptions, SimRig


def listening_line(rig: SimRig) -> str:
    """What the rig listens on, in one sentence."""
    parts = []
    lst = rig.listener
    if lst is not None and lst.artnet_address is not None:
        parts.append(f"Art-Net {lst.artnet_address[0]}:{lst.artnet_address[1]}")
    if lst is not None and lst.sacn_address is not None:
        mc = f" (multicast {', '.join(map(str, lst.joined))})" if lst.joined else ""
        parts.append(f"sACN {lst.sacn_address[0]}:{lst.sacn_address[1]}{mc}")
    if rig.osc_port is not None:
        parts.append(f"OSC udp {rig.options.osc_host}:{rig.osc_port}")
    if rig.midi_port is not None and rig.options.midi is not None:
        host = rig.options.midi.rsplit(":", 1)[0]
        parts.append(f"MIDI tcp {host}:{rig.midi_port}")
    return "listening: " + ", ".join(parts)


async def run_sim_headless(
    show: m.Show,
    options: SimOptions | None = None,
    out: TextIO | None = None,
    *,
    interval: float = 0.1,
    duration: float | None = None,
    clock: Clock | None = None,
    ready: Callable[[SimRig], None] | None = None,
) -> int:
    """Run until cancelled (or for ``duration`` seconds); returns the lines printed.

    Binding errors raise ``OSError`` for the CLI to report.
    """
    stream = sys.stdout if out is None else out
    clk = clock or LoopClock()
    printed = 0
    start = clk.now()

    def emit(kind: str, text: str) -> None:
        nonlocal printed
        stream.write(f"{clk.now() - start:.3f} {kind:<4} {text}\n")
        stream.flush()
        printed += 1

    def on_event(ev: ReceiverEvent) -> None:
        emit("dmx", str(ev))

    def on_log(line: str) -> None:
        kind, _, rest = line.partition(" ")
        emit(kind, rest.strip())

    rig = SimRig(show, options, clock=clk, on_event=on_event, on_log=on_log)
    await rig.start()
    start = clk.now()  # line times count from when the rig listens
    try:
        emit("sim", listening_line(rig))
        if ready is not None:
            ready(rig)
        last: dict[str, str] = {}
        k = 0
        while duration is None or clk.now() - start < duration:
            for state in rig.states():
                text = state.describe()
                if last.get(state.key) != text:
                    last[state.key] = text
                    emit("fix", text)
            k += 1
            deadline = start + k * interval
            if duration is not None:
                deadline = min(deadline, start + duration)
            await clk.sleep_until(deadline)
        # one last look so a short run still reports what arrived at its very end
        for state in rig.states():
            text = state.describe()
            if last.get(state.key) != text:
                last[state.key] = text
                emit("fix", text)
    finally:
        await rig.close()
    return printed


def run_blocking(show: m.Show, options: SimOptions, *, interval: float,
                 duration: float | None) -> int:
    """The CLI's entry: run on a fresh event loop; Ctrl-C ends it quietly."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_sim_headless(show, options, interval=interval, duration=duration))
    return 0
