"""Timecode chase on the virtual clock: MTC from the project's own generator (exact
quarter-frame deadlines) and Art-Net timecode, into the remote runtime. Cues fire on
their frame to the microsecond; locates skip (or fire, with fire_skipped); a dropout
is ridden out for ``freewheel`` seconds; a rate change is followed."""

from __future__ import annotations

from typing import Any

import pytest

from showctl.clocks.virtual import run_virtual
from showctl.engine import events as ev
from showctl.engine.timecode import TimecodeGenerator
from showctl.protocols.artnet import decode, encode_timecode
from showctl.protocols.midi import MtcFullFrame, Timecode, decode_midi
from showctl.remote import RemoteConfig
from showctl.remote.chase import ArtnetTimecodeDecoder, ChaseState, MtcDecoder
from showctl.remote.service import RemoteServer
from showctl.session import Session
from showctl.testing import make_show


def tc_show(fps: float = 25, freewheel: float = 2.0, fire_skipped: bool = False,
            source: str = "mtc", labels: tuple[str, ...] = ("01:00:00:00", "01:00:01:12",
                                                            "01:00:02:00", "01:00:05:00"),
            ) -> str:
    cues = "\n".join(
        f'      - {{number: "T{i}", type: memo, triggers: [{{timecode: "{lab}"}}]}}'
        for i, lab in enumerate(labels, 1))
    return f"""
show: {{title: Chase}}
cuelists:
  main:
    cues:
      - {{number: "1", type: memo}}
  tc:
    timecode: {{source: {source}, fps: {fps}, freewheel: {freewheel},
               fire_skipped: {str(fire_skipped).lower()}}}
    cues:
{cues}
"""


class Rig:
    """A session, the remote runtime (no sockets needed) and an MTC generator wired to
    it through the MIDI byte path, all on the virtual clock."""

    def __init__(self, show: str, rate: Any = 25) -> None:
        self.session = Session(make_show(show))
        self.remote = RemoteServer(self.session, RemoteConfig(timecode_precision=0))
        self.fired: list[tuple[float, str]] = []
        self.drop: tuple[float, float] | None = None
        self.session.bus.subscribe(self._on_event)
        self.gen = TimecodeGenerator(self.session.clock, self._send, rate)

    def _on_event(self, e: ev.Event) -> None:
        if isinstance(e, ev.CueTriggered) and e.list == "tc":
            self.fired.append((self.session.clock.now(), e.cue))

    def _send(self, data: bytes) -> None:
        now = self.session.clock.now()
        if self.drop is not None and self.drop[0] <= now < self.drop[1]:
            return  # a cable pulled / packets lost
        self.remote.handle_midi(decode_midi(data), "tc-in")

    @property
    def chaser(self) -> Any:
        return self.remote.chasers["tc"]

    def times(self) -> dict[str, float]:
        return {cue: t for t, cue in self.fired}


def at_label(t0: float, start: str, label: str, rate: Any = 25) -> float:
    """Clock time at which ``label`` shows, when ``start`` showed at ``t0``."""
    a, b = Timecode.parse(start, rate), Timecode.parse(label, rate)
    return t0 + b.to_seconds() - a.to_seconds()


def test_cues_fire_on_their_frame() -> None:
    async def main() -> None:
        rig = Rig(tc_show())
        await rig.session.open()
        clock = rig.session.clock
        t0 = clock.now() + 0.5
        rig.gen.start("00:59:58:00", when=t0)
        await clock.sleep_until(t0 + 8)
        times = rig.times()
        assert set(times) == {"T1", "T2", "T3", "T4"}
        for cue, label in (("T1", "01:00:00:00"), ("T2", "01:00:01:12"),
                           ("T3", "01:00:02:00"), ("T4", "01:00:05:00")):
            assert times[cue] == pytest.approx(at_label(t0, "00:59:58:00", label), abs=1e-6)
        assert rig.chaser.state is ChaseState.RUNNING
        assert str(rig.chaser.timecode) == "01:00:06:00"
        status = rig.remote.timecode_status()
        assert status[0].list == "tc" and str(status[0]).startswith("tc: mtc 01:00:06:00")
        rig.gen.stop()
        await rig.session.close()

    run_virtual(main)


