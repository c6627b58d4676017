"""Routing payloads from cues to the drivers of the show's logical outputs.

Every payload handed to a driver is also published as an ``Output`` event (trace kinds
``dmx``, ``osc``, ``midi``), so a trace records what was sent whatever the rig. DMX is
traced as the slots that changed since the previous frame of that universe, which keeps
golden files readable and small.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from showctl.clocks.clock import Clock
from showctl.drivers.base import (
    DmxPayload,
    Driver,
    MidiPayload,
    OscArg,
    OscBundle,
    OscMessage,
    Payload,
    TimecodePayload,
)
from showctl.engine.events import DriverFaulted, DriverRecovered, EventBus, Output


class OutputRouter:
    def __init__(self, clock: Clock, bus: EventBus, *, t0: float = 0.0) -> None:
        self.clock = clock
        self.bus = bus
        self.t0 = t0
        self.drivers: dict[str, Driver] = {}
        self.trace_outputs = True
        """Publish Output events (turn off for benchmarks with no listener)."""
        self.trace_dmx = True
        """Publish DMX frames as events too. Live front ends that show no DMX log turn
        this off: describing every changed slot of every frame costs more than sending."""
        self._last_dmx: dict[tuple[str, int], np.ndarray] = {}
        self.gate: Callable[[str, Payload | None], bool] | None = None
        """Asked before a payload (None: a DMX frame) goes to its driver; False holds it
        back (the events are still published). The journal uses it: it writes each
        message down before it is sent, and mutes the outputs while a resume
        fast-forwards (:mod:`showctl.live.resume`)."""
        self.sending_list: str | None = None
        """The cue list of the payload :meth:`send` is handing to the gate."""

    def add(self, driver: Driver) -> None:
        self.drivers[driver.output] = driver
        for d in [driver, *getattr(driver, "targets", [])]:
            if d.ctx.on_recovered is None:
                d.ctx.on_recovered = self.recovered

    def now(self) -> float:
        return self.clock.now() - self.t0

    def send(self, output: str, payload: Payload, *, list_name: str | None = None) -> None:
        """``list_name``: the cue list whose cue sends it (the gate may ask, as
        :attr:`sending_list`: a crash resume drops a list's late messages on request)."""
        driver = self.drivers.get(output)
        if driver is None:
            self.bus.emit(DriverFaulted(self.now(), output, "no driver for this output"))
            return
        self.sending_list = list_name
        if self.gate is None or self.gate(output, payload):
            try:
                driver.send(payload)
            except Exception as exc:  # a driver must not raise; if one does, the show goes on
                driver.fault(f"driver raised {exc!r}")
        if self.trace_outputs:
            self._publish(output, payload)

    def dmx_frame(self, output: str, now: float, changed: list[DmxPayload]) -> None:
        """One frame tick of a DMX output (see the DMX drivers' ``frame`` method)."""
        driver = self.drivers.get(output)
        if driver is None:
            return
        if self.gate is None or self.gate(output, None):
            try:
                driver.frame(now, changed)
            except Exception as exc:
                driver.fault(f"driver raised {exc!r}")
        if self.trace_outputs and self.trace_dmx:
            for p in changed:
                self._publish(output, p)

    def fault(self, output: str, reason: str) -> None:
        self.bus.emit(DriverFaulted(self.now(), output, reason))

    def recovered(self, output: str, reason: str) -> None:
        self.bus.emit(DriverRecovered(self.now(), output, reason))

    def _publish(self, output: str, payload: Payload) -> None:
        kind, data = self._describe(output, payload)
        if data is not None:
            self.bus.emit(Output(self.now(), output=output, data=data, out_kind=kind))

    def _describe(self, output: str, payload: Payload) -> tuple[str, dict[str, Any] | None]:
        if isinstance(payload, DmxPayload):
            cur = np.frombuffer(payload.data, dtype=np.uint8)
            key = (output, payload.universe)
            prev = self._last_dmx.get(key)
            if prev is None:
                prev = np.zeros(512, dtype=np.uint8)
            n = min(len(cur), 512)
            diff = np.nonzero(cur[:n] != prev[:n])[0]
            if len(diff) == 0:
                return "dmx", None
            store = prev.copy()
            store[:n] = cur[:n]
            self._last_dmx[key] = store
            channels = {str(int(i) + 1): int(cur[i]) for i in diff}
            return "dmx", {"universe": payload.universe, "channels": channels}
        if isinstance(payload, OscMessage):
            return "osc", {"address": payload.address, "args": [_arg(a) for a in payload.args]}
        if isinstance(payload, OscBundle):
            return "osc", {
                "bundle": [
                    {"address": msg.address, "args": [_arg(a) for a in msg.args]}
                    for msg in payload.messages
                ],
                "timetag": payload.timetag,
            }
        if isinstance(payload, TimecodePayload):
            tc = (f"{payload.hours:02d}:{payload.minutes:02d}:{payload.seconds:02d}:"
                  f"{payload.frames:02d}")
            return "timecode", {"timecode": tc, "type": payload.type}
        assert isinstance(payload, MidiPayload)
        return "midi", {"data": payload.data.hex(" ").upper()}


def _arg(a: OscArg) -> Any:
    if isinstance(a, bytes):
        return {"blob": a.hex()}
    if isinstance(a, float):
        return round(a, 6)
    return a
