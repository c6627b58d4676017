"""The simulator's Textual view, driven with ``App.run_test()`` and real packets."""

from __future__ import annotations

import asyncio
import socket

from rich.style import Style
from rich.text import Text
from sim_support import SMALL_SHOW, artnet_packet
from textual.widgets import RichLog, Static

from showctl.sim.app import SimApp, StagePlot
from showctl.sim.rig import SimOptions
from showctl.testing import make_show


def options() -> SimOptions:
    return SimOptions(artnet_port=0, sacn_port=0, osc_port=0, midi="127.0.0.1:0")


def colours(text: Text) -> set[str]:
    """Background colours of the swatches drawn in a Rich text."""
    out = set()
    for span in text.spans:
        style = Style.parse(span.style) if isinstance(span.style, str) else span.style
        if style.bgcolor is not None and style.bgcolor.triplet:
            out.add(style.bgcolor.triplet.hex)
    return out


async def wait_until(pilot: object, predicate: object, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():  # type: ignore[operator]
        assert loop.time() < deadline, "timed out"
        await pilot.pause(0.05)  # type: ignore[attr-defined]


async def test_view_shows_fixtures_universes_and_logs() -> None:
    app = SimApp(make_show(SMALL_SHOW), options(), interval=0.05)
    async with app.run_test(size=(120, 50)) as pilot:
        rig = app.rig
        assert rig.listener is not None and rig.listener.artnet_address is not None
        assert rig.osc_port and rig.midi_port
        plot = app.query_one(StagePlot)
        assert "Par RGBW" in plot.text.plain and "audience" in plot.text.plain
        # upstage (the spot at y=5) is drawn above downstage (the pars at y=1)
        assert plot.text.plain.index("Spot") < plot.text.plain.index("Par RGBW")

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            # Par RGBW: intensity 100 %, red full, at address 1; the dimmer at 31 to 50 %
            s.sendto(artnet_packet({1: 255, 2: 255, 31: 128}, universe=1, seq=1),
                     rig.listener.artnet_address)
            s.sendto(b"/cue/7/go\x00\x00\x00,\x00\x00\x00", ("127.0.0.1", rig.osc_port))
        _, writer = await asyncio.open_connection("127.0.0.1", rig.midi_port)
        writer.write(bytes([0xC0, 0x04]))
        await writer.drain()

        await wait_until(pilot, lambda: "#ff0000" in colours(plot.text))
        assert "100% #ff0000" in plot.text.plain
        assert "50% #ffffff" in plot.text.plain
        universes = app.query_one("#universes", Static)
        await wait_until(pilot, lambda: "artnet" in str(universes.render()))
        assert "u1:" in str(universes.render()) and "u2: no source" in str(universes.render())

        log = app.query_one("#log", RichLog)

        def logged() -> str:
            return "\n".join(line.text for line in log.lines)

        await wait_until(pilot, lambda: "/cue/7/go" in logged()
                         and "program change ch1 program 4" in logged())
        assert "new source" in logged()
        writer.close()
        await writer.wait_closed()
        await pilot.pause(0.1)
        await pilot.press("q")
    assert rig.listener.transports == []


async def test_a_busy_port_ends_the_app_with_a_message() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        port = blocker.getsockname()[1]
        opts = SimOptions(artnet_port=port, sacn_port=None, osc_port=None, midi=None)
        app = SimApp(make_show(SMALL_SHOW), opts)
        async with app.run_test() as pilot:
            await pilot.pause(0.1)
        assert app.error is not None and "cannot listen" in app.error
        assert app.return_code == 1
