"""From light cues to fades: the rig layout, tracked looks per list, and LightAction.

A light cue holds only what changes. Before the show runs, every list's light cues are
walked in order to compute each cue's *look*: the full tracked state of every attribute
that list ever touches (home values where nothing was set yet). ``cue_only`` changes
last for that cue only. Firing a cue fades the attributes whose look value differs from
where the playback is heading (Eos "move" semantics); a ``block`` cue re-asserts its
whole look, taking every attribute back for this list (LTP).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from showctl.engine.lighting import CURVES, FadeSpec, Lighting, RigLayout, Slot
from showctl.engine.runs import Run
from showctl.model import show as m
from showctl.model.levels import parse_address, parse_level

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


@dataclass(frozen=True, slots=True)
class Change:
    attr: str
    """Attribute name in the rig layout."""
    value: float
    """Normalized 0..1."""


def dmx_outputs(show: m.Show) -> list[str]:
    return [n for n, d in show.outputs.items() if d.kind is m.OutputKind.DMX]


class LightProgram:
    """The compiled lighting side of a show: layout, changes per cue, looks per cue."""

    def __init__(self, show: m.Show, fixtures: Any = None) -> None:
        self.show = show
        self.layout = RigLayout()
        outs = dmx_outputs(show)
        self.default_output = outs[0] if outs else "lx"
        self.fixtures = fixtures
        if fixtures is None and show.patch:
            from showctl.engine.patching import FixtureProgram

            self.fixtures = FixtureProgram(show)
        if self.fixtures is not None:
            self.fixtures.register(self.layout)
        self.changes: dict[tuple[str, str], list[Change]] = {}
        self.looks: dict[tuple[str, str], dict[str, float]] = {}
        for lname, cue, _parent in show.walk():
            if isinstance(cue, m.LightCue):
                self.changes[(lname, cue.number)] = self._changes_of(cue)
        self._compute_looks()

    def _changes_of(self, cue: m.LightCue) -> list[Change]:
        out: list[Change] = []
        output = cue.output or self.default_output
        for key, level in cue.channels.items():
            universe, address = parse_address(key)
            name = f"{output}:{universe}/{address}"
            self.layout.add(name, Slot(output, universe, address - 1), intensity=True)
            out.append(Change(name, parse_level(level)))
        if cue.fixtures:
            if self.fixtures is None:
                raise ValueError(
                    f"light cue {cue.number} sets fixtures but the show has no patch")
            out.extend(self.fixtures.changes(cue, self.layout))
        return out

    def _compute_looks(self) -> None:
        for lname, cl in self.show.cuelists.items():
            cues = [c for ln, c, _ in self.show.walk() if ln == lname and isinstance(c, m.LightCue)]
            del cl
            touched = {ch.attr for c in cues for ch in self.changes[(lname, c.number)]}
            tracked = {a: self.layout.home[self.layout.index[a]] for a in touched}
            for cue in cues:
                before = dict(tracked)
                for ch in self.changes[(lname, cue.number)]:
                    tracked[ch.attr] = ch.value
                self.looks[(lname, cue.number)] = dict(tracked)
                if cue.cue_only:
                    tracked = before

    def fade_for(self, lighting: Lighting, list_name: str, cue: m.LightCue) -> tuple[
            FadeSpec, float]:
        """The fade a cue makes from the playback's state now, and the cue's duration."""
        look = self.looks[(list_name, cue.number)]
        own = {ch.attr for ch in self.changes[(list_name, cue.number)]}
        target_now = lighting.target_of(list_name)
        current = lighting.playback(list_name).values(lighting.clock.now())
        default = self.show.settings.default_fade
        up, down = cue.fade_times(default)
        base = cue.time if cue.time is not None else default
        idx, targets, delays, durs, curves = [], [], [], [], []
        longest = 0.0
        for attr, value in look.items():
            i = self.layout.index[attr]
            moves = abs(target_now[i] - value) > 1e-12 or attr in own
            if not (moves or cue.block):
                continue
            attr_name = attr.rsplit(".", 1)[-1] if "." in attr else "intensity"
            cat = category(attr_name)
            if self.layout.intensity[i]:
                t = up if value >= current[i] else down
            else:
                t = cue.times.get(attr_name, cue.times.get(cat, base))
            curve = "snap" if self.layout.snap[i] else cue.curve
            idx.append(i)
            targets.append(value)
            delays.append(cue.delay)
            durs.append(0.0 if curve == "snap" else t)
            curves.append(CURVES.index(curve))
            longest = max(longest, t)
        spec = FadeSpec(
            np.array(idx, dtype=np.int64), np.array(targets, dtype=np.float64),
            np.array(delays, dtype=np.float64), np.array(durs, dtype=np.float64),
            np.array(curves, dtype=np.int8),
        )
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
        self.spec, duration = engine.light_program.fade_for(lighting, run.list, self.cue)
        self.duration: float | None = duration

    def _lighting(self) -> Lighting:
        lighting = getattr(self.engine, "lighting", None)
        if lighting is None:
            raise RuntimeError("the engine has no lighting attached")
        assert isinstance(lighting, Lighting)
        return lighting

    def start(self) -> None:
        self._lighting().fade(self.run.list, self.spec, self.owner)

    def pause(self) -> None:
        self._lighting().pause(self.owner)

    def resume(self) -> None:
        self._lighting().resume(self.owner)

    def stop(self) -> None:
        self._lighting().stop(self.owner)

    def fade_out(self, duration: float) -> None:
        self._lighting().fade_intensity_out(self.owner, duration)
