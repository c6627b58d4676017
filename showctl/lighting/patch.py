"""The patch: which fixture (profile and mode) sits at which universe and address.

A show file lists patch entries::

    patch:
      - {id: 1, name: "DS wash L", profile: rgbw-par, mode: 8ch, universe: 1, address: 1,
         groups: [front], position: [-3, 1]}
      - {id: 101, name: "Spot 1", profile: moving-spot, mode: standard, universe: 2,
         address: 1}

:class:`PatchEntry` is the pydantic model of one entry. :func:`validate_patch` checks a
list of entries against the profiles and returns *all* problems, each carrying the
entry's index so the show loader can point at ``file:line``. :func:`build_patch` gives
a :class:`Patch` (fixtures resolved to profile layouts, groups, lookups by id or group
name) or raises :class:`PatchError` with those problems.

Universe numbers are the show's logical universes (0-63999); the rig profile decides
which Art-Net port-address or sACN universe each one goes to.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from showctl.lighting.profile_model import ChannelLayout, ModeLayout, Profile
from showctl.lighting.profiles import ProfileError, ProfileNotFoundError, load_profile
from showctl.lighting.values import canonical_attribute, missing_attribute_message, to_normalized

FixtureId = int | str
ProfileLoader = Callable[[str], Profile]


class PatchEntry(BaseModel):
    """One patched fixture, as written in a show file."""

    model_config = ConfigDict(extra="forbid")

    id: FixtureId = Field(description="fixture number or short text; cues refer to it")
    name: str = ""
    profile: str = Field(min_length=1, description="shipped profile name or a path")
    mode: str | None = Field(default=None, description="profile mode; the first if omitted")
    universe: int = Field(ge=0, le=63999)
    address: int = Field(ge=1, le=512)
    position: tuple[float, float] | None = Field(
        default=None, description="x, y on the stage plot (metres; 0,0 = centre line, DS edge)"
    )
    groups: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, v: FixtureId) -> FixtureId:
        if isinstance(v, str) and not v.strip():
            raise ValueError("a fixture id cannot be blank")
        return v

    @property
    def key(self) -> str:
        """The id as text: cue files write ``"1"`` as a mapping key, so ids compare as text."""
        return fixture_key(self.id)


def fixture_key(fid: FixtureId) -> str:
    return str(fid).strip()


@dataclass(frozen=True, slots=True)
class PatchProblem:
    """A problem with the patch. ``index`` is the entry's position in the patch list."""

    index: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"patch entry {self.index + 1}"
        if self.field:
            where += f" ({self.field})"
        return f"{where}: {self.message}"


