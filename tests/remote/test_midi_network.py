"""MIDI, MSC and MTC end to end through network MIDI: a mido socket client
(``mido.sockets.connect``) on 127.0.0.1 sends to the remote runtime's MIDI input, on the
real event loop; plus an rtmidi-style input whose callbacks come from another thread."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import mido
import mido.sockets
from remote_support import free_port

from showctl.engine import events as ev
from showctl.engine.timecode import TimecodeGenerator
from showctl.protocols.midi import MscCommand, MscMessage
from showctl.remote import MidiInputConfig, MscControlConfig, RemoteConfig, start_remote
from showctl.remote.config import OscApiConfig
from showctl.remote.inputs import RtMidiInput
from showctl.session import Session
from showctl.testing import make_show

SHOW = """
show: {title: Network MIDI}
settings: {go_guard: 0}
cuelists:
  main:
    cues:
      - {number: "1", type: wait, duration: 30}
      - {number: "2", type: wait, duration: 30}
      - number: "7"
        type: wait
        duration: 30
        triggers: [{midi: {kind: note_on, channel: 10, number: 36, input: pads}}]
      - number: "8"
        type: wait
        duration: 30
        triggers: [{msc: {command: go, device: 5, cue: "101"}}]
  tc:
    timecode: {source: mtc, fps: 25, input: tc-in}
    cues:
      - {number: "T1", type: memo, triggers: [{timecode: "10:00:00:10"}]}
      - {number: "T2", type: memo, triggers: [{timecode: "10:00:00:20"}]}
"""


async def _until(cond: Any, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not cond():
        if loop.time() > end:
            raise AssertionError("timed out")
        await asyncio.sleep(0.005)


async def test_midi_msc_and_mtc_over_network_midi() -> None:
    pads_port, tc_port = free_port(), free_port()
    session = Session(make_show(SHOW))
    triggered: dict[str, float] = {}
    session.bus.subscribe(lambda e: isinstance(e, ev.CueTriggered)
                          and triggered.setdefault(e.cue, session.clock.now()) and None)
    await session.open()
    cfg = RemoteConfig(
        osc=OscApiConfig(enabled=False),
        midi_inputs=[
            MidiInputConfig(name="pads", transport="socket", port=pads_port),
            MidiInputConfig(name="tc-in", transport="socket", port=tc_port),
        ],
        msc=MscControlConfig(device=1),
    )
    remote = await start_remote(session, cfg)
    pads = await asyncio.to_thread(mido.sockets.connect, "127.0.0.1", pads_port)
    tc = await asyncio.to_thread(mido.sockets.connect, "127.0.0.1", tc_port)
    try:
        # A drum pad: note 36 on channel 10 starts cue 7.
        pads.send(mido.Message("note_on", channel=9, note=36, velocity=90))
        await _until(lambda: "7" in triggered)
        # MSC to device 5: GO cue 101 → cue 8's trigger.
        pads.send(mido.Message.from_bytes(list(MscMessage(MscCommand.GO, device=5,
                                                          cue="101").encode())))
        await _until(lambda: "8" in triggered)
        # MSC to our remote-control device id 1: GO with a cue number, then STOP.
        pads.send(mido.Message.from_bytes(list(MscMessage(MscCommand.GO, device=1,
                                                          cue="2").encode())))
        await _until(lambda: "2" in triggered)
        assert session.engine.playhead().number == "7"
        pads.send(mido.Message.from_bytes(list(MscMessage(MscCommand.STOP,
                                                          device=0x7F).encode())))
        await _until(lambda: session.engine.is_idle())
        assert "1" not in triggered  # nothing fired the standby cue by itself

        # MTC from the project's generator over the network port, on the real clock.
        def send(data: bytes) -> None:
            tc.send(mido.Message.from_bytes(list(data)))

        gen = TimecodeGenerator(session.clock, send, 25)
        t0 = session.clock.now() + 0.05
        gen.start("10:00:00:00", when=t0)
        await _until(lambda: "T2" in triggered, timeout=5)
        gen.stop()
        err1 = triggered["T1"] - (t0 + 10 / 25)
        err2 = triggered["T2"] - (t0 + 20 / 25)
        assert -0.002 < err1 < 0.02 and -0.002 < err2 < 0.02, (err1, err2)
        status = remote.timecode_status()[0]
        assert status.timecode is not None and str(status.timecode) >= "10:00:00:20"
    finally:
        pads.close()
        tc.close()
        await remote.close()
        await session.close()


class FakeBackend:
    """Stands in for mido's rtmidi backend (no ALSA here): open_input's callback is
    called from a thread of its own, as rtmidi does."""

    def __init__(self) -> None:
        self.callback: Any = None
        self.opened = threading.Event()

    def get_input_names(self) -> list[str]:
        return ["Launchpad MIDI 1 20:0"]

    def open_input(self, name: str, callback: Any) -> Any:
        assert name == "Launchpad MIDI 1 20:0"
        self.callback = callback
        self.opened.set()
        return self

    def close(self) -> None:
        pass

    def play(self, msgs: list[mido.Message]) -> None:
        def run() -> None:
            for m in msgs:
                self.callback(m)

        th = threading.Thread(target=run)
        th.start()
        th.join()


async def test_rtmidi_callbacks_are_handed_to_the_loop() -> None:
    session = Session(make_show(SHOW))
    await session.open()
    got: list[tuple[str, str, bool]] = []
    loop_thread = threading.get_ident()

    def on_event(event: Any, name: str, at: float) -> None:
        got.append((event.describe(), name, threading.get_ident() == loop_thread))

    backend = FakeBackend()
    inp = RtMidiInput(MidiInputConfig(name="pads", port="Launchpad"), session.clock, on_event,
                      backend=backend)
    await inp.start()
    await asyncio.to_thread(backend.opened.wait, 5)
    backend.play([mido.Message("note_on", channel=9, note=36, velocity=90),
                  mido.Message("control_change", control=1, value=2)])
    await _until(lambda: len(got) == 2)
    assert all(on_loop for _, _, on_loop in got) and got[0][1] == "pads"
    assert got[0][0] == "note on ch10 note 36 velocity 90"
    await inp.close()
    await session.close()


async def test_missing_rtmidi_port_is_retried_not_fatal() -> None:
    session = Session(make_show(SHOW))
    await session.open()

    class Empty(FakeBackend):
        def get_input_names(self) -> list[str]:
            return []

    inp = RtMidiInput(MidiInputConfig(name="x", port="Nope", retry_interval=0.05),
                      session.clock, lambda *a: None, backend=Empty())
    await inp.start()
    await _until(lambda: inp.problem is not None)
    assert "not found" in (inp.problem or "")
    await inp.close()
    await session.close()
