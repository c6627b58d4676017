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

from collections.abc import Callable
from typing import TYPE_CHECKING

from showctl.engine.rig import Change
from showctl.lighting.patch import Patch, build_patch
from showctl.lighting.profile_model import EMITTERS, INTENSITY_ATTRIBUTES, ChannelLayout
from showctl.lighting.selection import select_fixtures
from showctl.lighting.values import VIRTUAL_INTENSITY, attribute_value
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


def home_value(attr: str, ch: ChannelLayout) -> float:
    """An attribute's normalized home value: its profile's default, else 0."""
    if ch.spec.default is None:
        return 0.0
    return attribute_value(ch.spec, attr, ch.spec.default, sixteen_bit=ch.sixteen_bit)


def register_patch(layout: RigLayout, patch: Patch, output_of: Callable[[int], str]) -> None:
    """Add every attribute of ``patch`` to ``layout``, in patch order, each on the DMX
    output ``output_of(universe)`` names."""
    from showctl.engine.lighting import Slot

    for f in patch.fixtures:
        output = output_of(f.universe)
        base = f.address - 1
        virtual = f.layout.virtual_intensity
        scaled: list[int] = []
        for attr, ch in f.layout.attributes.items():
            emitter = virtual and attr in EMITTERS
            j = layout.add(
                f"{f.key}.{attr}",
                Slot(output, f.universe, base + ch.coarse,
                     None if ch.fine is None else base + ch.fine),
                home=home_value(attr, ch),
                # Intensities merge highest-takes-precedence and take the grandmaster;
                # the emitters of a fixture without one take it through the virtual
                # intensity below.
                intensity=attr in INTENSITY_ATTRIBUTES,
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


class FixtureProgram:
    """A show's patch compiled for the engine."""

    def __init__(self, show: m.Show) -> None:
        self.show = show
        self.patch: Patch = build_patch(show.patch)

    def register(self, layout: RigLayout) -> None:
        """Add every patched attribute to the layout, in patch order."""
        register_patch(layout, self.patch, lambda u: output_for_universe(self.show, u))

    def changes(self, cue: m.LightCue, layout: RigLayout) -> list[Change]:
        """The attribute changes of a light cue's ``fixtures:`` block."""
        out: list[Change] = []
        for key, values in cue.fixtures.items():
            if not isinstance(values, dict):
                raise ValueError(f"fixtures {key!r}: expected attribute: value pairs")
            for f in select_fixtures(self.patch, key):
                fk = f.key
                for attr, value in self.patch.levels(f, values).items():
                    out.append(Change(f"{fk}.{attr}", value))
        return out
