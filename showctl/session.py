"""A running show: engine, drivers and the lighting frame loop wired together.

Every front end (headless run, replay, console, remote API, tests) builds a
``Session`` and then only calls ``session.engine`` and listens to ``session.bus``.
"""

from __future__ import annotations

import asyncio
import contextlib

from showctl.clocks.clock import Clock, LoopClock
from showctl.drivers.base import Driver, DriverConfig, DriverContext
from showctl.engine.engine import Engine
from showctl.engine.events import EventBus
from showctl.engine.outputs import OutputRouter
from showctl.model import show as m


class Session:
    def __init__(
        self,
        show: m.Show,
        *,
        rig: dict[str, DriverConfig] | None = None,
        clock: Clock | None = None,
        bus: EventBus | None = None,
    ) -> None:
        from showctl.drivers.rig import build_drivers

        self.show = show
        self.clock = clock or LoopClock()
        self.bus = bus or EventBus()
        self.router = OutputRouter(self.clock, self.bus)
        ctx = DriverContext(clock=self.clock, on_fault=self._on_fault)
        self.drivers: dict[str, Driver] = build_drivers(list(show.outputs), rig, ctx)
        for d in self.drivers.values():
            self.router.add(d)
        self.engine = Engine(show, self.clock, self.router, bus=self.bus)
        self.lighting = self.engine.attach_lighting()
        self._frame_task: asyncio.Task[None] | None = None

    def _on_fault(self, output: str, reason: str) -> None:
        self.router.fault(output, reason)

    async def open(self) -> None:
        for d in self.drivers.values():
            try:
                await d.open()
            except Exception as exc:  # a driver that fails to open is a fault, not a crash
                d.fault(f"could not open: {exc}")
        # The rig's home state (pan/tilt centred, wheels open…) goes out once at start.
        self.lighting.send_now()
        self._frame_task = asyncio.get_running_loop().create_task(self.lighting.run())

    async def close(self) -> None:
        if self._frame_task is not None:
            self._frame_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._frame_task
        for d in self.drivers.values():
            try:
                await d.close()
            except Exception as exc:
                d.fault(f"could not close cleanly: {exc}")

    async def __aenter__(self) -> Session:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
