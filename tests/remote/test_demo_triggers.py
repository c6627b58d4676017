"""The demo show's trigger-only cue fires from its OSC address and its hotkey."""

import asyncio
import socket
from pathlib import Path

from showctl.drivers.base import OscMessage
from showctl.engine import events as ev
from showctl.model.loader import load_show
from showctl.protocols.osc import encode_packet
from showctl.remote import OscApiConfig, RemoteConfig, start_remote
from showctl.session import Session

DEMO = Path(__file__).resolve().parents[2] / "shows" / "demo.yaml"


async def test_walkout_sting_fires_from_osc_and_from_its_hotkey() -> None:
    session = Session(load_show(DEMO))
    started: list[str] = []
    session.bus.subscribe(
        lambda e: started.append(e.cue) if isinstance(e, ev.CueStarted) else None)
    await session.open()
    remote = await start_remote(session, RemoteConfig(osc=OscApiConfig(port=0)))
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(encode_packet(OscMessage("/demo/walkout")),
                     ("127.0.0.1", remote.osc.udp_port))
        for _ in range(200):
            if "L9" in started:
                break
            await asyncio.sleep(0.01)
        assert started == ["L9"]
        assert remote.handle_hotkey("f5")
        assert started == ["L9", "L9"]
    finally:
        await remote.close()
        await session.close()
