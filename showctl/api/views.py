"""The state stream as plain data: what a front end shows, built in the engine process.

One :class:`State` is pushed to each client about ten times a second and after each
command: the mode, each list's cue rows (for the lists the client shows), the running
cues with their countdowns, each output's health, the lighting levels of the outputs
the client shows, and the top bar's facts. Every value here is JSON (see
:meth:`State.to_json` / :meth:`State.from_json`), so a browser page reads the same
thing the console does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from typing import Any


class CueState(enum.StrEnum):
    IDLE = ""
    STANDBY = "standby"
    PREWAIT = "prewait"
    RUNNING = "running"
    POSTWAIT = "postwait"
    PAUSED = "paused"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CueRow:
    """One line of the cue stack."""

    number: str
    name: str
    type: str
    depth: int
    navigable: bool
    prewait: float
    duration: float | None
    postwait: float
    continue_mode: str
    armed: bool
    state: CueState
    standby: bool
    progress: float | None
    """0..1 through the current phase (None when not running)."""
    remaining: float | None
    """Seconds left in the current phase (None when not running)."""
    reason: str = ""
    """Why the cue failed (state FAILED)."""

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CueRow:
        return cls(**{**_known(cls, d), "state": CueState(d.get("state", ""))})


@dataclass(frozen=True, slots=True)
class RunRow:
    """One running cue: its phase and countdowns."""

    list: str
    number: str
    name: str
    phase: str
    paused: bool
    prewait_left: float | None
    elapsed: float | None
    remaining: float | None
    duration: float | None
    postwait_left: float | None
    depth: int

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RunRow:
        return cls(**_known(cls, d))


@dataclass(frozen=True, slots=True)
class EndpointRow:
    """One endpoint of an output sent to several (Art-Net and sACN, say): its own health."""

    driver: str
    state: str
    reason: str = ""
    sent: int = 0
    faults: int = 0
    where: str = ""
    """The endpoint in people's terms (``artnet 10.0.0.50``), or ""."""

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> EndpointRow:
        return cls(**_known(cls, d))


@dataclass(frozen=True, slots=True)
class OutputRow:
    """One output's driver and health (``state``: idle, sending, faulted, retrying…).

    An output sent to several endpoints has ``driver`` ``fanout``, the worst of its
    endpoints' states as ``state`` and each endpoint in ``endpoints``. ``sends`` is
    False when nothing leaves the machine (the capture driver: an output the rig does
    not map, or no rig at all)."""

    name: str
    driver: str
    state: str
    reason: str = ""
    sent: int = 0
    faults: int = 0
    sends: bool = True
    endpoints: tuple[EndpointRow, ...] = ()

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OutputRow:
        known = _known(cls, d)
        known["endpoints"] = tuple(EndpointRow.from_json(e) for e in d.get("endpoints", ()))
        return cls(**known)

    def to_json(self) -> dict[str, Any]:
        out = _flat(self)
        out["endpoints"] = [_flat(e) for e in self.endpoints]
        return out


@dataclass(frozen=True, slots=True)
class ListView:
    """A cue list as one client shows it."""

    name: str
    playhead: str | None
    go_wait: float
    """Seconds until the double-GO guard accepts this list's next GO (0: now)."""
    rows: tuple[CueRow, ...] = ()

    def to_json(self, sent: tuple[CueRow, ...] | None = None) -> dict[str, Any]:
        """As JSON; given the rows this client was ``sent`` last, only the rows that
        changed (``rows_patch``: the new length and ``[index, row]`` pairs) when that is
        smaller. Unchanged rows are the same objects from state to state (the engine
        keeps them), so telling them apart is an identity test, not a comparison."""
        out: dict[str, Any] = {"name": self.name, "playhead": self.playhead,
                               "go_wait": self.go_wait}
        rows = self.rows
        if sent is not None and sent:
            changed = [i for i, (a, b) in enumerate(zip(rows, sent, strict=False))
                       if a is not b]
            changed.extend(range(len(sent), len(rows)))
            if len(changed) * 2 < len(rows):
                out["rows_patch"] = {"length": len(rows),
                                     "set": [[i, _flat(rows[i])] for i in changed]}
                return out
        out["rows"] = [_flat(r) for r in rows]
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any], before: ListView | None = None) -> ListView:
        """From JSON; a ``rows_patch`` applies to the rows of the view ``before``."""
        patch = d.get("rows_patch")
        if patch is not None:
            if before is None:
                raise ValueError(f"list {d['name']!r}: rows_patch without earlier rows")
            length = int(patch["length"])
            rows: list[CueRow | None] = [*before.rows[:length]]
            rows.extend([None] * (length - len(rows)))
            for i, r in patch["set"]:
                rows[i] = CueRow.from_json(r)
            got = tuple(r for r in rows if r is not None)
            if len(got) != length:
                raise ValueError(f"list {d['name']!r}: rows_patch leaves rows unset")
        else:
            got = tuple(CueRow.from_json(r) for r in d.get("rows", ()))
        return cls(name=d["name"], playhead=d.get("playhead"), go_wait=d.get("go_wait", 0.0),
                   rows=got)


