"""Triggers: what fires a cue besides GO — a hotkey, MIDI, MSC, OSC, wall clock, timecode.

A cue may carry ``triggers: [...]``; each trigger names exactly one source. Timecode
triggers are chased per cue list (``timecode:`` on the list says where timecode comes
from and how dropouts and jumps are handled).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class MidiTrigger(_Strict):
    input: str | None = Field(default=None, description="MIDI input name (default: any)")
    kind: Literal["note_on", "control_change", "program_change"]
    channel: int = Field(default=1, ge=1, le=16)
    number: int = Field(ge=0, le=127, description="note, controller or program number")
    value: int | None = Field(default=None, ge=0, le=127,
                              description="CC value / minimum velocity (default: any)")


class MscTrigger(_Strict):
    input: str | None = None
    command: Literal["go", "stop", "resume"] = "go"
    device: int = Field(default=0x7F, ge=0, le=0x7F)
    cue: str | None = Field(default=None, description="MSC cue number (default: any)")


CONSOLE_KEYS = frozenset({
    "space", "p", "s", "b", "g", "e", "i", "n", "a", "c", "r", "u", "d", "escape", "enter",
    "tab", "up", "down", "delete", "shift+tab", "ctrl+b", "minus", "plus", "equals_sign",
    "ctrl+q", "ctrl+s", "ctrl+z", "ctrl+y", "ctrl+up", "ctrl+down", "ctrl+l",
    "pageup", "pagedown",
})
"""Keys the console uses itself in show mode: a cue hotkey on one of them would never be
seen (the console takes the key first), so ``check`` refuses it."""

_KEY_ALIASES = {"esc": "escape", "return": "enter", "del": "delete", " ": "space"}


def _hotkey_norm(key: str) -> str:
    """Lower case, modifiers sorted, key last (as the runtime matches keys)."""
    if key == " ":
        return "space"
    parts = [p.strip().lower() for p in key.replace(" ", "").split("+")]
    if len(parts) > 1 and parts[-1] == "" and parts[-2] == "":
        parts = [*parts[:-2], "+"]
    *mods, last = parts
    return "+".join([*sorted(m for m in mods if m), _KEY_ALIASES.get(last, last)])


def _time_of_day(text: str) -> str:
    parts = [int(p) for p in text.split(":")]
    h, mi, sec = [*parts, 0, 0][:3]
    if not (0 <= h < 24 and 0 <= mi < 60 and 0 <= sec < 60):
        raise ValueError(f"{text!r} is not a time of day (00:00 to 23:59:59)")
    return text


class Trigger(_Strict):
    """Exactly one of the fields."""

    hotkey: str | None = None
    midi: MidiTrigger | None = None
    msc: MscTrigger | None = None
    osc: str | None = Field(default=None, pattern=r"^/",
                            description="an OSC address received on the remote API")
    wallclock: str | None = Field(default=None, pattern=r"^\d{1,2}:\d{2}(:\d{2})?$",
                                  description="local time of day, HH:MM[:SS]")
    timecode: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}:\d{2}[:;]\d{2}$",
                                 description="HH:MM:SS:FF on the list's timecode source")

    @field_validator("wallclock")
    @classmethod
    def _real_time_of_day(cls, v: str | None) -> str | None:
        return None if v is None else _time_of_day(v)

    @field_validator("timecode")
    @classmethod
    def _real_timecode(cls, v: str | None) -> str | None:
        if v is None:
            return v
        h, mi, sec, ff = (int(x) for x in v.replace(";", ":").split(":"))
        if not (h < 24 and mi < 60 and sec < 60 and ff < 30):
            raise ValueError(f"{v!r} is not a timecode (HH < 24, MM and SS < 60, FF < 30)")
        return v

    @field_validator("hotkey")
    @classmethod
    def _not_a_console_key(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.strip():
            raise ValueError("a hotkey cannot be empty")
        if _hotkey_norm(v) in CONSOLE_KEYS:
            raise ValueError(f"hotkey {v!r} is a console key (the console takes it first); "
                             "use a function key or a modifier, e.g. 'f5' or 'ctrl+"
                             f"{_hotkey_norm(v)}'")
        return v

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        given = [k for k in ("hotkey", "midi", "msc", "osc", "wallclock", "timecode")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a trigger names exactly one of hotkey, midi, msc, osc, "
                             f"wallclock, timecode (got {', '.join(given) or 'none'})")
        return self


class TimecodeChase(_Strict):
    """How a cue list chases incoming timecode."""

    source: Literal["mtc", "artnet"] = "mtc"
    input: str | None = None
    fps: float = Field(default=30, description="24, 25, 29.97 (drop-frame) or 30")
    freewheel: float = Field(default=2.0, ge=0, description="seconds to ride out a dropout")
    fire_skipped: bool = Field(default=False,
                               description="on a jump forward, fire the cues jumped over")

    @field_validator("fps")
    @classmethod
    def _known_rate(cls, v: float) -> float:
        if v not in (24, 25, 29.97, 30):
            raise ValueError("fps must be 24, 25, 29.97 or 30")
        return v
