"""``showctl sim --headless`` end to end: a show run through a Session against the
simulator, lights over Art-Net, sound cues over OSC, desk cues over network MIDI, on
the virtual clock (every line's time is exact show time)."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest
from sim_support import SMALL_SHOW

from showctl.clocks.virtual import run_virtual
from showctl.drivers.rig import load_rig
from showctl.session import Session
from showctl.sim.headless import run_sim_headless
from showctl.sim.rig import SimOptions, SimRig
from showctl.testing import make_show


async def rehearse(tmp_path: Path) -> str:
    show = make_show(SMALL_SHOW)
    out = io.StringIO()
    ready: asyncio.Future[SimRig] = asyncio.get_running_loop().create_future()
    opts = SimOptions(artnet_port=0, sacn_port=None, osc_port=0, midi="127.0.0.1:0")
    sim = asyncio.ensure_future(run_sim_headless(show, opts, out, interval=0.25, duration=6.0,
                                                 ready=ready.set_result))
    rig = await ready
    assert rig.listener is not None and rig.listener.artnet_address is not None
    rig_file = tmp_path / "rig.yaml"
    rig_file.write_text(
        "outputs:\n"
        f"  lx: {{driver: artnet, nodes: ['127.0.0.1:{rig.listener.artnet_address[1]}'], "
        "listen: null}\n"
        f"  sound: {{driver: osc, host: 127.0.0.1, port: {rig.osc_port}}}\n"
        f"  desk: {{driver: midi, transport: socket, host: 127.0.0.1, port: {rig.midi_port}}}\n")
    session = Session(show, rig=load_rig(rig_file))
    await session.open()
    t0 = session.clock.now()
    for at in (0.5, 3.0, 3.5):  # cue 1 (2 s fade), cue 2 (OSC), cue 3 (MIDI)
        await session.clock.sleep_until(t0 + at)
        assert session.engine.go()
    await session.clock.sleep_until(t0 + 4.5)
    await session.close()
    await sim
    return out.getvalue()


def test_headless_sim_prints_fixture_changes_sources_osc_and_midi(tmp_path: Path) -> None:
    text = run_virtual(rehearse(tmp_path))
    lines = text.splitlines()
    assert re.match(r"0\.000 sim  listening: Art-Net 127\.0\.0\.1:\d+, OSC udp "
                    r"127\.0\.0\.1:\d+, MIDI tcp 127\.0\.0\.1:\d+$", lines[0])
    stamped = [(float(ln.split(" ", 1)[0]), ln.split(" ", 2)[1], ln.split(" ", 2)[2].strip())
               for ln in lines]
    fix1 = [(t, what) for t, kind, what in stamped if kind == "fix" and what.startswith("1 ")]
    assert fix1[0] == (0.0, "1 'Par RGBW' 0% #000000")
    # the fade runs from 0.5 to 2.5 s; the view decodes every 0.25 s and sees the frames
    # sent before its tick, so the end state shows once, at 2.5 or (a frame late) 2.75 s
    final = [t for t, what in fix1 if what == "1 'Par RGBW' 80% #ff8040"]
    assert len(final) == 1 and final[0] in (2.5, 2.75)
    (mid,) = [what for t, what in fix1 if t == 1.5]
    assert 38.0 <= float(mid.split()[3].rstrip("%")) <= 40.0
    spot = [what for t, kind, what in stamped if kind == "fix" and what.startswith("101 ")]
    assert spot[-1].startswith("101 'Spot' 60% #0000ff (blue) pan -30.0° tilt 45.0° zoom 25.0°")
    assert any(kind == "dmx" and "new source" in what for _, kind, what in stamped)
    assert [(t, what) for t, kind, what in stamped if kind == "osc"] == [
        (3.0, "/cue/1/start")]
    midi = [(t, what) for t, kind, what in stamped if kind == "midi"]
    assert len(midi) == 1 and midi[0][0] == pytest.approx(3.5, abs=0.01)
    assert midi[0][1].startswith("program change ch1 program 4")
    # the session closed at 4.5 s: Art-Net has no termination, the source stays (10 s)
    assert not any("source lost" in what for _, _, what in stamped)


def test_artnet_timecode_is_logged_once_a_second() -> None:
    from showctl.protocols import artnet as art

    logged: list[str] = []
    rig = SimRig(make_show(SMALL_SHOW), on_log=logged.append)
    for frames in (0, 1, 2):
        rig._on_packet("artnet", art.encode_timecode(frames, 5, 0, 1, art.TIMECODE_EBU),
                       ("127.0.0.1", 6454), "ignored")
    assert logged == ["tc   Art-Net timecode 01:00:05:00 (25 fps) from 127.0.0.1:6454"]