def test_locate_skips_unless_fire_skipped() -> None:
    for fire_skipped in (False, True):
        async def main(fire_skipped: bool = fire_skipped) -> None:
            rig = Rig(tc_show(fire_skipped=fire_skipped))
            await rig.session.open()
            clock = rig.session.clock
            t0 = clock.now()
            rig.gen.start("01:00:00:10", when=t0)  # T1 (01:00:00:00) is before the start
            await clock.sleep_until(t0 + 1.0)
            t_loc = clock.now()
            rig.gen.locate("01:00:03:00")  # jumps over T2 and T3
            await clock.sleep_until(t_loc + 3)
            times = rig.times()
            assert "T1" not in times  # before where we locked: never "jumped over"
            assert times["T4"] == pytest.approx(at_label(t_loc, "01:00:03:00", "01:00:05:00"),
                                                abs=1e-6)
            if fire_skipped:
                assert times["T2"] == pytest.approx(t_loc) and times["T3"] == pytest.approx(t_loc)
            else:
                assert "T2" not in times and "T3" not in times
            assert rig.chaser.jumps == 1
            # Locate back: the cues after the new position are armed again.
            rig.fired.clear()
            t_back = clock.now()
            rig.gen.locate("01:00:01:00")
            await clock.sleep_until(t_back + 1.5)
            assert rig.times()["T2"] == pytest.approx(
                at_label(t_back, "01:00:01:00", "01:00:01:12"), abs=1e-6)
            rig.gen.stop()
            await rig.session.close()

        run_virtual(main)


def test_locate_while_stopped_then_roll() -> None:
    async def main() -> None:
        rig = Rig(tc_show())
        await rig.session.open()
        clock = rig.session.clock
        rig.gen.locate("01:00:02:00")  # a full frame only: parked exactly on T3
        await clock.sleep_until(clock.now() + 0.01)
        assert rig.chaser.state is ChaseState.LOCATED
        assert str(rig.chaser.timecode) == "01:00:02:00"
        await clock.sleep_until(clock.now() + 5)  # parked: nothing fires, nothing times out
        assert rig.fired == [] and rig.chaser.state is ChaseState.LOCATED
        t_roll = clock.now()
        rig.gen.start(when=t_roll)
        await clock.sleep_until(t_roll + 3.5)
        times = rig.times()
        assert times["T3"] == pytest.approx(t_roll, abs=1e-6)  # the frame we parked on
        assert times["T4"] == pytest.approx(t_roll + 3.0, abs=1e-6)
        assert "T2" not in times
        rig.gen.stop()
        await rig.session.close()

    run_virtual(main)


def test_locate_then_quarter_frames_much_later_lock_at_once() -> None:
    """A full-frame locate, then (seconds later) quarter frames only, as a DAW that
    parks and later plays sends them: the cue on the located frame fires within one
    frame, not after a whole 8-piece cycle."""

    async def main() -> None:
        rig = Rig(tc_show())
        await rig.session.open()
        clock = rig.session.clock
        rig.gen.locate("01:00:02:00")
        await clock.sleep_until(clock.now() + 5)
        assert rig.chaser.state is ChaseState.LOCATED and rig.fired == []
        send = rig._send
        rig._send = lambda data: None if data[0] == 0xF0 else send(data)  # type: ignore
        rig.gen.send = rig._send
        t_roll = clock.now()
        rig.gen.start(when=t_roll)
        await clock.sleep_until(t_roll + 3.5)
        times = rig.times()
        assert times["T3"] == pytest.approx(t_roll, abs=1e-6)
        assert times["T4"] == pytest.approx(t_roll + 3.0, abs=1e-6)
        assert "T2" not in times
        rig.gen.stop()
        await rig.session.close()

    run_virtual(main)


@pytest.mark.parametrize("freewheel", [2.0, 0.0])
def test_dropout_is_ridden_out_for_freewheel_seconds(freewheel: float) -> None:
    async def main() -> None:
        rig = Rig(tc_show(freewheel=freewheel, labels=("01:00:01:00", "01:00:02:00",
                                                       "01:00:03:00", "01:00:06:00")))
        await rig.session.open()
        clock = rig.session.clock
        t0 = clock.now()
        rig.drop = (t0 + 1.5, t0 + 2.7)  # 1.2 s without timecode, T2 and T3 in it
        rig.gen.start("01:00:00:00", when=t0)
        await clock.sleep_until(t0 + 1.5 + 0.15)
        assert rig.chaser.state is (ChaseState.FREEWHEEL if freewheel else ChaseState.STOPPED)
        await clock.sleep_until(t0 + 7)
        times = rig.times()
        assert times["T1"] == pytest.approx(t0 + 1, abs=1e-6)
        if freewheel:
            # Ridden out: T2 and T3 fire on time although no timecode was arriving.
            assert times["T2"] == pytest.approx(t0 + 2, abs=1e-6)
            assert times["T3"] == pytest.approx(t0 + 3, abs=1e-6)
        else:
            assert "T2" not in times  # stopped at once, and T2 was in the gap
            # Timecode came back at 2.7 s continuing where it would be: T3 at 3 s fires
            # again on time (the chaser relocked without a jump).
            assert times["T3"] == pytest.approx(t0 + 3, abs=1e-3)
        assert times["T4"] == pytest.approx(t0 + 6, abs=1e-6)
        assert rig.chaser.jumps == (0 if freewheel else 1)
        rig.gen.stop()
        await rig.session.close()

    run_virtual(main)


