"""MIDI timecode (MTC) as bytes: quarter frames, full frames, and reassembly.

Pure code, no I/O. :class:`MtcQuarterFrame` and :class:`MtcFullFrame` encode a
:class:`~showctl.protocols.smpte_timecode.Timecode` for the wire; :class:`MtcAssembler`
rebuilds timecode from a stream of received quarter frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from showctl.protocols._checks import _check
from showctl.protocols.smpte_timecode import FrameRate, Timecode

__all__ = ["MtcAssembler", "MtcFullFrame", "MtcQuarterFrame", "mtc_quarter_frames"]


@dataclass(frozen=True, slots=True)
class MtcQuarterFrame:
    """``F1 0nnndddd``: piece ``n`` (0–7) carrying 4 bits ``d`` of a timecode."""

    piece: int
    value: int

    def __post_init__(self) -> None:
        _check("piece", self.piece, 0, 7)
        _check("value", self.value, 0, 15)

    def encode(self) -> bytes:
        return bytes((0xF1, self.piece << 4 | self.value))

    @classmethod
    def of(cls, tc: Timecode, piece: int) -> MtcQuarterFrame:
        """Piece ``piece`` of ``tc``: frames lo/hi, seconds lo/hi, minutes lo/hi,
        hours lo, then ``0rrh`` (rate code and the hours' top bit)."""
        fields = (tc.frames, tc.seconds, tc.minutes, tc.hours)
        v = fields[piece // 2]
        if piece % 2 == 0:
            return cls(piece, v & 0x0F)
        if piece == 7:
            return cls(piece, tc.rate.code << 1 | (v >> 4) & 0x01)
        return cls(piece, v >> 4)

    def describe(self) -> str:
        return f"MTC quarter frame piece {self.piece} value {self.value:X}"


def mtc_quarter_frames(tc: Timecode) -> list[bytes]:
    """The eight quarter-frame messages that carry ``tc`` (sent over two frames)."""
    return [MtcQuarterFrame.of(tc, p).encode() for p in range(8)]


@dataclass(frozen=True, slots=True)
class MtcFullFrame:
    """``F0 7F <dev> 01 01 hr mn sc fr F7`` with ``hr = 0rrhhhhh``; sent to locate."""

    timecode: Timecode
    device: int = 0x7F

    def __post_init__(self) -> None:
        _check("device", self.device, 0, 0x7F)

    def encode(self) -> bytes:
        tc = self.timecode
        hr = tc.rate.code << 5 | tc.hours
        return bytes(
            (0xF0, 0x7F, self.device, 0x01, 0x01, hr, tc.minutes, tc.seconds, tc.frames, 0xF7)
        )

    def describe(self) -> str:
        return f"MTC full frame {self.timecode} ({self.timecode.rate.label} fps)"


@dataclass(slots=True)
class MtcAssembler:
    """Rebuilds timecode from a forward-running stream of quarter frames.

    :meth:`feed` returns the timecode once pieces 0–7 have arrived in order. That value
    is the time *encoded* in the cycle, i.e. of the frame at which piece 0 was sent; the
    current position when the next piece 0 arrives is that plus 2 frames.
    """

    _values: list[int] = field(default_factory=lambda: [0] * 8)
    _expect: int = 0

    def feed(self, qf: MtcQuarterFrame) -> Timecode | None:
        if qf.piece != self._expect:
            # Out of sequence (start-up, a dropped byte, reverse play): resync on piece 0.
            self._expect = 0
            if qf.piece != 0:
                return None
        self._values[qf.piece] = qf.value
        self._expect = (qf.piece + 1) % 8
        if qf.piece != 7:
            return None
        v = self._values
        rate = FrameRate(v[7] >> 1 & 0x03)
        hours = (v[7] & 0x01) << 4 | v[6]
        try:
            return Timecode(hours, v[5] << 4 | v[4], v[3] << 4 | v[2], v[1] << 4 | v[0], rate)
        except ValueError:
            return None
