"""SMPTE timecode: :class:`FrameRate` and :class:`Timecode`, with frame-exact maths.

Pure code, no I/O. MTC, MSC and Art-Net's ArtTimeCode all carry these labels (see
:mod:`showctl.protocols.mtc`, :mod:`showctl.protocols.msc`); this module is the one place that
turns labels into frame counts and back, including 29.97 drop-frame (frame labels 00 and
01 are skipped at the start of every minute except minutes 00, 10, 20, 30, 40, 50; the
frame *count* stays linear in real time at 30000/1001 frames per second).
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass
from fractions import Fraction

from showctl.protocols._checks import _check

__all__ = ["FrameRate", "Timecode", "frames_from_hmsf", "hmsf_from_frames"]


class FrameRate(enum.Enum):
    """The four SMPTE rates MTC (and Art-Net's ArtTimeCode) can express.

    The value is the 2-bit rate code both protocols use: 0 = 24, 1 = 25,
    2 = 29.97 drop-frame, 3 = 30 (non-drop).
    """

    FPS_24 = 0
    FPS_25 = 1
    FPS_2997_DF = 2
    FPS_30 = 3

    @property
    def code(self) -> int:
        """MTC rate bits / ArtTimeCode ``Type``."""
        return self.value

    @property
    def nominal(self) -> int:
        """Frames per labelled second: 24, 25, 30, 30."""
        return (24, 25, 30, 30)[self.value]

    @property
    def drop_frame(self) -> bool:
        return self is FrameRate.FPS_2997_DF

    @property
    def fps(self) -> Fraction:
        """Real frames per second (30000/1001 for 29.97 DF)."""
        return Fraction(30000, 1001) if self.drop_frame else Fraction(self.nominal)

    @property
    def frames_per_day(self) -> int:
        if self.drop_frame:
            return 24 * 6 * _DF_FRAMES_PER_10MIN
        return 24 * 3600 * self.nominal

    @property
    def label(self) -> str:
        return ("24", "25", "29.97df", "30")[self.value]

    @classmethod
    def parse(cls, value: str | int | float | FrameRate) -> FrameRate:
        """Accepts 24, 25, 30, 29.97 / "29.97df" / "2997" / "df" and the enum itself."""
        if isinstance(value, FrameRate):
            return value
        text = str(value).strip().lower().replace(" ", "")
        table = {
            "24": cls.FPS_24,
            "25": cls.FPS_25,
            "30": cls.FPS_30,
            "29.97": cls.FPS_2997_DF,
            "29.97df": cls.FPS_2997_DF,
            "2997": cls.FPS_2997_DF,
            "2997df": cls.FPS_2997_DF,
            "30df": cls.FPS_2997_DF,
            "df": cls.FPS_2997_DF,
        }
        if text in table:
            return table[text]
        raise ValueError(f"unknown frame rate {value!r}; use 24, 25, 29.97df or 30")


_DF_FRAMES_PER_MIN = 60 * 30 - 2  # 1798
_DF_FRAMES_PER_10MIN = 10 * 60 * 30 - 9 * 2  # 17982


# Per-rate constants, looked up once per call (enum properties are slow in hot loops).
_RATE_CONSTS: dict[FrameRate, tuple[int, int, bool]] = {
    r: (r.frames_per_day, r.nominal, r.drop_frame) for r in FrameRate
}


def frames_from_hmsf(h: int, m: int, s: int, f: int, rate: FrameRate) -> int:
    """Frame count since 00:00:00:00 of a (valid) timecode label.

    Plain arithmetic only, so it also works elementwise on numpy integer arrays.
    """
    _, nominal, df = _RATE_CONSTS[rate]
    n = ((h * 60 + m) * 60 + s) * nominal + f
    if df:
        total_minutes = 60 * h + m
        n = n - 2 * (total_minutes - total_minutes // 10)
    return n


def hmsf_from_frames(n: int, rate: FrameRate) -> tuple[int, int, int, int]:
    """The label of frame count ``n`` (wrapped into one day).

    Plain arithmetic only, so it also works elementwise on numpy integer arrays (the
    tests run every frame of a day, at every rate, through this very code that way).
    """
    day, fps, df = _RATE_CONSTS[rate]
    n = n % day
    if df:
        tens, rem = divmod(n, _DF_FRAMES_PER_10MIN)
        # The C reference uses truncating division: (rem - 2) / 1798 is 0 for rem < 2.
        # Python's floor division gives -1 there and would mislabel the first two frames
        # of every ten-minute block, hence the `* (rem >= 2)` guard (branch-free so that
        # arrays work too).
        n = n + 18 * tens + 2 * ((rem - 2) // _DF_FRAMES_PER_MIN) * (rem >= 2)
    total_s = n // fps
    return total_s // 3600, total_s // 60 % 60, total_s % 60, n % fps


@dataclass(frozen=True, slots=True, order=False)
class Timecode:
    """An SMPTE timecode label at one of the four MTC rates.

    ``Timecode.from_frames(n, rate).frames == n`` for every frame of a day, and labels
    that drop-frame skips (e.g. 00:01:00;00) are rejected.
    """

    hours: int = 0
    minutes: int = 0
    seconds: int = 0
    frames: int = 0
    rate: FrameRate = FrameRate.FPS_25

    def __post_init__(self) -> None:
        _check("hours", self.hours, 0, 23)
        _check("minutes", self.minutes, 0, 59)
        _check("seconds", self.seconds, 0, 59)
        _check("frames", self.frames, 0, self.rate.nominal - 1)
        if (
            self.rate.drop_frame
            and self.seconds == 0
            and self.frames < 2
            and self.minutes % 10 != 0
        ):
            raise ValueError(f"{self} does not exist in drop-frame timecode")

    # ------------------------------------------------------------------ conversions

    @property
    def frame_count(self) -> int:
        """Frames since 00:00:00:00 (linear in real time, also for drop-frame)."""
        return frames_from_hmsf(self.hours, self.minutes, self.seconds, self.frames, self.rate)

    @classmethod
    def from_frames(cls, n: int, rate: FrameRate | str | int | float) -> Timecode:
        """The timecode of frame count ``n``; wraps at 24 h (and below 0)."""
        r = FrameRate.parse(rate)
        return cls(*hmsf_from_frames(n, r), rate=r)

    def to_seconds(self) -> float:
        """Real seconds since 00:00:00:00 (29.97 DF: frame_count × 1001/30000)."""
        return float(self.frame_count / self.rate.fps)

    @classmethod
    def from_seconds(cls, seconds: float, rate: FrameRate | str | int | float) -> Timecode:
        """The frame that is showing ``seconds`` after midnight."""
        r = FrameRate.parse(rate)
        # A frame start computed in floating point (k / fps) can land a hair below the
        # exact boundary; 1/1000 of a frame of slack keeps it on the right frame.
        exact = Fraction(seconds) * r.fps + Fraction(1, 1000)
        return cls.from_frames(math.floor(exact), r)

    @classmethod
    def parse(cls, text: str, rate: FrameRate | str | int | float | None = None) -> Timecode:
        """``HH:MM:SS:FF``; a ``;`` or ``.`` before the frames means drop-frame."""
        m = re.fullmatch(r"\s*(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2})\s*", text)
        if not m:
            raise ValueError(f"bad timecode {text!r}; expected HH:MM:SS:FF")
        if rate is None:
            rate = FrameRate.FPS_2997_DF if m.group(4) in ";.," else FrameRate.FPS_25
        h, mi, s, f = (int(m.group(i)) for i in (1, 2, 3, 5))
        return cls(h, mi, s, f, FrameRate.parse(rate))

    def __add__(self, frames: int) -> Timecode:
        return Timecode.from_frames(self.frame_count + frames, self.rate)

    def __sub__(self, frames: int) -> Timecode:
        return Timecode.from_frames(self.frame_count - frames, self.rate)

    def __str__(self) -> str:
        sep = ";" if self.rate.drop_frame else ":"
        return f"{self.hours:02d}:{self.minutes:02d}:{self.seconds:02d}{sep}{self.frames:02d}"

    def as_artnet(self) -> tuple[int, int, int, int, int]:
        """``(hours, minutes, seconds, frames, type)`` for an ArtTimeCode encoder."""
        return self.hours, self.minutes, self.seconds, self.frames, self.rate.code
