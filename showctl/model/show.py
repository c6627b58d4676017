"""The show file's schema: outputs, settings, cue lists and every cue type.

Models forbid unknown keys so a typo (``prewiat:``) is an error, not a silently ignored
field. Cue numbers are text ("1", "1.5", "12A"); the loader keeps them exactly as
written. Cross-references (targets, outputs, duplicate numbers) are checked in
:mod:`showctl.model.checks`, because they need the whole show.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from showctl.lighting.patch import PatchEntry
from showctl.model.levels import parse_address, parse_level
from showctl.model.msc_commands import MscCommand
from showctl.model.schedule import parse_planned_start
from showctl.model.timevalue import Seconds
from showctl.model.triggers import TimecodeChase, Trigger


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# ------------------------------------------------------------------ show-level sections


class OutputKind(enum.StrEnum):
    DMX = "dmx"
    OSC = "osc"
    MIDI = "midi"


class OutputDecl(Strict):
    """A logical output the cues send to; a rig profile maps it to a real endpoint."""

    kind: OutputKind
    description: str = ""
    universes: list[int] | None = Field(
        default=None, description="DMX only: the logical universes this output carries."
    )
    rate: float = Field(default=44.0, gt=0, le=44.0, description="DMX frames per second.")
    department: str | None = Field(
        default=None, min_length=1,
        description="The department whose cues go out here (lx, sound, video…), for cue "
        "sheets and the department filter; default: the output's name. Several outputs "
        "may name one department.")


class ShowInfo(Strict):
    title: str
    author: str = ""
    venue: str = ""
    version: str = ""
    notes: str = ""


class PanicLights(enum.StrEnum):
    OUT = "out"
    HOLD = "hold"


class OnResume(enum.StrEnum):
    """What a crash resume does with a list's OSC/MIDI messages that fell due while the
    engine was down (docs/journal.md)."""

    SEND_LATE = "send_late"
    SKIP = "skip"


class Settings(Strict):
    go_guard: Seconds = Field(
        default=0.3, description="Double-GO guard: GOs closer together than this are ignored."
    )
    panic_time: Seconds = Field(default=1.0, description="Fade time of a panic.")
    panic_lights: PanicLights = Field(
        default=PanicLights.OUT,
        description="What a panic does to the lights: 'out' fades every intensity on stage "
        "to zero over the panic time; 'hold' keeps the look where it is at the panic.",
    )
    default_fade: Seconds = Field(default=3.0, description="Light cue time when none is given.")
    auto_go_gap: Seconds = Field(
        default=1.0,
        description="replay without a calling script: GO this long after the last cue ended.",
    )


# ------------------------------------------------------------------------------- cues


class ContinueMode(enum.StrEnum):
    NONE = "none"
    AUTO_CONTINUE = "auto_continue"
    AUTO_FOLLOW = "auto_follow"


class CueBase(Strict):
    number: str = Field(description='Cue number as text: "1", "1.5", "12A".')
    name: str = ""
    notes: str = Field(default="", description="Notes for the stage manager.")
    prewait: Seconds = 0.0
    postwait: Seconds = 0.0
    continue_: ContinueMode = Field(default=ContinueMode.NONE, alias="continue")
    armed: bool = True
    color: str | None = None
    triggers: list[Trigger] = Field(default_factory=list)
    segment: str | None = Field(
        default=None, description="Run of show: this cue opens the segment of this name.")
    planned_start: str | float | None = Field(
        default=None, description="Run of show: planned start of the segment, a time of day "
        "('19:50') or an offset from the show start ('+15:00').")
    planned_length: Seconds | None = Field(
        default=None, description="Run of show: planned length of the segment.")

    @field_validator("planned_start")
    @classmethod
    def _planned_start(cls, v: str | float | None) -> str | float | None:
        if v is not None:
            parse_planned_start(v)
        return v

    @field_validator("number", mode="before")
    @classmethod
    def _number_text(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool):
            return str(v)
        return v

    @field_validator("number")
    @classmethod
    def _number_nonempty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a cue number cannot be empty")
        return v

    def action_duration(self) -> float:
        """How long this cue's action runs once its prewait is over (0 = instant)."""
        return 0.0

    def children(self) -> list[Cue]:
        return []


class MemoCue(CueBase):
    """Does nothing but can carry notes, waits and a continue; a placeholder or marker."""

    type: Literal["memo"]


