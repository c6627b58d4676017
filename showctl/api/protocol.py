"""The native API's messages and its one command vocabulary.

Every operator verb, every edit and every programmer command is a :class:`Command`:
a verb and its arguments. Key presses, headless stdin lines, the QLab-compatible OSC
API, calling scripts and run logs all become commands, and one executor in the engine
process carries them out (:mod:`showctl.live.commands`). Each verb has the access level
it needs (``view`` < ``control`` < ``edit``), the same levels as the OSC API's
passcodes.

Messages are JSON objects with an ``op`` (see docs/api.md)::

    client → engine   {"op": "hello", "passcode": "…", "lists": ["main"], "outputs": ["lx"]}
                      {"op": "cmd", "id": 7, "verb": "go", "args": {"list": "main"}}
                      {"op": "state"}                       (ask for a fresh state now)
    engine → client   {"op": "welcome", "level": "edit", "show": {…}, "revision": 3, …}
                      {"op": "state", "state": {…}}         (pushed, 10 per second)
                      {"op": "log", "lines": [{"t": 1.5, "text": "…", "style": "…"}]}
                      {"op": "show", "show": {…}, "revision": 4}   (after an edit)
                      {"op": "result", "id": 7, "ok": true, "message": "…"}
                      {"op": "bye", "reason": "show ended"}
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any

API_VERSION = 1
DEFAULT_PORT = 53180
"""The native API's default TCP port (127.0.0.1); the OSC API keeps 53000."""


class Level(enum.IntEnum):
    """Access levels, as the OSC API's passcodes grant them."""

    VIEW = 1
    CONTROL = 2
    EDIT = 3

    @property
    def word(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Verb:
    name: str
    level: Level
    help: str
    args: tuple[str, ...] = ()


_VERBS = [
    # operator verbs (show mode)
    Verb("go", Level.CONTROL, "fire the standby cue of a list", ("list",)),
    Verb("stop", Level.CONTROL, "stop every running cue (of a list, or all)", ("list",)),
    Verb("pause", Level.CONTROL, "pause running cues (of a list, or all)", ("list",)),
    Verb("resume", Level.CONTROL, "resume paused cues (of a list, or all)", ("list",)),
    Verb("pause_toggle", Level.CONTROL,
         "pause everything running, or resume what this toggle paused", ()),
    Verb("pause_all", Level.CONTROL, "pause everything running (remembering what)", ()),
    Verb("resume_all", Level.CONTROL, "resume what pause_all paused, nothing else", ()),
    Verb("panic", Level.CONTROL, "fade everything out and stop (twice: at once)", ("time",)),
    Verb("back", Level.CONTROL, "move a list's playhead to the previous cue", ("list",)),
    Verb("goto", Level.CONTROL, "put a cue on standby without firing it", ("cue", "list")),
    Verb("step", Level.CONTROL, "move a list's playhead by N navigable cues", ("n", "list")),
    Verb("fire", Level.CONTROL, "start one cue without moving the playhead", ("cue", "list")),
    Verb("stop_cue", Level.CONTROL, "stop one running cue", ("cue", "list")),
    Verb("hotkey", Level.CONTROL, "a key the console does not use: a cue trigger", ("key",)),
    Verb("blackout", Level.CONTROL, "blackout on/off (toggle without 'on')", ("on",)),
    Verb("grandmaster", Level.CONTROL, "grandmaster level 0..100 %", ("level",)),
    Verb("dmx_log", Level.VIEW, "DMX frames in the log on/off", ("on",)),
    # edit mode
    Verb("mode", Level.EDIT, "switch to 'edit' (an idle show) or back to 'show'", ("mode",)),
    Verb("set_field", Level.EDIT, "set a field of a cue", ("list", "cue", "field", "value")),
    Verb("insert", Level.EDIT, "insert a cue after another", ("list", "after", "type", "name")),
    Verb("delete", Level.EDIT, "delete a cue", ("list", "cue")),
    Verb("renumber", Level.EDIT, "renumber a cue; with step (and thru) the cue and those "
         "after it (through cue thru) become number, number + step, …",
         ("list", "cue", "number", "step", "thru")),
    Verb("move", Level.EDIT, "move a cue up or down", ("list", "cue", "step")),
    Verb("undo", Level.EDIT, "undo the last edit", ()),
    Verb("redo", Level.EDIT, "redo the last undone edit", ()),
    Verb("save", Level.EDIT, "save the show file (atomic, with a backup); on a conflict "
         "with the file on disk: on_conflict reload|overwrite, or path (save as)",
         ("on_conflict", "path")),
    Verb("programmer", Level.EDIT, "one programmer command line ('101 intensity 80')",
         ("line",)),
    Verb("record", Level.EDIT, "record the programmer as a new light cue", ("list", "after")),
    Verb("update", Level.EDIT, "merge the programmer into a light cue", ("list", "cue")),
    Verb("reload", Level.EDIT, "apply the show file as it is on disk now (hot reload does "
         "this by itself when the file is saved; journaled with the text it read)",
         ("text",)),
    # the process
    Verb("end_show", Level.CONTROL,
         "end the show: stop every cue, release outputs, end the engine process", ()),
]
VERBS: dict[str, Verb] = {v.name: v for v in _VERBS}

OPERATOR_WORDS = ("go", "stop", "pause", "resume", "panic", "back", "goto", "pause_all",
                  "resume_all", "blackout", "grandmaster")
"""The verbs a calling script (and a run log's calls) may use, as in ``do: goto 5``."""


class CommandError(ValueError):
    """A command that cannot be carried out as asked (unknown verb, bad argument)."""


@dataclass(frozen=True, slots=True)
class Command:
    verb: str
    args: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verb not in VERBS:
            raise CommandError(f"unknown command {self.verb!r}: use one of "
                               f"{', '.join(VERBS)}")

    @property
    def level(self) -> Level:
        return VERBS[self.verb].level

    def arg(self, name: str, default: Any = None) -> Any:
        v = self.args.get(name, default)
        return default if v is None else v

    def text(self) -> str:
        """The command as a person would type it (``goto 5``, ``go``)."""
        parts = [self.verb]
        if self.verb == "goto":
            parts.append(str(self.args.get("cue", "")))
        elif self.verb == "panic" and self.args.get("time") is not None:
            parts.append(f"{self.args['time']:g}")
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"verb": self.verb, "args": dict(self.args)}


