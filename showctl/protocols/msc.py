"""MIDI Show Control (MSC 1.0) as bytes: commands, formats, times and messages.

Pure code, no I/O. :class:`MscMessage` is one MSC SysEx (``encode()``, ``decode()``,
``describe()``); :class:`MscCommand` and :class:`MscFormat` are the spec's command and
command-format tables, :class:`MscTime` its "standard time specification".
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from showctl.protocols._checks import _check
from showctl.protocols.smpte_timecode import FrameRate

__all__ = ["MSC_MAX_LENGTH", "MscCommand", "MscFormat", "MscMessage", "MscTime"]


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
