"""Loading a show file: YAML → validated ``Show``, with every problem located at once.

Syntax errors stop at the first one (YAML cannot be read past it); schema and
cross-reference problems are all collected, each as ``path:line:col: message``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from showctl.model.checks import all_raw_cues, check_raw
from showctl.model.problems import Problem, ShowFileError
from showctl.model.translate import Wording, data_path, validation_problems
from showctl.model.yamlsource import (
    Located,
    PathKey,
    YamlSyntaxError,
    gc_paused,
    load_located,
    read_text,
)

if TYPE_CHECKING:
    from pydantic import ValidationError

    from showctl.model import show as m

# The show's pydantic models (and pydantic) are imported once the YAML has been read: a
# file the reader refuses (too big, hostile, not UTF-8) is refused without them.


def load_show(path: str | Path) -> m.Show:
    """Read and validate a show file; raise :class:`ShowFileError` with every problem."""
    show, problems = read_show(path)
    if problems or show is None:
        raise ShowFileError(problems)
    return show


def read_show(path: str | Path) -> tuple[m.Show | None, list[Problem]]:
    """Read a show file, returning the show (if it validated) and all problems found."""
    try:
        text = read_text(path)
    except FileNotFoundError:
        return None, [Problem(str(path), 1, 1, "no such file")]
    except YamlSyntaxError as exc:
        return None, [Problem(str(path), exc.line, exc.col, exc.message)]
    except OSError as exc:
        return None, [Problem(str(path), 1, 1, f"cannot read the file: {exc}")]
    return parse_show(text, str(path))


def parse_show(text: str, name: str = "<show>") -> tuple[m.Show | None, list[Problem]]:
    """Validate show text; the show (if it has no problems) and every problem."""
    with gc_paused():  # a big show builds a million objects and no cycles
        return _parse_show(text, name)


def _parse_show(text: str, name: str) -> tuple[m.Show | None, list[Problem]]:
    try:
        located = load_located(text)
    except YamlSyntaxError as exc:
        return None, [Problem(name, exc.line, exc.col, exc.message)]
    if not isinstance(located.data, dict):
        return None, [Problem(name, 1, 1, "a show file must be a mapping with 'show:' and "
                              "'cuelists:' at the top")]
    problems = [
        Problem(name, *located.where(path), message) for path, message in check_raw(located.data)
    ]
    from pydantic import ValidationError

    from showctl.model import show as m

    show: m.Show | None = None
    try:
        show = m.Show.model_validate(located.data)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, located, name))
        # Value problems (media, patch, fixture values) need a valid show: check them on
        # a copy with the broken parts set aside, so one run reports both kinds.
        partial = _validate_pruned(located.data, exc)
        if partial is not None:
            problems.extend(_value_problems(partial, located, name))
    if show is not None:
        problems.extend(_value_problems(show, located, name))
    return (show if not problems else None), sorted(set(problems))


def parse_structure(text: str, name: str = "<show>") -> tuple[m.Show | None, list[Problem]]:
    """Show text read against the schema only (no cross-reference, media or fixture
    checks): for tools that compare or print shows, such as ``showctl diff``."""
    with gc_paused():
        try:
            located = load_located(text)
        except YamlSyntaxError as exc:
            return None, [Problem(name, exc.line, exc.col, exc.message)]
        if not isinstance(located.data, dict):
            return None, [Problem(name, 1, 1, "a show file must be a mapping with 'show:' "
                                  "and 'cuelists:' at the top")]
        from pydantic import ValidationError

        from showctl.model import show as m

        try:
            return m.Show.model_validate(located.data), []
        except ValidationError as exc:
            return None, sorted(set(_problems_from(exc, located, name)))


def _value_problems(show: m.Show, located: Located, name: str) -> list[Problem]:
    # One walk of the raw cues, for media and lighting alike.
    paths = {(ln, str(c.get("number"))): p for ln, p, c in all_raw_cues(located.data)}
    out = [Problem(name, *located.where(path), message)
           for path, message in _resolve_media(show, paths, Path(name).parent)]
    # Patch and fixture values need a valid show (profiles, modes, attributes).
    from showctl.lighting.showcheck import check_lighting

    out.extend(Problem(name, *located.where(path), message)
               for path, message in check_lighting(show, paths))
    from showctl.model.output_checks import check_outputs

    out.extend(Problem(name, *located.where(path), message)
               for path, message in check_outputs(show, paths))
    return out


def _validate_pruned(data: dict[str, Any], exc: ValidationError) -> m.Show | None:
    """The show with every part pydantic refused set aside: a broken cue becomes a memo
    (so positions and paths stay), any other broken entry is dropped. None when that
    does not give a valid show within a few rounds."""
    import copy

    from pydantic import ValidationError

    from showctl.model import show as m

    pruned: Any = copy.deepcopy(data)
    for round_ in range(4):
        for err in exc.errors():
            _set_aside(pruned, data_path(pruned, tuple(err["loc"])), round_)
        try:
            return m.Show.model_validate(pruned)
        except ValidationError as again:
            exc = again
        except Exception:
            return None
    return None


def _set_aside(data: Any, path: PathKey, round_: int) -> None:
    cue_at = max((k for k in range(1, len(path))
                  if path[k - 1] == "cues" and isinstance(path[k], int)), default=None)
    if cue_at is not None:
        parent = data
        for seg in path[:cue_at]:
            parent = parent[seg]
        parent[path[cue_at]] = {"number": f"__set_aside_{round_}_{'_'.join(map(str, path))}",
                                "type": "memo"}
        return
    if len(path) >= 2:
        parent = data
        for seg in path[:-1] if len(path) == 2 else path[:1]:
            parent = parent[seg]
        key = path[-1] if len(path) == 2 else path[1]
        if isinstance(parent, dict):
            parent.pop(key, None)
        elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
            parent[key] = None
    elif len(path) == 1 and isinstance(data, dict) and path[0] not in ("show", "cuelists"):
        data.pop(path[0], None)


# ----------------------------------------------------------------- pydantic → problems


def _all_field_names() -> list[str]:
    """Every key the show schema knows, for 'did you mean' hints on typos."""
    from pydantic import BaseModel

    from showctl.model import show as m

    names: set[str] = set()
    for value in vars(m).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            for fname, f in value.model_fields.items():
                names.add(f.alias or fname)
    return sorted(names)


_FIELD_NAMES: list[str] | None = None


def _field_names(_: PathKey) -> list[str]:
    global _FIELD_NAMES
    if _FIELD_NAMES is None:
        _FIELD_NAMES = _all_field_names()
    return _FIELD_NAMES


@functools.cache
def show_wording() -> Wording:
    """How a show file words its problems (pinned by tests/golden/errors/show--*.txt)."""
    from showctl.model import show as m

    return Wording(
        names_at=_field_names,
        prefix="key",
        plain=True,
        strip=("Value error, ", "Assertion failed, "),
        tag_key="type",
        tag_unknown="unknown cue type '{tag}'{hint}; known: {known}",
        tag_missing="a cue needs a 'type': one of {known}",
        tag_values=tuple(m.CUE_TYPES),
    )


def _problems_from(exc: ValidationError, located: Located, name: str) -> list[Problem]:
    return validation_problems(exc, located, name, show_wording())


def _resolve_media(
    show: m.Show, paths: dict[tuple[str, str], PathKey], base: Path
) -> list[tuple[PathKey, str]]:
    """Find and read the MIDI files of ``midi_file`` cues (relative to the show file)."""
    from showctl.model import show as m

    out: list[tuple[PathKey, str]] = []
    for lname, cue, _ in show.walk():
        if not isinstance(cue, m.MidiFileCue):
            continue
        where = (*paths.get((lname, cue.number), ()), "file")
        p = Path(cue.file)
        if not p.is_absolute():
            p = base / p
        try:
            import mido

            length = float(mido.MidiFile(str(p)).length)
        except FileNotFoundError:
            out.append((where, f"cue {cue.number}: no such MIDI file {str(p)!r}"))
            continue
        except Exception as exc:  # mido raises many kinds of errors on bad files
            out.append((where, f"cue {cue.number}: cannot read MIDI file {str(p)!r}: {exc}"))
            continue
        cue.resolve(str(p), length)
    return out
