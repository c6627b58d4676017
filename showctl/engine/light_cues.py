"""From light cues to fades: the rig layout, tracked looks per list, and LightAction.

A light cue holds only what changes. Before the show runs, every list's light cues are
walked in order to compute each cue's *look*: the full tracked state of every attribute
that list ever touches (home values where nothing was set yet). ``cue_only`` changes
last for that cue only. Firing a cue fades the attributes whose look value differs from
where the playback is heading (Eos "move" semantics); a ``block`` cue re-asserts its
whole look, taking every attribute back for this list (LTP).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from showctl.engine.lighting import CURVES, F32, FadeSpec, Lighting, RigLayout, Slot
from showctl.engine.rig import Change
from showctl.engine.runs import Run
from showctl.model import show as m
from showctl.model.levels import dmx_carrier, parse_address, parse_level

I64 = npt.NDArray[np.int64]

BIG_GO = 65536
"""A light cue whose list touches more attributes than this is set up in slices."""
GO_CHUNK = 8192
"""Attributes set up per slice: a few milliseconds, so no frame waits for a big GO."""

if TYPE_CHECKING:
    from showctl.engine.engine import Engine

CATEGORY = {
    "intensity": "intensity",
    **{a: "color" for a in ("red", "green", "blue", "white", "amber", "uv", "cyan", "magenta",
                            "yellow", "color_wheel", "cto", "hue", "saturation")},
    **{a: "position" for a in ("pan", "tilt")},
}


def category(attr: str) -> str:
    return CATEGORY.get(attr, "beam")


def dmx_outputs(show: m.Show) -> list[str]:
    return [n for n, d in show.outputs.items() if d.kind is m.OutputKind.DMX]


_prepared: tuple[m.Show, LightProgram] | None = None


def prepare(show: m.Show) -> LightProgram:
    """Compile a show's lighting program ahead of its engine: the next :class:`Engine`
    built for this very show object takes it instead of compiling (once; a second
    engine compiles its own). A supervisor calls it before it forks engines, so a
    restarted engine finds it compiled in memory — the compile of a big rig is most of
    a restart's time (docs/performance.md)."""
    global _prepared
    program = LightProgram(show)
    _prepared = (show, program)
    return program


def take_prepared(show: m.Show) -> LightProgram | None:
    """The program :func:`prepare` compiled for ``show`` (and forget it), else None."""
    global _prepared
    if _prepared is None or _prepared[0] is not show:
        return None
    program = _prepared[1]
    _prepared = None
    return program


