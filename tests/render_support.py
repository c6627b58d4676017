"""A patch rendered the way the engine renders it: the rig layout the engine builds from
the patch (:func:`showctl.engine.patching.register_patch`), the engine's float32 attribute
values, and its renderer (:class:`showctl.engine.dmx_render.Renderer`). Tests that check
DMX bytes go through this, so they check the path a running show takes."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from showctl.engine.dmx_render import Renderer
from showctl.engine.patching import register_patch
from showctl.engine.rig import F32, RigLayout
from showctl.lighting.patch import FixtureId, Patch


class PatchRig:
    """One patch on the engine's layout and renderer (every universe on output ``lx``)."""

    def __init__(self, patch: Patch) -> None:
        self.patch = patch
        self.layout = RigLayout()
        register_patch(self.layout, patch, lambda _universe: "lx")
        self.renderer = Renderer(self.layout)

    def index(self, key: FixtureId, attr: str) -> int:
        return self.layout.index[f"{key}.{attr}"]

    def home_state(self) -> F32:
        """The engine's values at home (as :class:`~showctl.engine.lighting.Lighting`)."""
        return np.array(self.layout.home, dtype=np.float32)

    def apply(self, state: F32, key: FixtureId, values: Mapping[str, object]) -> None:
        """Set a cue line's values (``"101": {pan: 45}``; ``key`` may be a group), converted
        as the engine converts a light cue's ``fixtures:`` block."""
        for fixture, levels in self.patch.resolve_values(key, values):
            for attr, v in levels.items():
                state[self.index(fixture.key, attr)] = v

    def render_bytes(self, state: F32) -> dict[int, bytes]:
        """Every patched universe's 512 bytes for ``state``."""
        self.renderer.render(state)
        return {u: data for _output, u, data in self.renderer.all_universes()}


def render_look(patch: Patch, looks: Mapping[FixtureId, Mapping[str, object]]) -> dict[int, bytes]:
    """The DMX of a cue's fixtures block (home values elsewhere), universe → bytes."""
    rig = PatchRig(patch)
    state = rig.home_state()
    for key, values in looks.items():
        rig.apply(state, key, values)
    return rig.render_bytes(state)
