"""The run log file's records: :class:`RunLog` and the cue, GO, fault, failure and panic
records in it (and hot reloads), validated on load and written back as YAML by
:meth:`RunLog.to_yaml`.

Times are show times (seconds since the engine's start); ``started`` is the wall clock
at show time 0. The file format (``format: showctl-runlog/1``) is described in
docs/reports.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from showctl import __version__
from showctl.api.calls import Call

FORMAT: Final = "showctl-runlog/1"

Mode = Literal["live", "headless", "replay"]
How = Literal["completed", "stopped", "running"]
Pauses = list[tuple[float, float | None]]
"""(paused at, resumed at) pairs; resumed at is None while still paused."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShowRef(_Strict):
    title: str
    path: str | None = None
    venue: str = ""


class SectionDef(_Strict):
    cue: str | None
    """The memo cue that opens the section (None: the cues before the first memo)."""
    name: str


class CueRecord(_Strict):
    """One run of one cue (a cue fired twice has two records)."""

    list: str
    cue: str
    name: str = ""
    parent: str | None = None
    section: int | None = None
    """Index into the run log's ``sections`` (None when it cannot be told)."""
    triggered: float
    prewait: float = 0.0
    planned: float
    started: float | None = None
    ended: float | None = None
    how: How = "running"
    pauses: Pauses = Field(default_factory=lambda: [])  # ("list" is a field here)
    failed: str | None = None

    @property
    def late(self) -> float | None:
        """Actual start minus planned start (positive = late)."""
        return None if self.started is None else self.started - self.planned


class GoRecord(_Strict):
    at: float
    list: str
    cue: str | None = None
    rejected: str | None = None
    """Why the engine ignored this GO (double-GO guard, nothing on standby), if it did."""


class FaultRecord(_Strict):
    at: float
    output: str
    reason: str


class FailureRecord(_Strict):
    at: float
    list: str
    cue: str
    reason: str


class PanicRecord(_Strict):
    at: float
    duration: float
    hard: bool = False
    lights: Literal["out", "hold"] = "out"
    """What the panic did to the lights (``settings.panic_lights``)."""


class ReloadRecord(_Strict):
    """The show file changed on disk while the show ran (hot reload,
    :mod:`showctl.live.reload`): what was done with it and the diff it applied, in
    ``showctl diff``'s words."""

    at: float
    file: str
    outcome: Literal["applied", "deferred", "refused", "conflict"]
    """``applied`` now; ``deferred`` until the running cues end (outputs or patch
    changed); ``refused`` (does not check: ``problems``); ``conflict`` (unsaved console
    edits: nothing applied, nothing overwritten)."""
    changes: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    """``file:line:col: message`` of a refused save."""


class CrashRecord(_Strict):
    """A crash the run was resumed from (docs/journal.md): the engine was down from
    ``at`` (the last thing its journal holds) until ``resumed``."""

    at: float
    resumed: float
    down: float
    late: int = 0
    """OSC/MIDI messages due while down that were sent late."""
    skipped: int = 0
    """Those dropped instead (``on_resume: skip``)."""


class RunLog(_Strict):
    format: Literal["showctl-runlog/1"] = FORMAT
    showctl: str = __version__
    show: ShowRef
    mode: Mode
    started: datetime
    """Wall clock at show time 0."""
    ended: float
    """Show time at which the recording ended."""
    sections: list[SectionDef] = Field(default_factory=list)
    calls: list[Call] = Field(default_factory=list)
    gos: list[GoRecord] = Field(default_factory=list)
    cues: list[CueRecord] = Field(default_factory=list)
    faults: list[FaultRecord] = Field(default_factory=list)
    recoveries: list[FaultRecord] = Field(default_factory=list)
    """Outputs that worked again after a fault ("10.0.0.5:6454 back after 12.4 s")."""
    failures: list[FailureRecord] = Field(default_factory=list)
    panics: list[PanicRecord] = Field(default_factory=list)
    reloads: list[ReloadRecord] = Field(default_factory=list)
    """Each time the show file was saved while the show ran (hot reload)."""


    crashes: list[CrashRecord] = Field(default_factory=list)
    """Gaps: the engine crashed and the run was resumed from its journal."""

    def wall(self, t: float) -> datetime:
        """The wall-clock time of show time ``t``."""
        return self.started + timedelta(seconds=t)

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json", exclude_none=False)
        data["calls"] = [c.model_dump(mode="json", exclude_none=True) for c in self.calls]
        data["gos"] = [g.model_dump(mode="json", exclude_none=True) for g in self.gos]
        for c in data["cues"]:
            if not c["pauses"]:
                del c["pauses"]
            for key in ("failed", "parent"):
                if c[key] is None:
                    del c[key]
        if data["show"]["path"] is None:
            del data["show"]["path"]
        if not data["reloads"]:
            del data["reloads"]  # most runs have none: their files stay as they were
        head = (f"# showctl run log ({self.mode}) of {self.show.title}, "
                f"{self.started.isoformat(timespec='seconds')}.\n"
                "# Replay it as a calling script: showctl replay SHOW --calls THIS_FILE\n")
        body: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                   default_flow_style=None, width=100)
        return head + body