class LightProgram:
    """The compiled lighting side of a show: layout, changes per cue, looks per cue."""

    def __init__(self, show: m.Show, fixtures: Any = None, *,
                 layout: RigLayout | None = None) -> None:
        """``layout``: a layout to extend (a hot reload compiles the new version onto
        the running rig's, so an unchanged rig keeps every attribute's index)."""
        self.show = show
        self.layout = layout if layout is not None else RigLayout()
        outs = dmx_outputs(show)
        self.default_output = outs[0] if outs else "lx"
        self.fixtures = fixtures
        if fixtures is None and show.patch:
            from showctl.engine.patching import FixtureProgram

            self.fixtures = FixtureProgram(show)
        if self.fixtures is not None:
            self.fixtures.register(self.layout)
        changes: dict[tuple[str, str], list[Change]] = {}
        for lname, cue, _parent in show.walk():
            if isinstance(cue, m.LightCue):
                changes[(lname, cue.number)] = self._changes_of(cue)
        # From here on the layout is complete: everything is arrays indexed by attribute.
        index = self.layout.index
        self.changes: dict[tuple[str, str], tuple[I64, F32]] = {
            key: (np.array([index[c.attr] for c in chs], dtype=np.int64),
                  np.array([c.value for c in chs], dtype=np.float32))
            for key, chs in changes.items()
        }
        self.order: dict[str, list[m.LightCue]] = {name: [] for name in show.cuelists}
        for lname, cue, _parent in show.walk():
            if isinstance(cue, m.LightCue):
                self.order[lname].append(cue)
        self.touched: dict[str, I64] = {
            name: np.unique(np.concatenate(
                [self.changes[(name, c.number)][0] for c in cues] or [np.zeros(0, np.int64)]))
            for name, cues in self.order.items()
        }
        # attribute index → position in its list's touched array (a gather, not a search)
        self._pos: dict[str, I64] = {}
        for name, touched in self.touched.items():
            pos = np.full(len(self.layout.names), -1, dtype=np.int64)
            pos[touched] = np.arange(len(touched))
            self._pos[name] = pos
        names = self.layout.names
        short = [n.rsplit(".", 1)[-1] if "." in n else "intensity" for n in names]
        self._short = np.array(short, dtype=object)
        cats = ("intensity", "color", "position", "beam")
        self._cat = np.array([cats.index(category(a)) for a in short], dtype=np.int8)
        self._is_int = np.array(self.layout.intensity, dtype=bool)
        self._snap = np.array(self.layout.snap, dtype=bool)
        self._home = np.array(self.layout.home, dtype=np.float32)
        self._looks: dict[tuple[str, str], F32] = {}
        self._own: dict[tuple[str, str], I64] = {}

    def _changes_of(self, cue: m.LightCue) -> list[Change]:
        out: list[Change] = []
        for key, level in cue.channels.items():
            universe, address = parse_address(key)
            # A raw channel leaves on the output that carries its universe (as a
            # fixture's do), unless the cue names its output.
            output = (cue.output or dmx_carrier(self.show.outputs, universe)
                      or self.default_output)
            name = f"{output}:{universe}/{address}"
            self.layout.add(name, Slot(output, universe, address - 1), intensity=True)
            out.append(Change(name, parse_level(level)))
        if cue.fixtures:
            if self.fixtures is None:
                raise ValueError(
                    f"light cue {cue.number} sets fixtures but the show has no patch")
            out.extend(self.fixtures.changes(cue, self.layout))
        return out

    def look(self, list_name: str, number: str) -> tuple[I64, F32]:
        """The full tracked look of a light cue: (attribute indices, values).

        Computed on demand (tracking through every earlier light cue of the list, with
        cue-only changes lasting one cue) and remembered for the few most recent cues.
        """
        for _ in self.look_steps(list_name, number):
            pass
        return self.touched[list_name], self._looks[(list_name, number)]

    def looks(self, list_name: str) -> Iterator[tuple[m.LightCue, F32]]:
        """Every light cue of a list with its look, in one pass (tracking as
        :meth:`look_steps` does): for tools that want them all, like an export. Each
        look is a fresh array over ``touched[list_name]``."""
        tracked = self._home[self.touched[list_name]].copy()
        where = self._pos[list_name]
        for cue in self.order[list_name]:
            idx, vals = self.changes[(list_name, cue.number)]
            pos = where[idx]
            before = tracked[pos].copy() if cue.cue_only else None
            tracked[pos] = vals
            yield cue, tracked.copy()
            if before is not None:
                tracked[pos] = before

    def look_steps(self, list_name: str, number: str) -> Iterator[None]:
        """Compute (and remember) a cue's look one earlier cue per step, so a big
        list's look can be made between frames (:meth:`Lighting.run_job`)."""
        key = (list_name, number)
        if key not in self._own:
            idx = self.changes[key][0]
            if len(idx) > GO_CHUNK:
                yield
            # Where the cue's own attributes sit in the list's touched set, sorted: a
            # big GO finds each slice's share by binary search.
            self._own[key] = np.sort(self._pos[list_name][idx])
            if len(self._own) > 32:
                self._own.pop(next(iter(self._own)))
        if key in self._looks:
            return
        touched = self.touched[list_name]
        tracked = self._home[touched].copy()
        where = self._pos[list_name]
        for cue in self.order[list_name]:
            idx, vals = self.changes[(list_name, cue.number)]
            pos = where[idx]
            before = tracked[pos].copy() if cue.cue_only else None
            tracked[pos] = vals
            if cue.number == number:
                break
            if before is not None:
                tracked[pos] = before
            if len(idx) > GO_CHUNK:
                yield
        if len(self._looks) >= 32:
            self._looks.pop(next(iter(self._looks)))
        self._looks[key] = tracked

    def fade_for(self, lighting: Lighting, list_name: str, cue: m.LightCue) -> tuple[
            FadeSpec, float]:
        """The fade a cue makes from the playback's state now, and the cue's duration."""
        touched, look = self.look(list_name, cue.number)
        own = self._own_mask(list_name, cue, len(touched))
        target_now = lighting.target_of(list_name)[touched]
        current = lighting.playback(list_name).values(lighting.clock.now())[touched]
        return self._spec(cue, touched, look, own, target_now, current)

    def _own_mask(self, list_name: str, cue: m.LightCue, n: int) -> npt.NDArray[np.bool_]:
        own_idx, _ = self.changes[(list_name, cue.number)]
        own = np.zeros(n, dtype=bool)
        own[self._pos[list_name][own_idx]] = True
        return own

    def chunked(self, list_name: str, cue: m.LightCue) -> float | None:
        """For a cue too big to set up between two frames (it touches more than
        :data:`BIG_GO` attributes) whose times are uniform, its duration (known without
        computing the fade); None: set it up at once (:meth:`fade_for`)."""
        if cue.times or cue.up is not None or cue.down is not None:
            return None
        if len(self.touched[list_name]) <= BIG_GO or not len(
                self.changes[(list_name, cue.number)][0]):
            return None
        base = cue.time if cue.time is not None else self.show.settings.default_fade
        # Uniform times: every selected attribute fades in `base` (snaps jump at once),
        # and the cue's own attributes are always selected — as fade_for computes it.
        return cue.delay + base

    def fade_slices(self, lighting: Lighting, list_name: str, cue: m.LightCue,
                    at: float) -> Iterator[FadeSpec]:
        """:meth:`fade_for` in slices of :data:`GO_CHUNK` attributes, each computed from
        the playback as it was at ``at`` (the GO), so slicing changes no value or time."""
        touched, look = self.look(list_name, cue.number)
        for _ in self.look_steps(list_name, cue.number):
            pass  # made already by the GO's first steps (LightAction._slices)
        own_pos = self._own[(list_name, cue.number)]
        pb = lighting.playback(list_name)
        for lo in range(0, len(touched), GO_CHUNK):
            # The cue's own attributes in this slice, found in the sorted positions (a
            # whole-list mask would cost the first slice a pass over every attribute).
            a, b = np.searchsorted(own_pos, [lo, lo + GO_CHUNK])
            own = np.zeros(min(GO_CHUNK, len(touched) - lo), dtype=bool)
            own[own_pos[a:b] - lo] = True
            sl = slice(lo, lo + GO_CHUNK)
            idx = touched[sl]
            spec, _ = self._spec(cue, idx, look[sl], own, pb.target[idx],
                                 pb.values_at(at, idx))
            yield spec

    def _spec(self, cue: m.LightCue, touched: I64, look: F32, own: npt.NDArray[np.bool_],
              target_now: F32, current: F32) -> tuple[FadeSpec, float]:
        # Move what changes (Eos "move"), what the cue itself sets, or everything (block).
        moves = np.abs(target_now - look) > 1e-6
        moves |= own
        sel = np.ones(len(touched), dtype=bool) if cue.block else moves
        idx, vals, cur = touched[sel], look[sel], current[sel]

        default = self.show.settings.default_fade
        base = cue.time if cue.time is not None else default
        t = np.full(len(idx), base, dtype=np.float64)
        cats = ("intensity", "color", "position", "beam")
        # Category times first, then attribute times, which are more specific.
        if cue.times:
            cat = self._cat[idx]
            for key, value in cue.times.items():
                if key in cats:
                    t[cat == cats.index(key)] = value
            if any(key not in cats for key in cue.times):
                short = self._short[idx]
                for key, value in cue.times.items():
                    if key not in cats:
                        t[short == key] = value
        is_int = self._is_int[idx]
        int_base = cue.times.get("intensity", base)
        up = cue.up if cue.up is not None else int_base
        down = cue.down if cue.down is not None else int_base
        t = np.where(is_int, np.where(vals >= cur, up, down), t)
        snap = self._snap[idx]
        curve_code = np.int8(CURVES.index(cue.curve))
        spec = FadeSpec(
            idx,
            vals.astype(np.float64),
            np.full(len(idx), cue.delay),
            np.where(snap, 0.0, t),
            np.where(snap, np.int8(CURVES.index("snap")), curve_code).astype(np.int8),
        )
        longest = float(t.max()) if len(t) else 0.0
        # The cue's duration is what its times say, even when nothing happens to move.
        stated = max([base if cue.time is not None else 0.0, cue.up or 0.0, cue.down or 0.0])
        return spec, cue.delay + max(stated, longest)