def parse_line(text: str, *, list_name: str | None = None) -> Command:
    """An operator line (headless stdin, a calling script's ``do``): ``go``, ``goto 5``,
    ``panic 2``, ``blackout``, ``gm 50``… An empty line is GO."""
    words = text.split()
    if not words:
        return Command("go", {"list": list_name})
    head, rest = words[0].lower(), words[1:]
    if head == "goto":
        if len(rest) != 1:
            raise CommandError("write goto with a cue number: 'goto 12'")
        return Command("goto", {"cue": rest[0], "list": list_name})
    if head == "panic":
        if len(rest) > 1:
            raise CommandError("panic [seconds]")
        return Command("panic", {"time": _number(rest[0], "panic time")} if rest else {})
    if head in ("gm", "grandmaster"):
        if len(rest) != 1:
            raise CommandError("write the grandmaster level in %: 'gm 50'")
        return Command("grandmaster", {"level": _number(rest[0], "grandmaster level")})
    if head == "blackout":
        if len(rest) > 1 or (rest and rest[0] not in ("on", "off")):
            raise CommandError("blackout [on|off]")
        return Command("blackout", {"on": rest[0] == "on"} if rest else {})
    if head in ("go", "stop", "pause", "resume", "back", "pause_all", "resume_all"):
        if rest:
            raise CommandError(f"{head} takes no argument here")
        return Command(head, {"list": list_name})
    raise CommandError(f"unknown action {text!r}: use one of "
                       f"{', '.join(OPERATOR_WORDS)}, blackout, gm N")


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise CommandError(f"{what}: {text!r} is not a number") from None


def check_operator_line(text: str) -> None:
    """Raise :class:`CommandError` unless ``text`` is a calling-script action. A script
    says what it means: ``blackout on`` or ``blackout off`` (no toggle), ``grandmaster
    0..100``."""
    words = text.split()
    if not words or words[0] not in OPERATOR_WORDS:
        raise CommandError(f"unknown action {text!r}: use one of {', '.join(OPERATOR_WORDS)}")
    if words[0] == "blackout" and words[1:] not in (["on"], ["off"]):
        raise CommandError("write 'blackout on' or 'blackout off'")
    cmd = parse_line(text)
    if cmd.verb == "grandmaster" and not 0.0 <= float(cmd.args["level"]) <= 100.0:
        raise CommandError("write the grandmaster in percent: 'grandmaster 50'")


def listen_address(text: str, flag: str, host: str, port: int) -> tuple[str, int, bool]:
    """``PORT``, ``HOST:PORT`` or ``HOST`` (a ``--api`` / ``--web`` value) → (host, port,
    whether the port was asked for), ``host`` and ``port`` filling what the text leaves
    out; ``0`` = any free port."""
    if not text:
        return host, port, False
    h, sep, p = text.rpartition(":")
    if not sep:
        return (host, int(text), True) if text.isdigit() else (text, port, False)
    if not p.isdigit():
        raise ValueError(f"{flag} {text!r}: the port must be a number")
    return h.strip("[]") or "127.0.0.1", int(p), True


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), allow_nan=False, default=str)


def decode(text: str | bytes, *, limit: int = 1 << 20) -> dict[str, Any]:
    """One message; raises :class:`CommandError` for anything that is not one."""
    if len(text) > limit:
        raise CommandError(f"message of {len(text)} bytes is over the {limit} byte limit")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CommandError(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("op"), str):
        raise CommandError("a message is a JSON object with an 'op'")
    return data