class WaitCue(CueBase):
    type: Literal["wait"]
    duration: Seconds

    def action_duration(self) -> float:
        return self.duration


class GroupMode(enum.StrEnum):
    TIMELINE = "timeline"
    PLAYLIST = "playlist"
    FIRST = "first"


class GroupCue(CueBase):
    """Holds child cues. ``timeline``: all start together (each with its own prewait);
    ``playlist``: one after another; ``first``: start the first child and enter the
    group, so the next GO fires the second child."""

    type: Literal["group"]
    mode: GroupMode = GroupMode.TIMELINE
    cues: list[Cue] = Field(min_length=1)

    def children(self) -> list[Cue]:
        return list(self.cues)


class TargetedCue(CueBase):
    """Base of control cues: a target cue number, optionally in another list."""

    target: str | None = Field(default=None, description="Cue number of the target.")
    list: str | None = Field(default=None, description="Cue list of the target (default: own).")

    @field_validator("target", mode="before")
    @classmethod
    def _target_text(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool):
            return str(v)
        return v


class _NeedsTarget(TargetedCue):
    @model_validator(mode="after")
    def _has_target(self) -> _NeedsTarget:
        if self.target is None:
            raise ValueError(f"a {self.type_name()} cue needs a 'target' cue number")
        return self

    def type_name(self) -> str:
        return str(getattr(self, "type", "control"))


class StartCue(_NeedsTarget):
    type: Literal["start"]


class GotoCue(_NeedsTarget):
    type: Literal["goto"]


class ArmCue(_NeedsTarget):
    type: Literal["arm"]


class DisarmCue(_NeedsTarget):
    type: Literal["disarm"]


class _CueOrList(TargetedCue):
    @model_validator(mode="after")
    def _has_target_or_list(self) -> _CueOrList:
        if self.target is None and self.list is None:
            raise ValueError("give a 'target' cue number, a 'list' name, or both")
        return self


class StopCue(_CueOrList):
    type: Literal["stop"]


class PauseCue(_CueOrList):
    type: Literal["pause"]


class ResumeCue(_CueOrList):
    type: Literal["resume"]


class FadeOutCue(_CueOrList):
    """Fades the target cue (or every running cue of a list) out, then stops it."""

    type: Literal["fade_out"]
    duration: Seconds = 2.0

    def action_duration(self) -> float:
        return self.duration


# --------------------------------------------------------------------- output cues

OscArgValue = int | float | str | bool | None


class OscTypedArg(Strict):
    """An OSC argument with an explicit type tag, for when YAML's guess is not wanted."""

    type: Literal["i", "f", "d", "h", "s", "b", "T", "F", "N"]
    value: int | float | str | bool | None = None


class OscFade(Strict):
    """Fade one numeric argument of the message from → to, like a fader move."""

    arg: int = Field(default=0, ge=0, description="Index of the argument to fade.")
    start: float = Field(alias="from")
    to: float
    duration: Seconds
    rate: float = Field(default=30.0, gt=0, le=200)
    curve: Literal["linear", "s_curve", "exponential"] = "linear"


class OscMessageSpec(Strict):
    address: str = Field(pattern=r"^/")
    args: list[OscArgValue | OscTypedArg] = []


class OscCue(CueBase):
    """Sends one OSC message, a bundle (``messages``), or fades one argument."""

    type: Literal["osc"]
    output: str
    address: str | None = Field(default=None, pattern=r"^/")
    args: list[OscArgValue | OscTypedArg] = []
    messages: list[OscMessageSpec] | None = Field(default=None, description="Send as a bundle.")
    fade: OscFade | None = None

    @model_validator(mode="after")
    def _one_form(self) -> OscCue:
        if (self.address is None) == (self.messages is None):
            raise ValueError("an osc cue needs either 'address' (one message) or 'messages'")
        if self.fade is not None and self.address is None:
            raise ValueError("'fade' works on a single message: give 'address', not 'messages'")
        if self.fade is not None and self.fade.arg >= max(1, len(self.args)):
            raise ValueError(f"fade.arg {self.fade.arg} is past the message's arguments")
        return self

    def action_duration(self) -> float:
        return self.fade.duration if self.fade else 0.0