class LightAction:
    """A running light cue: its fades belong to this run (pause, stop, fade-out)."""

    _ids = 0
    self_ending = False

    def __init__(self, engine: Engine, run: Run) -> None:
        assert isinstance(run.cue, m.LightCue)
        self.engine = engine
        self.run = run
        self.cue: m.LightCue = run.cue
        LightAction._ids += 1
        self.owner = LightAction._ids
        lighting = self._lighting()
        # The fade is timed from the moment the action started, not from when the (large)
        # computation below finishes: a big cue must not end late.
        self.at = lighting.clock.now()
        program = engine.light_program
        self.spec: FadeSpec | None = None
        chunked = program.chunked(run.list, self.cue)
        if chunked is None:
            self.spec, duration = program.fade_for(lighting, run.list, self.cue)
        else:
            duration = chunked
        self.duration: float | None = duration

    def _lighting(self) -> Lighting:
        lighting = getattr(self.engine, "lighting", None)
        if lighting is None:
            raise RuntimeError("the engine has no lighting attached")
        assert isinstance(lighting, Lighting)
        return lighting

    def start(self) -> None:
        lighting = self._lighting()
        if self.spec is not None:
            lighting.fade(self.run.list, self.spec, self.owner, at=self.at)
            return
        # A huge cue: set up slice by slice between frames (each slice timed from the
        # GO); the GO's frame goes out when the last slice is in.
        lighting.run_job(self._slices(lighting))

    def _slices(self, lighting: Lighting) -> Iterator[None]:
        program = self.engine.light_program
        yield from program.look_steps(self.run.list, self.cue.number)
        for spec in program.fade_slices(lighting, self.run.list, self.cue, self.at):
            lighting.fade(self.run.list, spec, self.owner, at=self.at, send=False,
                          sliced=True)
            yield
        # Make the next standby light cue's look now, between frames, so its GO starts
        # with its first slice.
        standby = self.engine.lists[self.run.list].playhead
        if isinstance(standby, m.LightCue) and standby is not self.cue:
            yield from program.look_steps(self.run.list, standby.number)

    def pause(self) -> None:
        self._lighting().pause(self.owner)

    def resume(self) -> None:
        self._lighting().resume(self.owner)

    def stop(self) -> None:
        self._lighting().stop(self.owner)

    def fade_out(self, duration: float) -> None:
        self._lighting().fade_intensity_out(self.owner, duration)