class PatchError(Exception):
    """The patch cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[PatchProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class AttributeLookupError(LookupError):
    """A cue names a fixture, group or attribute the patch does not have."""

    def __str__(self) -> str:
        # LookupError/KeyError would print the repr of the argument; we want the sentence.
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class PatchedFixture:
    """A patch entry with its profile resolved."""

    index: int
    entry: PatchEntry
    profile: Profile
    layout: ModeLayout
    # from the entry, kept at hand: a 65,536-fixture patch reads them many times
    key: str = field(init=False)
    universe: int = field(init=False)
    address: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", self.entry.key)
        object.__setattr__(self, "universe", self.entry.universe)
        object.__setattr__(self, "address", self.entry.address)

    @property
    def label(self) -> str:
        """How errors name the fixture: ``fixture 101 'Spot 1'``."""
        name = f" {self.entry.name!r}" if self.entry.name else ""
        return f"fixture {self.key}{name}"

    @property
    def last_address(self) -> int:
        return self.address + self.layout.footprint - 1


def attribute_for(fixture: PatchedFixture, attr: str) -> ChannelLayout:
    """Where ``attr`` sits in ``fixture``; a clear error if the fixture lacks it."""
    name = canonical_attribute(attr)
    ch = fixture.layout.attributes.get(name)
    if ch is None:
        raise AttributeLookupError(
            f"{fixture.label}: {missing_attribute_message(fixture.layout, name)}"
        )
    return ch


def _resolve(
    entries: Sequence[PatchEntry], loader: ProfileLoader
) -> tuple[list[PatchedFixture], list[PatchProblem]]:
    problems: list[PatchProblem] = []
    fixtures: list[PatchedFixture] = []
    cache: dict[str, Profile | list[str]] = {}
    layouts: dict[tuple[str, str], ModeLayout] = {}
    for i, e in enumerate(entries):
        got = cache.get(e.profile)
        if got is None:
            try:
                got = loader(e.profile)
            except ProfileNotFoundError as exc:
                got = [str(exc)]
            except ProfileError as exc:
                got = [f"profile {e.profile!r} has errors:", *exc.problems]
            cache[e.profile] = got
        if isinstance(got, list):
            problems.append(PatchProblem(i, "profile", "\n  ".join(got)))
            continue
        mode = e.mode if e.mode is not None else next(iter(got.modes))
        if mode not in got.modes:
            modes = list(got.modes)
            close = difflib.get_close_matches(mode, modes, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                PatchProblem(
                    i,
                    "mode",
                    f"profile {e.profile!r} has no mode {mode!r}{hint}; modes: {', '.join(modes)}",
                )
            )
            continue
        layout = layouts.get((e.profile, mode))
        if layout is None:
            layout = layouts[(e.profile, mode)] = got.layout(mode)
        fixtures.append(PatchedFixture(i, e, got, layout))
    return fixtures, problems


def _address_problems(fixtures: Sequence[PatchedFixture]) -> list[PatchProblem]:
    problems: list[PatchProblem] = []
    by_universe: dict[int, list[PatchedFixture]] = {}
    for f in fixtures:
        if f.last_address > 512:
            problems.append(
                PatchProblem(
                    f.index,
                    "address",
                    f"{f.label} needs {f.layout.footprint} channels from address "
                    f"{f.address}, past channel 512 of universe {f.universe} "
                    f"(last possible start: {513 - f.layout.footprint})",
                )
            )
        by_universe.setdefault(f.universe, []).append(f)
    for universe, group in by_universe.items():
        group.sort(key=lambda f: (f.address, f.index))
        # sweep: compare each fixture with every earlier one still "open" at its address
        open_: list[PatchedFixture] = []
        for f in group:
            open_ = [g for g in open_ if g.last_address >= f.address]
            for g in open_:
                first, second = sorted((f, g), key=lambda x: x.index)
                lo = max(f.address, g.address)
                hi = min(f.last_address, g.last_address)
                span = f"{lo}" if lo == hi else f"{lo}-{hi}"
                problems.append(
                    PatchProblem(
                        second.index,
                        "address",
                        f"{second.label} ({second.address}-{second.last_address}) overlaps "
                        f"{first.label} ({first.address}-{first.last_address}) "
                        f"on universe {universe} at {span}",
                    )
                )
            open_.append(f)
    return problems


def _id_problems(entries: Sequence[PatchEntry]) -> list[PatchProblem]:
    problems: list[PatchProblem] = []
    first: dict[str, int] = {}
    for i, e in enumerate(entries):
        key = e.key
        if key in first:
            problems.append(
                PatchProblem(
                    i, "id", f"duplicate fixture id {e.id!r} (also patch entry {first[key] + 1})"
                )
            )
        else:
            first[key] = i
    for i, e in enumerate(entries):
        if not e.groups:
            continue
        for g in e.groups:
            if fixture_key(g) in first:
                problems.append(
                    PatchProblem(
                        i,
                        "groups",
                        f"group name {g!r} is also a fixture id; cues could not tell them apart",
                    )
                )
    return problems


def validate_patch(
    entries: Sequence[PatchEntry], *, loader: ProfileLoader = load_profile
) -> list[PatchProblem]:
    """Every problem of the patch, in entry order: unknown profiles or modes, duplicate
    ids, fixtures past channel 512, overlapping addresses."""
    return check_patch(entries, loader=loader)[1]


def check_patch(
    entries: Iterable[PatchEntry], *, loader: ProfileLoader = load_profile
) -> tuple[Patch | None, list[PatchProblem]]:
    """:func:`validate_patch` and :func:`build_patch` in one pass: the patch (``None``
    when there are problems) and every problem."""
    entries = list(entries)
    fixtures, problems = _resolve(entries, loader)
    problems += _id_problems(entries)
    problems += _address_problems(fixtures)
    problems.sort(key=lambda p: p.index)
    return (None if problems else Patch(fixtures)), problems


@dataclass(slots=True)
class Patch:
    """A valid patch: fixtures in patch order, found by id or group name."""

    fixtures: list[PatchedFixture]
    by_key: dict[str, PatchedFixture] = field(default_factory=dict)
    groups: dict[str, list[PatchedFixture]] = field(default_factory=dict)
    # (numeric id, position in ``fixtures``), sorted: id ranges ("1-4") by bisection
    numbered: list[tuple[int, int]] = field(default_factory=list)
    _levels: dict[tuple[int, tuple[tuple[str, object], ...]], dict[str, float]] = field(
        default_factory=dict, repr=False, compare=False)
    """:meth:`levels` already worked out, by (fixture mode, values)."""

    def __post_init__(self) -> None:
        for i, f in enumerate(self.fixtures):
            self.by_key[f.key] = f
            for g in f.entry.groups:
                self.groups.setdefault(g, []).append(f)
            if f.key.isdigit():
                self.numbered.append((int(f.key), i))
        self.numbered.sort()

    def fixture(self, fid: FixtureId) -> PatchedFixture:
        """The fixture with id ``fid`` (``1`` and ``"1"`` are the same fixture)."""
        f = self.by_key.get(fixture_key(fid))
        if f is None:
            raise AttributeLookupError(f"no fixture {fid!r} in the patch{self._hint(fid)}")
        return f

    def select(self, key: FixtureId) -> list[PatchedFixture]:
        """A cue's key: a fixture id, or a group name (its fixtures, in patch order)."""
        k = fixture_key(key)
        f = self.by_key.get(k)
        if f is not None:
            return [f]
        g = self.groups.get(k)
        if g is not None:
            return list(g)
        raise AttributeLookupError(f"no fixture or group {key!r} in the patch{self._hint(key)}")

    def _hint(self, key: FixtureId) -> str:
        close = difflib.get_close_matches(fixture_key(key), [*self.by_key, *self.groups], n=1)
        return f" (did you mean {close[0]!r}?)" if close else ""

    def universes(self) -> list[int]:
        return sorted({f.universe for f in self.fixtures})

    def resolve_values(
        self, key: FixtureId, values: Mapping[str, object]
    ) -> list[tuple[PatchedFixture, dict[str, float]]]:
        """Normalized attribute values for every fixture ``key`` selects.

        Raises :class:`~showctl.lighting.values.ValueConversionError` naming the fixture,
        attribute and value, or :class:`AttributeLookupError` for an unknown key.
        """
        return [(f, self.levels(f, values)) for f in self.select(key)]

    def levels(self, f: PatchedFixture, values: Mapping[str, object]) -> dict[str, float]:
        """Normalized attribute values of ``values`` for fixture ``f`` (a new dict).

        Computed once per fixture mode and set of values: a show sets the same values on
        thousands of fixtures of a few modes (a 4,000-cue show converted 266,000)."""
        try:
            k: tuple[int, tuple[tuple[str, object], ...]] | None = (
                id(f.layout), tuple(values.items()))  # the layout lives as long as the patch
            got = self._levels.get(k)  # type: ignore[arg-type]
        except TypeError:  # an unhashable value ({dmx: N}): not cached
            k, got = None, None
        if got is None:
            got = {}
            for attr, value in values.items():
                got.update(to_normalized(f.layout, attr, value, fixture=f.label))
            if k is not None:
                self._levels[k] = got
        return dict(got)


def build_patch(entries: Iterable[PatchEntry], *, loader: ProfileLoader = load_profile) -> Patch:
    """A :class:`Patch`, or :class:`PatchError` listing every problem at once."""
    patch, problems = check_patch(entries, loader=loader)
    if patch is None:
        raise PatchError(problems)
    return patch


_ENTRIES = TypeAdapter(list[PatchEntry])


def parse_patch(data: object) -> list[PatchEntry]:
    """Patch entries from plain data (a show file's ``patch:`` list).

    A pydantic ``ValidationError`` lists every bad entry at once, located as
    ``(index, field)``, for the show loader to map to file:line:col.
    """
    return _ENTRIES.validate_python(data)
