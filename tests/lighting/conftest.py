"""Shared helpers for the lighting tests: patch one fixture and render it to bytes (on the
engine's rendering path, see tests/render_support.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from render_support import render_look

from showctl.lighting.patch import PatchEntry, build_patch
from showctl.lighting.profiles import Profile, load_profile, parse_profile

DATA = Path(__file__).parent / "data"

RenderOne = Callable[..., bytes]


@pytest.fixture
def render_one() -> RenderOne:
    """Render one fixture's values; return its bytes from its start address."""

    def run(
        profile: str | Profile,
        values: Mapping[str, object],
        *,
        mode: str | None = None,
        address: int = 1,
        universe: int = 1,
    ) -> bytes:
        prof = profile if isinstance(profile, Profile) else load_profile(profile)
        entry = PatchEntry(id=1, profile="p", mode=mode, universe=universe, address=address)
        patch = build_patch([entry], loader=lambda _name: prof)
        frame = render_look(patch, {1: values})[universe]
        footprint = patch.fixtures[0].layout.footprint
        return frame[address - 1 : address - 1 + footprint]

    return run


@pytest.fixture
def make_profile() -> Callable[[str], Profile]:
    def make(text: str) -> Profile:
        return parse_profile(text, "test.yaml", "test")

    return make