class MidiMessageSpec(Strict):
    """One MIDI message, ``at`` seconds after the cue's action starts."""

    kind: Literal[
        "note_on", "note_off", "control_change", "program_change", "pitch_bend",
        "aftertouch", "poly_aftertouch", "sysex",
    ]
    channel: int = Field(default=1, ge=1, le=16)
    note: int | None = Field(default=None, ge=0, le=127)
    velocity: int = Field(default=64, ge=0, le=127)
    control: int | None = Field(default=None, ge=0, le=127)
    value: int = Field(default=0, ge=-8192, le=16383)
    program: int | None = Field(default=None, ge=0, le=127)
    data: list[int] | None = Field(default=None, description="sysex payload without F0/F7")
    at: Seconds = 0.0

    @model_validator(mode="after")
    def _fields(self) -> MidiMessageSpec:
        need = {
            "note_on": "note", "note_off": "note", "poly_aftertouch": "note",
            "control_change": "control", "program_change": "program", "sysex": "data",
        }.get(self.kind)
        if need and getattr(self, need) is None:
            raise ValueError(f"a {self.kind} message needs '{need}'")
        if self.data is not None and any(not 0 <= b <= 127 for b in self.data):
            raise ValueError("sysex data bytes must be 0..127")
        return self


class MidiCue(CueBase):
    type: Literal["midi"]
    output: str
    messages: list[MidiMessageSpec] = Field(min_length=1)

    def action_duration(self) -> float:
        return max(m.at for m in self.messages)


class MscCue(CueBase):
    """Sends a MIDI Show Control command."""

    type: Literal["msc"]
    output: str
    command: MscCommand
    device: int = Field(default=0x7F, ge=0, le=0x7F, description="0x7F = all-call")
    format: str | int = Field(default="lighting", description="command format name or byte")
    cue: str | None = None
    cue_list: str | None = None
    cue_path: str | None = None
    time: str | None = Field(default=None, description="TIMED_GO time as hh:mm:ss:ff")
    control: int | None = Field(default=None, ge=0, le=16383)
    value: int | None = Field(default=None, ge=0, le=16383)
    macro: int | None = Field(default=None, ge=0, le=127)

    @field_validator("cue", "cue_list", "cue_path", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool):
            return str(v)
        return v


class MidiFileCue(CueBase):
    """Plays a standard MIDI file (type 0 or 1, with its tempo map) to a MIDI output."""

    type: Literal["midi_file"]
    output: str
    file: str = Field(description="path to a .mid file, relative to the show file")
    speed: float = Field(default=1.0, gt=0, le=10, description="tempo factor (1 = as written)")
    _resolved: str | None = PrivateAttr(default=None)
    _length: float = PrivateAttr(default=0.0)

    def resolve(self, path: str, length: float) -> None:
        """Set by the loader: the file's real path and its length in seconds."""
        self._resolved = path
        self._length = length

    @property
    def resolved_path(self) -> str:
        return self._resolved or self.file

    def action_duration(self) -> float:
        return self._length / self.speed


class TimecodeCue(CueBase):
    """Generates timecode: MIDI timecode to a MIDI output and/or Art-Net timecode."""

    type: Literal["timecode"]
    output: str | None = Field(default=None, description="MIDI output for MTC")
    artnet: str | None = Field(default=None, description="DMX output for ArtTimeCode")
    start: str = Field(default="00:00:00:00", pattern=r"^\d{2}:\d{2}:\d{2}[:;.]\d{2}$")
    fps: float = Field(default=25, description="24, 25, 29.97 (drop-frame) or 30")
    duration: Seconds | None = Field(default=None, description="default: until stopped")

    @model_validator(mode="after")
    def _valid(self) -> TimecodeCue:
        if self.fps not in (24, 25, 29.97, 30):
            raise ValueError(f"fps must be 24, 25, 29.97 or 30 (got {self.fps})")
        if self.output is None and self.artnet is None:
            raise ValueError("a timecode cue needs 'output' (MTC) and/or 'artnet'")
        return self

    def action_duration(self) -> float:
        return self.duration or 0.0


FixtureValues = dict[str, Any]


