"""Console test helpers: a small show on disk, the console as a client of a runtime on a
ManualClock (through the in-memory native API), screen text."""

from __future__ import annotations

import io
import shutil
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from showctl.clocks.manual import ManualClock
from showctl.console.app import ShowctlApp, console_app
from showctl.engine import events as ev
from showctl.engine.engine import Engine
from showctl.live.runtime import LiveRuntime
from showctl.live.server import ApiServer
from showctl.model.loader import load_show
from showctl.session import Session

SMALL = textwrap.dedent("""\
    # A small show for console tests.
    show:
      title: Console test
    settings:
      go_guard: 0.5   # the double-GO guard
      panic_time: 2
    outputs:
      lx: {kind: dmx, universes: [1]}
      snd: {kind: osc}
    cuelists:
      main:
        cues:
          - number: "1"
            type: wait
            name: Opening wait
            notes: "Wait for the house to settle."
            prewait: 2
            duration: 4
            postwait: 3
            continue: auto_continue
          - number: "2"
            type: light
            name: Lights up
            channels: {"1": 100, "2": 50}
            time: 5
          - number: "3"
            type: osc
            name: Sound cue
            output: snd
            address: /cue/1/start
          # a comment before cue 4
          - number: "4"
            type: memo
            name: Interval
      side:
        cues:
          - {number: "A", type: wait, name: Side wait, duration: 10}
          - {number: "B", type: osc, name: Side sound, output: snd, address: /b}
    """)

SIZE = (130, 42)
FIXED_TIME = datetime(2026, 5, 1, 19, 30, 0)


def screen_text(app: ShowctlApp) -> str:
    """The plain text the terminal would show right now."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      force_terminal=True, color_system="truecolor", legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=True))
    return console.export_text()


@pytest.fixture
def small_path(tmp_path: Path) -> Path:
    p = tmp_path / "small.yaml"
    p.write_text(SMALL, encoding="utf-8")
    return p


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    src = Path(__file__).resolve().parents[2] / "shows" / "demo.yaml"
    p = tmp_path / "demo.yaml"
    p.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(src.parent / "media", tmp_path / "media")  # the show's MIDI file
    return p


class Harness:
    """The console (built by the CLI's factory) as a client of a runtime on a ManualClock,
    every engine event, for one test. The runtime starts when the app connects."""

    def __init__(self, path: Path) -> None:
        self.clock = ManualClock()
        self.path = path
        self.runtime = LiveRuntime(load_show(path), path=path, clock=self.clock)
        self.server: ApiServer | None = None
        self.events: list[ev.Event] = []
        self.runtime.on_event.append(self.events.append)
        self.app: ShowctlApp = console_app(self._connect, wallclock=lambda: FIXED_TIME)

    async def _connect(self) -> Any:
        await self.runtime.start()
        self.server = ApiServer(self.runtime)
        client = self.server.memory_client()
        await client.hello()
        return client

    @property
    def engine(self) -> Engine:
        return self.runtime.engine

    @property
    def session(self) -> Session:
        assert self.runtime.session is not None
        return self.runtime.session

    def attach(self) -> None:
        """Record events from now on."""
        self.events.clear()

    def kinds(self, *kinds: str) -> list[tuple[float, str, Any]]:
        out = []
        for e in self.events:
            if e.kind in kinds:
                out.append((round(e.t, 6), e.kind, getattr(e, "cue", None)))
        return out

    async def settle(self, pilot: Any) -> str:
        await self.app.sync()
        await pilot.pause()
        return screen_text(self.app)


@pytest.fixture
def harness(small_path: Path) -> Harness:
    return Harness(small_path)
