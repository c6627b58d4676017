"""`showctl run` sends DMX frames from their own thread: frames and GOs still arrive.

Functional checks only (no timing asserted): a GO's fade reaches its final level, the
trace gets the frames on the loop thread, a fault from a DMX driver reaches the bus, and
closing stops the thread.
"""

import asyncio
import textwrap
from pathlib import Path

from showctl.console.app import ShowctlApp
from showctl.engine import events as ev
from showctl.model.loader import load_show

SHOW = textwrap.dedent("""\
    show: {title: Threaded}
    outputs: {lx: {kind: dmx}}
    cuelists:
      main:
        cues:
          - {number: 1, type: light, channels: {"1": 100, "2/5": 40}, time: 0.3}
          - {number: 2, type: light, channels: {"1": 0}, time: 0}
    """)


async def test_threaded_frames_fade_to_the_end_and_snap(tmp_path: Path) -> None:
    path = tmp_path / "show.yaml"
    path.write_text(SHOW)
    app = ShowctlApp(load_show(path), path=path, threaded_frames=True)
    levels: dict[tuple[int, str], int] = {}
    async with app.run_test() as pilot:
        assert app.session is not None and app._frames is not None
        app.session.router.trace_dmx = True

        def on_event(e: ev.Event) -> None:
            if isinstance(e, ev.Output) and e.out_kind == "dmx":
                for ch, v in e.data["channels"].items():
                    levels[(e.data["universe"], ch)] = v

        app.session.bus.subscribe(on_event)
        await pilot.press("space")
        for _ in range(100):
            if levels.get((1, "1")) == 255 and levels.get((2, "5")) == 102:
                break
            await asyncio.sleep(0.02)
        assert levels[(1, "1")] == 255 and levels[(2, "5")] == 102
        assert app.session.lighting.frames > 0
        await asyncio.sleep(0.6)  # past the GO guard
        await pilot.press("space")  # a zero-time cue: sent at once by the frame thread
        for _ in range(100):
            if levels.get((1, "1")) == 0:
                break
            await asyncio.sleep(0.02)
        assert levels[(1, "1")] == 0
        thread = app._frames._thread
    assert not thread.is_alive()  # closing the console stopped the frame thread
