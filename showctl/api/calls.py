"""Calling scripts: what the stage manager did, as data (and a run log's ``calls:``)::

    - {at: 0, do: go}
    - {at: 12.5, do: pause}
    - {at: 20, do: goto 5, list: main}

Each ``do`` is an operator line of the command vocabulary
(:func:`showctl.api.protocol.parse_line`); replays and run logs read and write them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from showctl.api.protocol import check_operator_line
from showctl.model.problems import Problem, ShowFileError
from showctl.model.timevalue import Seconds
from showctl.model.translate import CALLS, validation_problems
from showctl.model.yamlsource import YamlSyntaxError, load_located, read_text


class Call(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: Seconds
    do: str
    list: str | None = None
    cue: str | None = Field(default=None, description="for goto, instead of 'goto 12'")

    @field_validator("do")
    @classmethod
    def _known(cls, v: str) -> str:
        check_action(v)
        return v


def check_action(text: str) -> None:
    """Raise ``ValueError`` with a plain message unless ``text`` is a known action."""
    check_operator_line(text)  # CommandError is a ValueError


def load_calls(path: str | Path) -> list[Call]:
    """Read a calling script (a YAML list, or a run log's ``calls:``), every problem at once."""
    name = str(path)
    try:
        located = load_located(read_text(path))
    except FileNotFoundError:
        raise ShowFileError([Problem(name, 1, 1, "no such file")]) from None
    except IsADirectoryError:
        raise ShowFileError([Problem(name, 1, 1, "is a folder, not a calling script")]) from None
    except OSError as exc:
        raise ShowFileError([Problem(name, 1, 1, f"cannot read: {exc.strerror}")]) from None
    except YamlSyntaxError as exc:
        raise ShowFileError([Problem(name, exc.line, exc.col, exc.message)]) from None
    data: Any = located.data
    base: tuple[str | int, ...] = ()
    if isinstance(data, dict) and "calls" in data:
        data, base = data["calls"], ("calls",)
    if not isinstance(data, list):
        raise ShowFileError([Problem(name, 1, 1, "a calling script is a list of "
                                     "{at: seconds, do: go|stop|...}")])
    calls: list[Call] = []
    problems: list[Problem] = []
    for i, item in enumerate(data):
        try:
            calls.append(Call.model_validate(item))
        except ValidationError as exc:
            problems += validation_problems(exc, located, name, CALLS, data=item,
                                            base=(*base, i))
    if problems:
        raise ShowFileError(problems)
    return sorted(calls, key=lambda c: c.at)