class LightCue(CueBase):
    """Sets fixture attributes (tracking: only what changes) with Eos-style times."""

    type: Literal["light"]
    output: str | None = Field(default=None, description="DMX output (default: the first).")
    fixtures: dict[str, FixtureValues] = Field(
        default_factory=dict,
        description="fixture id, range '1-4' or group name → attribute values",
    )
    channels: dict[str, float | str] = Field(
        default_factory=dict,
        description="raw levels in % by 'address' or 'universe/address'",
    )
    time: Seconds | None = None
    up: Seconds | None = None
    down: Seconds | None = None
    delay: Seconds = 0.0
    times: dict[str, Seconds] = Field(
        default_factory=dict, description="per-attribute times: color, position, beam…"
    )
    curve: Literal["linear", "s_curve", "snap"] = "linear"
    block: bool = False
    cue_only: bool = False

    @field_validator("fixtures", "channels", mode="before")
    @classmethod
    def _keys_text(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): val for k, val in v.items()}
        return v

    @field_validator("channels")
    @classmethod
    def _channels(cls, v: dict[str, float | str]) -> dict[str, float | str]:
        for key, level in v.items():
            try:
                parse_address(key)
            except ValueError as exc:
                raise ValueError(f"channel {key!r}: {exc}") from None
            try:
                parse_level(level)
            except ValueError as exc:
                raise ValueError(f"channel {key!r}: {exc}") from None
        return v

    def fade_times(self, default: float) -> tuple[float, float]:
        """(up, down) time for intensity; other attributes use ``time`` or ``times``."""
        base = self.time if self.time is not None else default
        return (self.up if self.up is not None else base, self.down if self.down is not None
                else base)

    def action_duration(self) -> float:
        # The engine computes the real duration with the show's default fade; this is the
        # upper bound the cue itself states.
        base = self.time or 0.0
        longest = max([base, self.up or 0.0, self.down or 0.0, *self.times.values()])
        return self.delay + longest


Cue = Annotated[
    MemoCue | WaitCue | GroupCue | StartCue | StopCue | PauseCue | ResumeCue | GotoCue
    | ArmCue | DisarmCue | FadeOutCue | OscCue | MidiCue | MscCue | LightCue | MidiFileCue
    | TimecodeCue,
    Field(discriminator="type"),
]

CUE_TYPES: tuple[str, ...] = (
    "memo", "wait", "group", "start", "stop", "pause", "resume", "goto", "arm", "disarm",
    "fade_out", "osc", "midi", "msc", "light", "midi_file", "timecode",
)


class CueList(Strict):
    description: str = ""
    timecode: TimecodeChase | None = None
    on_resume: OnResume = Field(
        default=OnResume.SEND_LATE,
        description="After a crash resume, the OSC/MIDI messages of this list that fell "
        "due while the engine was down: 'send_late' sends each once, late (logged); "
        "'skip' drops them (logged as skipped).",
    )
    cues: list[Cue] = Field(default_factory=list)


class Show(Strict):
    """A whole show file."""

    show: ShowInfo
    settings: Settings = Field(default_factory=Settings)
    outputs: dict[str, OutputDecl] = Field(default_factory=dict)
    patch: list[PatchEntry] = Field(
        default_factory=list, description="fixtures: id, profile, mode, universe, address"
    )
    cuelists: dict[str, CueList] = Field(min_length=1)

    @property
    def main_list(self) -> str:
        return next(iter(self.cuelists))

    def department(self, output: str) -> str:
        """The department of an output: the one it names, else the output's own name."""
        decl = self.outputs.get(output)
        return (decl.department if decl is not None and decl.department else None) or output

    def departments(self) -> list[str]:
        """Every department, once each, in the order of the outputs."""
        return list(dict.fromkeys(self.department(name) for name in self.outputs))

    def cue_names(self) -> dict[tuple[str, str], str]:
        """(list, cue number) → cue name, for front ends that print cues."""
        return {(ln, c.number): c.name for ln, c, _ in self.walk()}

    def walk(self) -> Iterator[tuple[str, CueBase, GroupCue | None]]:
        """Every cue of every list, depth first, with its list name and parent group."""
        for name, cl in self.cuelists.items():
            yield from _walk(name, cl.cues, None)


def _walk(
    list_name: str, cues: list[Cue], parent: GroupCue | None
) -> Iterator[tuple[str, CueBase, GroupCue | None]]:
    for cue in cues:
        yield list_name, cue, parent
        if isinstance(cue, GroupCue):
            yield from _walk(list_name, cue.cues, cue)


GroupCue.model_rebuild()
CueList.model_rebuild()
Show.model_rebuild()
