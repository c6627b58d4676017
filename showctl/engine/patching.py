"""The show's patch as engine attributes, and fixture values of light cues as changes.

The fixture library (``showctl.lighting``) knows profiles, the patch and how a value
people write (``intensity: 80``, ``color: "warm white"``, ``pan: 45``) becomes a
normalized attribute value. This module adds every patched attribute to the engine's
rig layout (named ``"<fixture>.<attribute>"``, with its DMX slot, home value, HTP and
snap flags) and turns a light cue's ``fixtures:`` block into changes.

Cue keys select fixtures by id (``"101"``), by group name (``front``) or by an id range
(``"1-4"``, every patched numeric id in it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from showctl.engine.rig import Change
from showctl.lighting.patch import Patch, build_patch
from showctl.lighting.profile_model import EMITTERS
from showctl.lighting.render import compile_patch
from showctl.lighting.selection import select_fixtures
from showctl.lighting.values import VIRTUAL_INTENSITY
from showctl.model import show as m
from showctl.model.levels import dmx_carrier

if TYPE_CHECKING:
    from showctl.engine.lighting import RigLayout


def output_for_universe(show: m.Show, universe: int) -> str:
    """The DMX output carrying a universe (:func:`dmx_carrier`); when none does (``check``
    reports it), the first DMX output."""
    carrier = dmx_carrier(show.outputs, universe)
    if carrier is not None:
        return carrier
    dmx = [n for n, d in show.outputs.items() if d.kind is m.OutputKind.DMX]
    return dmx[0] if dmx else "lx"


class FixtureProgram:
    """A show's patch compiled for the engine."""

    def __init__(self, show: m.Show) -> None:
        self.show = show
        self.patch: Patch = build_patch(show.patch)
        self._compiled = compile_patch(self.patch)

    def register(self, layout: RigLayout) -> None:
        """Add every patched attribute to the layout, in patch order."""
        from showctl.engine.lighting import Slot

        compiled = self._compiled
        home = compiled.home_state()
        for f in self.patch.fixtures:
            output = output_for_universe(self.show, f.universe)
            base = f.address - 1
            virtual = f.layout.virtual_intensity
            scaled: list[int] = []
            for attr, ch in f.layout.attributes.items():
                i = compiled.attribute_index(f.key, attr)
                emitter = virtual and attr in EMITTERS
                j = layout.add(
                    f"{f.key}.{attr}",
                    Slot(output, f.universe, base + ch.coarse,
                         None if ch.fine is None else base + ch.fine),
                    home=float(home[i]),
                    intensity=bool(compiled.intensity_mask[i]),
                    # The virtual intensity takes the grandmaster for the emitters.
                    master=bool(compiled.master_mask[i]) and not emitter,
                    # Wheels and gobos jump between slots; fading through them would
                    # show every colour and gobo in between.
                    snap=bool(ch.spec.slots),
                )
                if emitter:
                    scaled.append(j)
            if virtual:
                # No dimmer channel: a virtual intensity (home: full, so the colours
                # show as the cues set them) scales the emitters (docs/fixtures.md).
                v = layout.add(f"{f.key}.{VIRTUAL_INTENSITY}",
                               Slot(output, f.universe, -1, None, virtual=True),
                               home=1.0, intensity=True, master=True)
                for j in scaled:
                    layout.scaled_by[j] = v

    def changes(self, cue: m.LightCue, layout: RigLayout) -> list[Change]:
        """The attribute changes of a light cue's ``fixtures:`` block."""
        out: list[Change] = []
        for key, values in cue.fixtures.items():
            if not isinstance(values, dict):
                raise ValueError(f"fixtures {key!r}: expected attribute: value pairs")
            for f in select_fixtures(self.patch, key):
                for attr, value in self.patch.resolve_values(f.key, values)[0][1].items():
                    out.append(Change(f"{f.key}.{attr}", value))
        return out