@dataclass(frozen=True, slots=True)
class LightingView:
    """Levels (0..1) of the lighting attributes of one output, in layout order.

    ``names`` come with a client's first state and again only when the layout changed
    (an edit): the client keeps them (:class:`~showctl.api.client.ApiClient` fills them
    in). ``held`` are the attributes the programmer holds."""

    output: str
    names: tuple[str, ...]
    values: tuple[float, ...]
    held: tuple[int, ...] = ()

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LightingView:
        return cls(output=d["output"], names=tuple(d.get("names", ())),
                   values=tuple(d.get("values", ())), held=tuple(d.get("held", ())))


@dataclass(frozen=True, slots=True)
class State:
    """Everything a front end shows, at show time ``t``."""

    t: float
    """Show time: seconds since the engine started."""
    elapsed: float | None
    """Seconds since the first GO (None before it): the top bar's show clock."""
    mode: str
    """``show`` or ``edit``."""
    title: str
    revision: int
    """The show document's revision (it grows with every applied edit)."""
    lists: dict[str, ListView]
    running: tuple[RunRow, ...]
    outputs: tuple[OutputRow, ...]
    lighting: dict[str, LightingView] = field(default_factory=dict)
    faults: int = 0
    idle: bool = True
    lit: bool = False
    """Any light above zero (or any cue running): quitting asks before ending the show."""
    dirty: bool = False
    """Edits not saved to the show file yet."""
    programmer: tuple[str, ...] | None = None
    """What the programmer holds, one line per fixture (None: no programmer)."""
    grandmaster: float = 1.0
    blackout: bool = False
    timecode: tuple[str, ...] = ()
    clients: int = 0
    list_names: tuple[str, ...] = ()
    schedule: dict[str, Any] | None = None
    """The run of show, planned vs actual (None: the show has no segments); plain JSON
    as :func:`showctl.model.schedule.progress` makes it (docs/api.md)."""
    show_file: dict[str, Any] | None = None
    """Hot reload's news about the show file (None: nothing to say): ``problems`` (a
    refused save, ``file:line:col: message`` each), ``conflict`` (the file changed
    while this session has unsaved edits), ``pending`` (a change waiting for the
    running cues to end), ``last`` (the last reload), ``seq`` (grows with each news)."""

    def to_json(self, sent: dict[str, tuple[CueRow, ...]] | None = None) -> dict[str, Any]:
        """As JSON; ``sent``: the rows a client has of each list, to send only what
        changed (clients that said ``"patches": true`` in their hello; docs/api.md)."""
        # By hand, not dataclasses.asdict: that deep-copies every value, and a state is
        # built ten times a second per client.
        sent = sent or {}
        return {
            "t": self.t, "elapsed": self.elapsed, "mode": self.mode, "title": self.title,
            "revision": self.revision,
            "lists": {k: v.to_json(sent.get(k)) for k, v in self.lists.items()},
            "running": [_flat(r) for r in self.running],
            "outputs": [o.to_json() for o in self.outputs],
            "lighting": {k: {"output": v.output, "names": list(v.names),
                             "values": list(v.values), "held": list(v.held)}
                         for k, v in self.lighting.items()},
            "faults": self.faults, "idle": self.idle, "lit": self.lit, "dirty": self.dirty,
            "programmer": None if self.programmer is None else list(self.programmer),
            "grandmaster": self.grandmaster, "blackout": self.blackout,
            "timecode": list(self.timecode), "clients": self.clients,
            "list_names": list(self.list_names), "schedule": self.schedule,
            "show_file": self.show_file,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], before: State | None = None) -> State:
        """From JSON; ``before``: the client's previous state (for rows patches)."""
        was = before.lists if before is not None else {}
        return cls(
            t=d["t"], elapsed=d.get("elapsed"), mode=d.get("mode", "show"),
            title=d.get("title", ""), revision=d.get("revision", 0),
            lists={k: ListView.from_json(v, was.get(k)) for k, v in d.get("lists", {}).items()},
            running=tuple(RunRow.from_json(r) for r in d.get("running", ())),
            outputs=tuple(OutputRow.from_json(o) for o in d.get("outputs", ())),
            lighting={k: LightingView.from_json(v) for k, v in d.get("lighting", {}).items()},
            faults=d.get("faults", 0), idle=d.get("idle", True), lit=d.get("lit", False),
            dirty=d.get("dirty", False),
            programmer=tuple(d["programmer"]) if d.get("programmer") is not None else None,
            grandmaster=d.get("grandmaster", 1.0), blackout=d.get("blackout", False),
            timecode=tuple(d.get("timecode", ())), clients=d.get("clients", 0),
            list_names=tuple(d.get("list_names", ())), schedule=d.get("schedule"),
            show_file=d.get("show_file"),
        )


@dataclass(frozen=True, slots=True)
class LogLine:
    t: float
    text: str
    style: str = ""

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LogLine:
        return cls(**_known(cls, d))


def _flat(row: Any) -> dict[str, Any]:
    """A row dataclass of plain values as a dict (no deep copy)."""
    return {f.name: getattr(row, f.name) for f in fields(row)}


def _known(cls: type, d: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``d`` that are fields of ``cls`` (newer engines may send more)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in d.items() if k in names}
