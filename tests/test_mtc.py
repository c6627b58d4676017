"""MIDI timecode: quarter/full frames per rate, drop-frame maths, and the generator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest

from showctl.clocks.clock import LoopClock
from showctl.clocks.virtual import run_virtual
from showctl.engine.timecode import TimecodeGenerator
from showctl.protocols.midi import (
    FrameRate,
    MtcAssembler,
    MtcFullFrame,
    Timecode,
    decode_midi,
    frames_from_hmsf,
    hmsf_from_frames,
    mtc_quarter_frames,
)

DF = FrameRate.FPS_2997_DF
RATES = list(FrameRate)


# ---------------------------------------------------------------------------- wire format


@pytest.mark.parametrize(("rate", "piece7"), [(FrameRate.FPS_24, 0x70), (FrameRate.FPS_25, 0x72),
                                              (DF, 0x74), (FrameRate.FPS_30, 0x76)])  # fmt: skip
def test_quarter_frames_for_each_rate(rate: FrameRate, piece7: int) -> None:
    # 01:23:45:12 -> frames 0C, seconds 2D, minutes 17, hours 01; F1 0nnndddd each.
    tc = Timecode(1, 23, 45, 12, rate)
    expected = [0x0C, 0x10, 0x2D, 0x32, 0x47, 0x51, 0x61, piece7]
    assert mtc_quarter_frames(tc) == [bytes((0xF1, b)) for b in expected]


def test_quarter_frame_hour_high_bit() -> None:
    # 23 h = 0x17: low nibble 7 in piece 6, bit 4 in piece 7's lowest bit.
    qfs = mtc_quarter_frames(Timecode(23, 0, 0, 0, FrameRate.FPS_30))
    assert qfs[6] == b"\xf1\x67"
    assert qfs[7] == b"\xf1\x77"  # 0111 0 11 1: piece 7, rate 3, h4 = 1


@pytest.mark.parametrize(("rate", "hr"), [(FrameRate.FPS_24, 0x01), (FrameRate.FPS_25, 0x21),
                                          (DF, 0x41), (FrameRate.FPS_30, 0x61)])  # fmt: skip
def test_full_frame_for_each_rate(rate: FrameRate, hr: int) -> None:
    tc = Timecode(1, 2, 3, 4, rate)
    wire = bytes((0xF0, 0x7F, 0x7F, 0x01, 0x01, hr, 0x02, 0x03, 0x04, 0xF7))
    assert MtcFullFrame(tc).encode() == wire
    assert decode_midi(wire) == MtcFullFrame(tc)


@pytest.mark.parametrize("rate", RATES)
def test_assembler_reads_back_quarter_frames(rate: FrameRate) -> None:
    asm = MtcAssembler()
    tc = Timecode(22, 59, 58, 6, rate)
    got = [asm.feed(decode_midi(b)) for b in mtc_quarter_frames(tc)]  # type: ignore[arg-type]
    assert got[:7] == [None] * 7 and got[7] == tc


def test_assembler_resyncs_on_piece_zero() -> None:
    asm = MtcAssembler()
    tc = Timecode(0, 0, 1, 0, FrameRate.FPS_25)
    for b in mtc_quarter_frames(tc)[3:]:  # joined mid-cycle: nothing until a full cycle
        assert asm.feed(decode_midi(b)) is None  # type: ignore[arg-type]
    assert [asm.feed(decode_midi(b)) for b in mtc_quarter_frames(tc)][-1] == tc  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- drop-frame


@pytest.mark.parametrize(
    ("count", "label"),
    [
        (0, "00:00:00;00"),
        (1, "00:00:00;01"),
        (2, "00:00:00;02"),
        (1799, "00:00:59;29"),
        (1800, "00:01:00;02"),  # ;00 and ;01 dropped at minute 1
        (3597, "00:01:59;29"),
        (3598, "00:02:00;02"),
        (17981, "00:09:59;29"),
        (17982, "00:10:00;00"),  # not dropped at minute 10
        (17983, "00:10:00;01"),
        (17984, "00:10:00;02"),
        (19781, "00:10:59;29"),  # minute 10 keeps all 1800 frames
        (19782, "00:11:00;02"),
        (107892, "01:00:00;00"),
        (DF.frames_per_day - 1, "23:59:59;29"),
        (DF.frames_per_day, "00:00:00;00"),  # wraps at 24 h
        (-1, "23:59:59;29"),
    ],
)
def test_drop_frame_labels(count: int, label: str) -> None:
    tc = Timecode.from_frames(count, DF)
    assert str(tc) == label
    assert tc.frame_count == count % DF.frames_per_day
    assert Timecode.parse(label) == tc  # ';' means drop-frame


@pytest.mark.parametrize("label", ["00:01:00;00", "00:01:00;01", "01:59:00;01"])
def test_dropped_labels_do_not_exist(label: str) -> None:
    with pytest.raises(ValueError, match=f"{label} does not exist in drop-frame timecode"):
        Timecode.parse(label)


def test_frames_per_day() -> None:
    assert [r.frames_per_day for r in RATES] == [2_073_600, 2_160_000, 2_589_408, 2_592_000]


def _oracle_labels(rate: FrameRate) -> np.ndarray:
    """Every label of a day in order, built independently: all nominal labels minus the
    ones drop-frame skips (frames 0 and 1 of minutes not divisible by 10)."""
    fps = rate.nominal
    n = np.arange(24 * 3600 * fps, dtype=np.int64)
    f, s, m, h = n % fps, n // fps % 60, n // (fps * 60) % 60, n // (fps * 3600)
    keep = np.ones_like(n, dtype=bool)
    if rate.drop_frame:
        keep = ~((s == 0) & (f < 2) & (m % 10 != 0))
    return np.stack([h, m, s, f])[:, keep]


@pytest.mark.parametrize("rate", RATES, ids=[r.label for r in RATES])
def test_whole_day_round_trip_every_rate(rate: FrameRate) -> None:
    # The conversion functions are plain arithmetic, so the very same code runs here
    # elementwise over every frame of the day.
    n = np.arange(rate.frames_per_day, dtype=np.int64)
    h, m, s, f = hmsf_from_frames(n, rate)  # type: ignore[arg-type]
    assert np.array_equal(np.stack([h, m, s, f]), _oracle_labels(rate))
    assert np.array_equal(frames_from_hmsf(h, m, s, f, rate), n)


def test_whole_day_drop_frame_scalar_walk() -> None:
    # And once frame by frame through the scalar path, against a label counter that
    # increments like a timecode reader would.
    h = m = s = f = 0
    for n in range(DF.frames_per_day):
        assert hmsf_from_frames(n, DF) == (h, m, s, f)
        assert frames_from_hmsf(h, m, s, f, DF) == n
        f += 1
        if f == 30:
            f, s = 0, s + 1
            if s == 60:
                s, m = 0, m + 1
                if m == 60:
                    m, h = 0, h + 1
                if m % 10:
                    f = 2


@pytest.mark.parametrize("rate", RATES, ids=[r.label for r in RATES])
def test_seconds_round_trip_at_frame_starts(rate: FrameRate) -> None:
    for n in [*list(range(0, 40000, 7)), rate.frames_per_day - 1]:
        seconds = float(Fraction(n) / rate.fps)
        tc = Timecode.from_seconds(seconds, rate)
        assert tc.frame_count == n
        assert tc.to_seconds() == pytest.approx(seconds, abs=1e-9)


def test_drop_frame_keeps_real_time() -> None:
    # One hour of DF labels is 107892 frames at 30000/1001 fps: 3599.9964 s of real time.
    assert Timecode.parse("01:00:00;00").to_seconds() == pytest.approx(3599.9964)
    assert Timecode.parse("01:00:00:00", 30).to_seconds() == 3600.0
    assert str(Timecode.from_seconds(3600.0, DF)) == "01:00:00;00"  # 107892.1 frames in
    assert str(Timecode.from_seconds(3600.0 + 1.0, DF)) == "01:00:01;00"


def test_arithmetic_parse_and_artnet() -> None:
    assert Timecode(23, 59, 59, 24, FrameRate.FPS_25) + 1 == Timecode(rate=FrameRate.FPS_25)
    assert Timecode.parse("00:01:00;02") - 1 == Timecode.parse("00:00:59;29")
    assert Timecode.parse("10:00:00:00", "24").rate is FrameRate.FPS_24
    assert Timecode(1, 2, 3, 4, DF).as_artnet() == (1, 2, 3, 4, 2)
    assert FrameRate.parse(29.97) is DF and FrameRate.parse("30") is FrameRate.FPS_30
    with pytest.raises(ValueError, match=r"unknown frame rate 23\.976; use 24, 25, 29\.97df or 30"):
        FrameRate.parse(23.976)
    with pytest.raises(ValueError, match=r"frames must be an integer 0\.\.24, got 25"):
        Timecode(0, 0, 0, 25, FrameRate.FPS_25)
    with pytest.raises(ValueError, match="bad timecode '1:2:3'; expected HH:MM:SS:FF"):
        Timecode.parse("1:2:3")


# ---------------------------------------------------------------------------- generator


def run_generator(
    rate: FrameRate,
    start: str,
    until: float,
    *,
    t0: float = 1.0,
    actions: Callable[[TimecodeGenerator, LoopClock], object] | None = None,
) -> tuple[list[tuple[float, bytes]], list[tuple[float, Timecode]], TimecodeGenerator]:
    sent: list[tuple[float, bytes]] = []
    frames: list[tuple[float, Timecode]] = []

    async def main() -> TimecodeGenerator:
        clock = LoopClock()
        gen = TimecodeGenerator(
            clock,
            lambda b: sent.append((clock.now(), b)),
            rate,
            on_frame=lambda tc: frames.append((clock.now(), tc)),
        )
        gen.start(Timecode.parse(start, rate), when=t0)
        if actions is not None:
            result = actions(gen, clock)
            if asyncio.iscoroutine(result):
                await result
        await clock.sleep_until(until)
        await gen.aclose()
        return gen

    gen = run_virtual(main)
    return sent, frames, gen


@pytest.mark.parametrize("rate", RATES, ids=[r.label for r in RATES])
def test_generator_quarter_frames_at_exact_times(rate: FrameRate) -> None:
    sent, frames, _gen = run_generator(rate, "00:00:58:00", until=1.0 + 4.0 + 0.001)
    assert sent[0] == (1.0, MtcFullFrame(Timecode.parse("00:00:58:00", rate)).encode())
    qfs = sent[1:]
    step = Fraction(1) / (4 * rate.fps)
    for k, (t, _) in enumerate(qfs):
        assert t == 1.0 + float(k * step)  # exact on the virtual clock, no drift
    assert len(qfs) == int(4 * Fraction(4) * rate.fps) + 1
    # Each 8-piece cycle carries the label of the frame at its piece 0: +2 frames each.
    asm = MtcAssembler()
    labels = [tc for _, b in qfs if (tc := asm.feed(decode_midi(b))) is not None]  # type: ignore[arg-type]
    start = Timecode.parse("00:00:58:00", rate)
    assert labels == [start + 2 * i for i in range(len(labels))]
    # on_frame: one call per frame start, with that frame's label, at exact times.
    assert [tc for _, tc in frames] == [start + i for i in range(len(frames))]
    assert all(t == 1.0 + float(i / rate.fps) for i, (t, _) in enumerate(frames))


def test_generator_drop_frame_across_the_minute() -> None:
    _, frames, _ = run_generator(DF, "00:00:59;28", until=1.0 + 0.12)
    assert [str(tc) for _, tc in frames[:4]] == [
        "00:00:59;28", "00:00:59;29", "00:01:00;02", "00:01:00;03",
    ]  # fmt: skip


def test_generator_locate_sends_full_frame_and_restarts_cycle() -> None:
    async def jump(gen: TimecodeGenerator, clock: LoopClock) -> None:
        await clock.sleep_until(2.0)
        gen.locate("01:00:00:00")

    sent, _, gen = run_generator(FrameRate.FPS_25, "00:00:00:00", until=2.5, actions=jump)
    fulls = [(t, b) for t, b in sent if b[0] == 0xF0]
    assert fulls == [
        (1.0, MtcFullFrame(Timecode(rate=FrameRate.FPS_25)).encode()),
        (2.0, MtcFullFrame(Timecode(1, 0, 0, 0, FrameRate.FPS_25)).encode()),
    ]
    after = [b for t, b in sent if t >= 2.0 and b[0] == 0xF1]
    assert after[0] == b"\xf1\x00"  # piece 0 right after the locate
    assert str(gen.position) == "01:00:00:12"  # 0.5 s at 25 fps


def test_generator_stop_and_position() -> None:
    async def halt(gen: TimecodeGenerator, clock: LoopClock) -> None:
        await clock.sleep_until(3.0)
        gen.stop()
        assert not gen.running

    sent, _, gen = run_generator(FrameRate.FPS_30, "00:00:10:00", until=5.0, actions=halt)
    assert str(gen.position) == "00:00:12:00"
    assert max(t for t, _ in sent) < 3.0


class LaggyClock:
    """A hand-driven clock that wakes one sleeper late, to test catching up."""

    def __init__(self, lag_at: float, lag: float) -> None:
        self.t = 0.0
        self.lag_at = lag_at
        self.lag = lag

    def now(self) -> float:
        return self.t

    async def sleep_until(self, deadline: float) -> None:
        self.t = max(self.t, deadline)
        if self.lag_at is not None and deadline >= self.lag_at:
            self.t += self.lag
            self.lag_at = float("inf")
        await asyncio.sleep(0)

    def call_at(self, deadline: float, callback: Callable[[], None]) -> asyncio.Handle:
        return asyncio.get_running_loop().call_soon(callback)


async def test_generator_skips_to_next_cycle_when_far_behind() -> None:
    clock = LaggyClock(lag_at=0.5, lag=0.3)
    sent: list[tuple[float, bytes]] = []
    gen = TimecodeGenerator(clock, lambda b: sent.append((clock.now(), b)), FrameRate.FPS_25)
    gen.start(Timecode(rate=FrameRate.FPS_25), when=0.0)
    while clock.now() < 1.0:
        await asyncio.sleep(0)
    await gen.aclose()
    assert gen.resyncs == 1
    qf = [(t, b) for t, b in sent if b[0] == 0xF1]
    gap = next(i for i in range(1, len(qf)) if qf[i][0] - qf[i - 1][0] > 0.02)
    assert qf[gap][1][1] >> 4 == 0  # resumes at piece 0 of a cycle
    assert qf[gap][0] == pytest.approx(0.88)  # 11 cycles of 80 ms: the first one ahead
    asm = MtcAssembler()
    labels = [tc for _, b in qf[gap:] if (tc := asm.feed(decode_midi(b))) is not None]  # type: ignore[arg-type]
    assert labels[0] == Timecode(0, 0, 0, 22, FrameRate.FPS_25)  # right time, not stale