def test_timecode_stopping_stops_after_freewheel() -> None:
    async def main() -> None:
        rig = Rig(tc_show(freewheel=1.0, labels=("01:00:01:12", "01:00:03:00")))
        await rig.session.open()
        clock = rig.session.clock
        t0 = clock.now()
        rig.gen.start("01:00:00:00", when=t0)
        await clock.sleep_until(t0 + 1.0)
        rig.gen.stop()  # the sender stops at 01:00:01:00
        await clock.sleep_until(t0 + 5)
        times = rig.times()
        assert times["T1"] == pytest.approx(t0 + 1.48, abs=1e-6)  # inside the freewheel
        assert "T2" not in times  # after it: the chase had stopped
        assert rig.chaser.state is ChaseState.STOPPED
        # The last quarter frame left at 0.99 s; the ride-out ended 1 s later.
        assert str(rig.chaser.timecode) == "01:00:01:24"
        await rig.session.close()

    run_virtual(main)


def test_rate_change_is_followed() -> None:
    async def main() -> None:
        rig = Rig(tc_show(fps=30, labels=("01:00:01:00", "01:00:03:15")), rate=25)
        await rig.session.open()
        clock = rig.session.clock
        t0 = clock.now()
        rig.gen.start("01:00:00:00", when=t0)
        await clock.sleep_until(t0 + 2.0)
        rig.gen.stop()
        # The sender switches to 30 fps at the same instant of the day.
        gen30 = TimecodeGenerator(clock, rig._send, 30)
        gen30.start(Timecode.parse("01:00:02:00", 30), when=t0 + 2.0)
        await clock.sleep_until(t0 + 4.0)
        times = rig.times()
        assert times["T1"] == pytest.approx(t0 + 1.0, abs=1e-6)
        assert times["T2"] == pytest.approx(t0 + 3.5, abs=1e-6)  # 15 frames at 30 fps
        assert rig.chaser.jumps == 0 and rig.chaser.in_rate.nominal == 30
        gen30.stop()
        await rig.session.close()

    run_virtual(main)


def test_drop_frame_labels() -> None:
    async def main() -> None:
        rig = Rig(tc_show(fps=29.97, labels=("00:01:00;02", "00:10:00;00")), rate="29.97")
        await rig.session.open()
        clock = rig.session.clock
        t0 = clock.now()
        rig.gen.start(Timecode.parse("00:00:59;00"), when=t0)
        await clock.sleep_until(t0 + 600)
        times = rig.times()
        assert times["T1"] == pytest.approx(at_label(t0, "00:00:59;00", "00:01:00;02",
                                                     "29.97"), abs=1e-6)
        assert times["T2"] == pytest.approx(at_label(t0, "00:00:59;00", "00:10:00;00",
                                                     "29.97"), abs=1e-6)
        rig.gen.stop()
        await rig.session.close()

    run_virtual(main)


def test_artnet_timecode() -> None:
    async def main() -> None:
        rig = Rig(tc_show(source="artnet"))
        await rig.session.open()
        clock = rig.session.clock

        def on_frame(tc: Timecode) -> None:
            h, m, s, f, typ = tc.as_artnet()
            pkt = decode(encode_timecode(f, s, m, h, typ))
            rig.remote.handle_artnet_timecode(pkt, "10.0.0.5", clock.now())  # type: ignore[arg-type]

        gen = TimecodeGenerator(clock, None, 25, on_frame=on_frame)
        t0 = clock.now()
        gen.start("00:59:59:20", when=t0)
        await clock.sleep_until(t0 + 6)
        times = rig.times()
        for cue, label in (("T1", "01:00:00:00"), ("T2", "01:00:01:12"),
                           ("T4", "01:00:05:00")):
            assert times[cue] == pytest.approx(at_label(t0, "00:59:59:20", label), abs=1e-6)
        gen.stop()
        await rig.session.close()

    run_virtual(main)


def test_decoders_directly() -> None:
    dec = MtcDecoder()
    s = dec.full_frame(MtcFullFrame(Timecode.parse("01:02:03:04", 25)), 10.0)
    assert s.running is False and s.seconds == Timecode.parse("01:02:03:04", 25).to_seconds()
    art = ArtnetTimecodeDecoder()
    a = art.feed(1, 0, 0, 0, 1, 0.0)
    assert a is not None and a.running
    assert art.feed(1, 0, 0, 0, 1, 0.01) is None  # a duplicate within the frame
    paused = art.feed(1, 0, 0, 0, 1, 0.2)
    assert paused is not None and not paused.running
    assert art.feed(30, 0, 0, 0, 1, 0.3) is None  # an impossible label is dropped
