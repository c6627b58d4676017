"""MIDI 1.0 messages as bytes: channel voice, SysEx, MIDI Show Control, MIDI timecode.

Pure code, no I/O. Each message is a small frozen dataclass with ``encode() -> bytes``
and ``describe() -> str`` (words for the monitor); :func:`decode_midi` turns one
complete message back into the matching dataclass. Channels are 0–15 on the wire and
here (a show file's "channel 1" is 0; the model layer converts).

Also here, because MTC and MSC both need it: :class:`Timecode` and :class:`FrameRate`,
frame-exact timecode maths including 29.97 drop-frame (frame labels 00 and 01 are
skipped at the start of every minute except minutes 00, 10, 20, 30, 40, 50; the frame
*count* stays linear in real time at 30000/1001 frames per second).

mido is used where it helps — its stream :class:`mido.Parser` (running status,
interleaved real-time bytes) in the drivers and monitors — but not for encoding: MSC
and MTC are not in mido, and the channel messages are one line each; tests check every
message byte for byte against the MIDI 1.0 / MSC 1.0 tables and against mido.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "ChannelAftertouch",
    "ControlChange",
    "FrameRate",
    "MidiEvent",
    "MscCommand",
    "MscFormat",
    "MscMessage",
    "MscTime",
    "MtcAssembler",
    "MtcFullFrame",
    "MtcQuarterFrame",
    "NoteOff",
    "NoteOn",
    "PitchBend",
    "PolyAftertouch",
    "ProgramChange",
    "SysEx",
    "SystemMessage",
    "Timecode",
    "decode_midi",
    "frames_from_hmsf",
    "hmsf_from_frames",
    "mtc_quarter_frames",
]


def _check(name: str, value: int, lo: int, hi: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer {lo}..{hi}, got {value!r}")


# ============================================================================ timecode


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


# ============================================================================ channel voice


@dataclass(frozen=True, slots=True)
class NoteOn:
    channel: int
    note: int
    velocity: int = 127

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("note", self.note, 0, 127)
        _check("velocity", self.velocity, 0, 127)

    def encode(self) -> bytes:
        return bytes((0x90 | self.channel, self.note, self.velocity))

    def describe(self) -> str:
        return f"note on ch{self.channel + 1} note {self.note} velocity {self.velocity}"


@dataclass(frozen=True, slots=True)
class NoteOff:
    channel: int
    note: int
    velocity: int = 0

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("note", self.note, 0, 127)
        _check("velocity", self.velocity, 0, 127)

    def encode(self) -> bytes:
        return bytes((0x80 | self.channel, self.note, self.velocity))

    def describe(self) -> str:
        return f"note off ch{self.channel + 1} note {self.note} velocity {self.velocity}"


@dataclass(frozen=True, slots=True)
class PolyAftertouch:
    channel: int
    note: int
    pressure: int

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("note", self.note, 0, 127)
        _check("pressure", self.pressure, 0, 127)

    def encode(self) -> bytes:
        return bytes((0xA0 | self.channel, self.note, self.pressure))

    def describe(self) -> str:
        return f"poly aftertouch ch{self.channel + 1} note {self.note} pressure {self.pressure}"


@dataclass(frozen=True, slots=True)
class ControlChange:
    channel: int
    control: int
    value: int

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("control", self.control, 0, 127)
        _check("value", self.value, 0, 127)

    def encode(self) -> bytes:
        return bytes((0xB0 | self.channel, self.control, self.value))

    def describe(self) -> str:
        return f"control change ch{self.channel + 1} cc {self.control} value {self.value}"


@dataclass(frozen=True, slots=True)
class ProgramChange:
    channel: int
    program: int

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("program", self.program, 0, 127)

    def encode(self) -> bytes:
        return bytes((0xC0 | self.channel, self.program))

    def describe(self) -> str:
        return f"program change ch{self.channel + 1} program {self.program}"


@dataclass(frozen=True, slots=True)
class ChannelAftertouch:
    channel: int
    pressure: int

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("pressure", self.pressure, 0, 127)

    def encode(self) -> bytes:
        return bytes((0xD0 | self.channel, self.pressure))

    def describe(self) -> str:
        return f"channel aftertouch ch{self.channel + 1} pressure {self.pressure}"


@dataclass(frozen=True, slots=True)
class PitchBend:
    """14-bit pitch bend; ``value`` is signed, -8192..8191, 0 = centre (as in mido).

    On the wire: ``Ex lsb msb`` of ``value + 8192`` (0x2000 = centre).
    """

    channel: int
    value: int = 0

    def __post_init__(self) -> None:
        _check("channel", self.channel, 0, 15)
        _check("value", self.value, -8192, 8191)

    def encode(self) -> bytes:
        raw = self.value + 8192
        return bytes((0xE0 | self.channel, raw & 0x7F, raw >> 7))

    def describe(self) -> str:
        return f"pitch bend ch{self.channel + 1} {self.value:+d}"


# ============================================================================ system


@dataclass(frozen=True, slots=True)
class SysEx:
    """A System Exclusive message; ``data`` is the body without F0/F7."""

    data: bytes

    def __post_init__(self) -> None:
        if any(b > 0x7F for b in self.data):
            raise ValueError("SysEx data bytes must be 0..127")

    def encode(self) -> bytes:
        return b"\xf0" + bytes(self.data) + b"\xf7"

    def describe(self) -> str:
        return "sysex " + " ".join(f"{b:02X}" for b in self.data)


_SYSTEM_NAMES = {
    0xF2: "song position",
    0xF3: "song select",
    0xF6: "tune request",
    0xF8: "clock",
    0xFA: "start",
    0xFB: "continue",
    0xFC: "stop",
    0xFE: "active sensing",
    0xFF: "reset",
}


@dataclass(frozen=True, slots=True)
class SystemMessage:
    """Any other system common / real-time message, kept as raw bytes."""

    data: bytes

    def encode(self) -> bytes:
        return bytes(self.data)

    def describe(self) -> str:
        name = _SYSTEM_NAMES.get(self.data[0], "system") if self.data else "empty"
        rest = " ".join(f"{b:02X}" for b in self.data[1:])
        return f"{name} {rest}".strip()


# ============================================================================ MTC


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


# ============================================================================ MSC


class MscCommand(enum.IntEnum):
    """MIDI Show Control 1.0 command bytes."""

    GO = 0x01
    STOP = 0x02
    RESUME = 0x03
    TIMED_GO = 0x04
    LOAD = 0x05
    SET = 0x06
    FIRE = 0x07
    ALL_OFF = 0x08
    RESTORE = 0x09
    RESET = 0x0A
    GO_OFF = 0x0B
    # The "sound" command set (MSC 1.0 §4.2): carried as raw data here.
    GO_JAM_CLOCK = 0x10
    STANDBY_PLUS = 0x11
    STANDBY_MINUS = 0x12
    SEQUENCE_PLUS = 0x13
    SEQUENCE_MINUS = 0x14
    START_CLOCK = 0x15
    STOP_CLOCK = 0x16
    ZERO_CLOCK = 0x17
    SET_CLOCK = 0x18
    MTC_CHASE_ON = 0x19
    MTC_CHASE_OFF = 0x1A
    OPEN_CUE_LIST = 0x1B
    CLOSE_CUE_LIST = 0x1C
    OPEN_CUE_PATH = 0x1D
    CLOSE_CUE_PATH = 0x1E

    @property
    def words(self) -> str:
        return self.name.replace("_PLUS", "+").replace("_MINUS", "-").replace("_", " ")


class MscFormat(enum.IntEnum):
    """MSC 1.0 command formats (the kind of device addressed)."""

    LIGHTING = 0x01
    MOVING_LIGHTS = 0x02
    COLOUR_CHANGERS = 0x03
    STROBES = 0x04
    LASERS = 0x05
    CHASERS = 0x06
    SOUND = 0x10
    MUSIC = 0x11
    CD_PLAYERS = 0x12
    EPROM_PLAYBACK = 0x13
    AUDIO_TAPE_MACHINES = 0x14
    INTERCOMS = 0x15
    AMPLIFIERS = 0x16
    AUDIO_EFFECTS = 0x17
    EQUALISERS = 0x18
    MACHINERY = 0x20
    RIGGING = 0x21
    FLYS = 0x22
    LIFTS = 0x23
    TURNTABLES = 0x24
    TRUSSES = 0x25
    ROBOTS = 0x26
    ANIMATION = 0x27
    FLOATS = 0x28
    BREAKAWAYS = 0x29
    BARGES = 0x2A
    VIDEO = 0x30
    VIDEO_TAPE_MACHINES = 0x31
    VIDEO_CASSETTE_MACHINES = 0x32
    VIDEO_DISC_PLAYERS = 0x33
    VIDEO_SWITCHERS = 0x34
    VIDEO_EFFECTS = 0x35
    VIDEO_CHARACTER_GENERATORS = 0x36
    VIDEO_STILL_STORES = 0x37
    VIDEO_MONITORS = 0x38
    PROJECTION = 0x40
    FILM_PROJECTORS = 0x41
    SLIDE_PROJECTORS = 0x42
    VIDEO_PROJECTORS = 0x43
    DISSOLVERS = 0x44
    SHUTTER_CONTROLS = 0x45
    PROCESS_CONTROL = 0x50
    HYDRAULIC_OIL = 0x51
    H2O = 0x52
    CO2 = 0x53
    COMPRESSED_AIR = 0x54
    NATURAL_GAS = 0x55
    FOG = 0x56
    SMOKE = 0x57
    CRACKED_HAZE = 0x58
    PYRO = 0x60
    FIREWORKS = 0x61
    EXPLOSIONS = 0x62
    FLAME = 0x63
    SMOKE_POTS = 0x64
    ALL = 0x7F

    @classmethod
    def parse(cls, value: str | int) -> int:
        """A format from its name (``"sound"``, ``"moving lights"``) or number."""
        if isinstance(value, int):
            _check("command format", value, 1, 0x7F)
            return value
        key = value.strip().upper().replace(" ", "_").replace("-", "_")
        key = {
            "LIGHT": "LIGHTING",
            "COLOR_CHANGERS": "COLOUR_CHANGERS",
            "PYROTECHNICS": "PYRO",
            "ALL_TYPES": "ALL",
        }.get(key, key)
        try:
            return int(cls[key])
        except KeyError:
            raise ValueError(f"unknown MSC command format {value!r}") from None


def _format_name(fmt: int) -> str:
    try:
        return MscFormat(fmt).name.lower().replace("_", " ")
    except ValueError:
        return f"format 0x{fmt:02X}"


@dataclass(frozen=True, slots=True)
class MscTime:
    """MSC "standard time specification": 5 bytes ``hr mn sc fr ff``.

    ``hr = 0tthhhhh`` (tt = rate code, as in MTC), ``fr = 0gifffff`` with g = sign
    (0 = positive) and i = 0 meaning ``ff`` is fractional frames (1/100 frame).
    """

    hours: int = 0
    minutes: int = 0
    seconds: int = 0
    frames: int = 0
    fractional: int = 0
    rate: FrameRate = FrameRate.FPS_30

    def __post_init__(self) -> None:
        _check("hours", self.hours, 0, 23)
        _check("minutes", self.minutes, 0, 59)
        _check("seconds", self.seconds, 0, 59)
        _check("frames", self.frames, 0, 29)
        _check("fractional frames", self.fractional, 0, 99)

    def encode(self) -> bytes:
        return bytes(
            (
                self.rate.code << 5 | self.hours,
                self.minutes,
                self.seconds,
                self.frames,
                self.fractional,
            )
        )

    @classmethod
    def decode(cls, data: bytes) -> MscTime:
        if len(data) < 5:
            raise ValueError("MSC time needs 5 bytes")
        hr, mn, sc, fr, ff = data[:5]
        status = bool(fr & 0x20)
        return cls(
            hr & 0x1F,
            mn & 0x3F,
            sc & 0x3F,
            fr & 0x1F,
            0 if status else ff,
            FrameRate(hr >> 5 & 0x03),
        )

    @classmethod
    def from_timecode(cls, tc: Timecode, fractional: int = 0) -> MscTime:
        return cls(tc.hours, tc.minutes, tc.seconds, tc.frames, fractional, tc.rate)

    def __str__(self) -> str:
        frac = f".{self.fractional:02d}" if self.fractional else ""
        return f"{self.hours:02d}:{self.minutes:02d}:{self.seconds:02d}:{self.frames:02d}{frac}"


_CUE_COMMANDS = frozenset(
    {
        MscCommand.GO,
        MscCommand.STOP,
        MscCommand.RESUME,
        MscCommand.TIMED_GO,
        MscCommand.LOAD,
        MscCommand.GO_OFF,
    }
)
_NO_DATA_COMMANDS = frozenset({MscCommand.ALL_OFF, MscCommand.RESTORE, MscCommand.RESET})
_CUE_FIELD = re.compile(r"[0-9.]+")
MSC_MAX_LENGTH = 128
"""MSC 1.0: a complete message, F0 to F7, is at most 128 bytes."""


@dataclass(frozen=True, slots=True)
class MscMessage:
    """One MIDI Show Control message: ``F0 7F <device> 02 <format> <command> <data> F7``.

    * ``device``: 0x00–0x6F individual, 0x70–0x7E groups, 0x7F all-call.
    * cue fields (GO, STOP, RESUME, TIMED_GO, LOAD, GO_OFF): ASCII digits and ``.``,
      sent as ``cue 00 list 00 path`` with trailing empty fields omitted; a list needs a
      cue and a path needs a list (the fields are positional).
    * TIMED_GO: ``time`` (required) before the cue. SET: ``control`` and ``value``,
      14 bits each, LSB first, then an optional ``time``. FIRE: ``macro`` 0–127.
    * ALL_OFF, RESTORE, RESET: no data. Commands 0x10+ carry ``data`` verbatim.
    """

    command: MscCommand
    command_format: int = MscFormat.LIGHTING
    device: int = 0x7F
    cue: str | None = None
    cue_list: str | None = None
    cue_path: str | None = None
    time: MscTime | None = None
    control: int | None = None
    value: int | None = None
    macro: int | None = None
    data: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "command", MscCommand(self.command))
        _check("device", self.device, 0, 0x7F)
        _check("command format", int(self.command_format), 1, 0x7F)
        cmd = self.command
        cues = (self.cue, self.cue_list, self.cue_path)
        if any(c is not None for c in cues) and cmd not in _CUE_COMMANDS:
            raise ValueError(f"MSC {cmd.words} takes no cue number")
        for name, val in zip(("cue", "cue list", "cue path"), cues, strict=True):
            if val is not None and not _CUE_FIELD.fullmatch(val):
                raise ValueError(f"MSC {name} must be ASCII digits and '.', got {val!r}")
        if self.cue_list is not None and self.cue is None:
            raise ValueError("MSC cue list needs a cue number")
        if self.cue_path is not None and self.cue_list is None:
            raise ValueError("MSC cue path needs a cue list")
        if cmd is MscCommand.LOAD and self.cue is None:
            raise ValueError("MSC LOAD needs a cue number")
        if cmd is MscCommand.TIMED_GO and self.time is None:
            raise ValueError("MSC TIMED_GO needs a time")
        if self.time is not None and cmd not in (MscCommand.TIMED_GO, MscCommand.SET):
            raise ValueError(f"MSC {cmd.words} takes no time")
        if cmd is MscCommand.SET:
            if self.control is None or self.value is None:
                raise ValueError("MSC SET needs a control number and a value")
            _check("SET control", self.control, 0, 0x3FFF)
            _check("SET value", self.value, 0, 0x3FFF)
        elif self.control is not None or self.value is not None:
            raise ValueError(f"MSC {cmd.words} takes no control/value")
        if cmd is MscCommand.FIRE:
            if self.macro is None:
                raise ValueError("MSC FIRE needs a macro number")
            _check("FIRE macro", self.macro, 0, 127)
        elif self.macro is not None:
            raise ValueError(f"MSC {cmd.words} takes no macro")
        if self.data and cmd < MscCommand.GO_JAM_CLOCK:
            raise ValueError(f"MSC {cmd.words} data is built from its fields, not raw bytes")
        if any(b > 0x7F for b in self.data):
            raise ValueError("MSC data bytes must be 0..127")
        if len(self._body()) + 7 > MSC_MAX_LENGTH:
            raise ValueError(f"MSC message longer than {MSC_MAX_LENGTH} bytes")

    def _cue_bytes(self) -> bytes:
        fields = [f for f in (self.cue, self.cue_list, self.cue_path) if f is not None]
        return b"\x00".join(f.encode("ascii") for f in fields)

    def _body(self) -> bytes:
        cmd = self.command
        if cmd is MscCommand.TIMED_GO:
            assert self.time is not None
            return self.time.encode() + self._cue_bytes()
        if cmd is MscCommand.SET:
            assert self.control is not None and self.value is not None
            c, v = self.control, self.value
            body = bytes((c & 0x7F, c >> 7, v & 0x7F, v >> 7))
            return body + (self.time.encode() if self.time is not None else b"")
        if cmd is MscCommand.FIRE:
            assert self.macro is not None
            return bytes((self.macro,))
        if cmd in _CUE_COMMANDS:
            return self._cue_bytes()
        return bytes(self.data)

    def encode(self) -> bytes:
        head = bytes((0xF0, 0x7F, self.device, 0x02, int(self.command_format), self.command))
        return head + self._body() + b"\xf7"

    @classmethod
    def decode(cls, data: bytes) -> MscMessage:
        """Parse a complete MSC SysEx (raises ``ValueError`` if it is not one)."""
        data = bytes(data)
        if len(data) < 7 or data[:2] != b"\xf0\x7f" or data[3] != 0x02 or data[-1] != 0xF7:
            raise ValueError("not an MSC message")
        device, fmt, raw_cmd = data[2], data[4], data[5]
        try:
            cmd = MscCommand(raw_cmd)
        except ValueError:
            raise ValueError(f"unknown MSC command 0x{raw_cmd:02X}") from None
        body = data[6:-1]
        kw: dict[str, object] = {}
        if cmd is MscCommand.TIMED_GO:
            kw["time"] = MscTime.decode(body)
            body = body[5:]
        if cmd is MscCommand.SET:
            if len(body) < 4:
                raise ValueError("MSC SET needs 4 data bytes")
            kw["control"] = body[0] | body[1] << 7
            kw["value"] = body[2] | body[3] << 7
            if len(body) >= 9:
                kw["time"] = MscTime.decode(body[4:9])
        elif cmd is MscCommand.FIRE:
            if len(body) < 1:
                raise ValueError("MSC FIRE needs a macro byte")
            kw["macro"] = body[0]
        elif cmd in _CUE_COMMANDS:
            parts = body.split(b"\x00") if body else []
            # Some senders end the cue data with a 00; an empty trailing field is absent.
            while parts and not parts[-1]:
                parts.pop()
            for name, part in zip(("cue", "cue_list", "cue_path"), parts, strict=False):
                kw[name] = part.decode("ascii", errors="replace")
        elif cmd not in _NO_DATA_COMMANDS:
            kw["data"] = body
        return cls(cmd, fmt, device, **kw)  # type: ignore[arg-type]

    def describe(self) -> str:
        dev = "all-call" if self.device == 0x7F else f"device {self.device}"
        if 0x70 <= self.device <= 0x7E:
            dev = f"group {self.device - 0x6F}"
        words = [f"MSC {self.command.words}"]
        if self.time is not None:
            words.append(f"at {self.time}")
        if self.cue is not None:
            words.append(f"cue {self.cue}")
        if self.cue_list is not None:
            words.append(f"list {self.cue_list}")
        if self.cue_path is not None:
            words.append(f"path {self.cue_path}")
        if self.control is not None:
            words.append(f"control {self.control} value {self.value}")
        if self.macro is not None:
            words.append(f"macro {self.macro}")
        if self.data:
            words.append("data " + " ".join(f"{b:02X}" for b in self.data))
        words.append(f"({_format_name(int(self.command_format))}, {dev})")
        return " ".join(words)


# ============================================================================ decoding

MidiEvent = (
    NoteOn
    | NoteOff
    | PolyAftertouch
    | ControlChange
    | ProgramChange
    | ChannelAftertouch
    | PitchBend
    | SysEx
    | MscMessage
    | MtcQuarterFrame
    | MtcFullFrame
    | SystemMessage
)


def _decode_sysex(data: bytes) -> MidiEvent:
    if len(data) >= 7 and data[1] == 0x7F and data[3] == 0x02:
        try:
            return MscMessage.decode(data)
        except ValueError:
            pass
    if len(data) == 10 and data[1] == 0x7F and data[3:5] == b"\x01\x01":
        hr = data[5]
        try:
            tc = Timecode(hr & 0x1F, data[6], data[7], data[8], FrameRate(hr >> 5 & 0x03))
            return MtcFullFrame(tc, data[2])
        except ValueError:
            pass
    return SysEx(data[1:-1])


def decode_midi(data: bytes) -> MidiEvent:
    """Decode one complete MIDI message (as a mido ``Parser`` or ``msg.bin()`` yields).

    Note on with velocity 0 stays a :class:`NoteOn` (the wire form is kept); callers
    that treat it as note off can check ``velocity == 0``. Raises ``ValueError`` for
    bytes that are not exactly one message.
    """
    data = bytes(data)
    if not data or data[0] < 0x80:
        raise ValueError("MIDI message must start with a status byte")
    status = data[0]
    if status == 0xF0:
        if len(data) < 2 or data[-1] != 0xF7 or any(b > 0x7F for b in data[1:-1]):
            raise ValueError(f"bad SysEx {data.hex(' ')}")
        return _decode_sysex(data)
    if any(b > 0x7F for b in data[1:]):
        raise ValueError(f"bad data byte in {data.hex(' ')}")
    if status == 0xF1:
        if len(data) != 2:
            raise ValueError("MTC quarter frame is 2 bytes")
        return MtcQuarterFrame(data[1] >> 4 & 0x07, data[1] & 0x0F)
    if status >= 0xF0:
        return SystemMessage(data)
    kind, ch = status & 0xF0, status & 0x0F
    need = 2 if kind in (0xC0, 0xD0) else 3
    if len(data) != need:
        raise ValueError(f"status {status:02X} needs {need} bytes, got {len(data)}")
    if kind == 0x80:
        return NoteOff(ch, data[1], data[2])
    if kind == 0x90:
        return NoteOn(ch, data[1], data[2])
    if kind == 0xA0:
        return PolyAftertouch(ch, data[1], data[2])
    if kind == 0xB0:
        return ControlChange(ch, data[1], data[2])
    if kind == 0xC0:
        return ProgramChange(ch, data[1])
    if kind == 0xD0:
        return ChannelAftertouch(ch, data[1])
    return PitchBend(ch, (data[1] | data[2] << 7) - 8192)
