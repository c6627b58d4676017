"""Typed events: everything the engine does, as values front ends can listen to.

Each event knows its trace ``kind`` and its JSON payload; the trace format (one JSON
object per line with ``t``, ``kind`` and the payload) is documented in docs/trace.md
and is a stable contract: golden files in other repositories depend on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Event:
    t: float
    """Seconds since the engine's show start."""
    kind: ClassVar[str] = "event"

    def payload(self) -> dict[str, Any]:
        return {}

    def to_json(self) -> dict[str, Any]:
        return {"t": round(self.t, 6), "kind": self.kind, **self.payload()}


@dataclass(frozen=True, slots=True)
class CueEvent(Event):
    list: str
    cue: str

    def payload(self) -> dict[str, Any]:
        return {"list": self.list, "cue": self.cue}


@dataclass(frozen=True, slots=True)
class CueTriggered(CueEvent):
    """A cue was fired (GO, continue, trigger); its prewait starts now."""

    kind: ClassVar[str] = "cue_triggered"
    prewait: float = 0.0

    def payload(self) -> dict[str, Any]:
        return {"list": self.list, "cue": self.cue, "prewait": round(self.prewait, 6)}


@dataclass(frozen=True, slots=True)
class CueStarted(CueEvent):
    """The cue's action started (after its prewait)."""

    kind: ClassVar[str] = "cue_started"
    duration: float = 0.0

    def payload(self) -> dict[str, Any]:
        return {"list": self.list, "cue": self.cue, "duration": round(self.duration, 6)}


@dataclass(frozen=True, slots=True)
class CueCompleted(CueEvent):
    kind: ClassVar[str] = "cue_completed"


@dataclass(frozen=True, slots=True)
class CueStopped(CueEvent):
    kind: ClassVar[str] = "cue_stopped"


@dataclass(frozen=True, slots=True)
class CuePaused(CueEvent):
    kind: ClassVar[str] = "cue_paused"


@dataclass(frozen=True, slots=True)
class CueResumed(CueEvent):
    kind: ClassVar[str] = "cue_resumed"


@dataclass(frozen=True, slots=True)
class CueArmed(CueEvent):
    kind: ClassVar[str] = "cue_armed"
    armed: bool = True

    def payload(self) -> dict[str, Any]:
        return {"list": self.list, "cue": self.cue, "armed": self.armed}


@dataclass(frozen=True, slots=True)
class PlayheadMoved(Event):
    kind: ClassVar[str] = "playhead"
    list: str = ""
    cue: str | None = None
    """The standby cue's number, or None at the end of the list."""

    def payload(self) -> dict[str, Any]:
        return {"list": self.list, "cue": self.cue}


@dataclass(frozen=True, slots=True)
class Go(Event):
    kind: ClassVar[str] = "go"
    list: str = ""
    cue: str | None = None

    def payload(self) -> dict[str, Any]:
        return {"list": self.list, "cue": self.cue}


@dataclass(frozen=True, slots=True)
class GoRejected(Event):
    """A GO inside the double-GO guard time (or with nothing on standby)."""

    kind: ClassVar[str] = "go_rejected"
    list: str = ""
    reason: str = ""

    def payload(self) -> dict[str, Any]:
        return {"list": self.list, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Panic(Event):
    kind: ClassVar[str] = "panic"
    duration: float = 0.0
    hard: bool = False
    lights: str = "out"
    """What the panic does to the lights: ``out`` (intensities fade to zero) or
    ``hold`` (the look stays where it was at the panic)."""

    def payload(self) -> dict[str, Any]:
        return {"duration": round(self.duration, 6), "hard": self.hard, "lights": self.lights}

    def describe(self) -> str:
        """One sentence for the console and the run log: exactly what happened."""
        if self.hard:
            what = "every fade jumped to its end and everything stopped"
            lights = "lights out" if self.lights == "out" else "lights held"
            return f"PANIC completed at once: {what} ({lights})"
        lights = ("lights fade to black" if self.lights == "out"
                  else "lights hold their look")
        return (f"PANIC: waits cut, everything fades out over {self.duration:g} s then stops;"
                f" {lights}")


@dataclass(frozen=True, slots=True)
class PauseAll(Event):
    """The operator's pause-all (``paused: true``) or its resume (``paused: false``);
    ``cues`` lists (as ``list/cue``) what it paused or resumed."""

    kind: ClassVar[str] = "pause_all"
    paused: bool = True
    cues: tuple[str, ...] = ()

    def payload(self) -> dict[str, Any]:
        return {"paused": self.paused, "cues": list(self.cues)}


@dataclass(frozen=True, slots=True)
class Blackout(Event):
    """Blackout on (every grandmastered intensity at zero) or off (the look is back)."""

    kind: ClassVar[str] = "blackout"
    on: bool = True

    def payload(self) -> dict[str, Any]:
        return {"on": self.on}


@dataclass(frozen=True, slots=True)
class Grandmaster(Event):
    """The grandmaster was set: ``level`` 0..1 scales every intensity."""

    kind: ClassVar[str] = "grandmaster"
    level: float = 1.0

    def payload(self) -> dict[str, Any]:
        return {"level": round(self.level, 6)}


@dataclass(frozen=True, slots=True)
class Output(Event):
    """Something was handed to an output driver. ``kind`` is dmx, osc or midi."""

    output: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    out_kind: str = "osc"

    def to_json(self) -> dict[str, Any]:
        return {"t": round(self.t, 6), "kind": self.out_kind, "output": self.output, **self.data}


@dataclass(frozen=True, slots=True)
class DriverFaulted(Event):
    kind: ClassVar[str] = "fault"
    output: str = ""
    reason: str = ""

    def payload(self) -> dict[str, Any]:
        return {"output": self.output, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class DriverRecovered(Event):
    """A faulted output works again, reported once ("10.0.0.5:6454 back after 12.4 s")."""

    kind: ClassVar[str] = "recovered"
    output: str = ""
    reason: str = ""

    def payload(self) -> dict[str, Any]:
        return {"output": self.output, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class CueFailed(CueEvent):
    """A cue's action could not run (bad value at run time); the show goes on."""

    kind: ClassVar[str] = "cue_failed"
    reason: str = ""

    def payload(self) -> dict[str, Any]:
        return {"list": self.list, "cue": self.cue, "reason": self.reason}


_log = logging.getLogger(__name__)

Listener = Callable[[Event], None]


class EventBus:
    """Synchronous fan-out to listeners. A listener that raises stays subscribed (the
    next event may be one it handles): each of its errors is logged and kept in
    :attr:`errors`, and the other listeners and the engine carry on."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self.errors: list[str] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception as exc:  # a front end's bug must not stop the show
                self.errors.append(f"{listener!r}: {exc!r}")
                _log.exception("event listener %r failed on %s", listener, event.kind)
