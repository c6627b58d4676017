"""DMX rendering on the engine's path (the rig layout the engine builds from a patch, its
float32 values and :class:`showctl.engine.dmx_render.Renderer`): exact bytes at exact
offsets, coarse then fine, change tracking, the HTP and grandmaster flags."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from render_support import PatchRig

from showctl.lighting.patch import AttributeLookupError, Patch, PatchEntry, build_patch
from showctl.lighting.profiles import load_profile, parse_profile
from showctl.lighting.values import ValueConversionError


def rig() -> PatchRig:
    return PatchRig(
        build_patch(
            [
                PatchEntry(
                    id=1,
                    name="DS wash L",
                    profile="rgbw-par",
                    mode="8ch",
                    universe=1,
                    address=10,
                    groups=["front"],
                ),
                PatchEntry(
                    id=101,
                    name="Spot 1",
                    profile="moving-spot",
                    mode="standard",
                    universe=2,
                    address=101,
                ),
                PatchEntry(id=7, profile="dimmer-16bit", universe=1, address=511),
                PatchEntry(id=8, profile="rgb-par", mode="3ch", universe=5, address=1),
            ]
        )
    )


def test_exact_bytes_at_exact_offsets() -> None:
    c = rig()
    s = np.zeros(len(c.layout.names), dtype=np.float32)
    c.apply(s, 1, {"intensity": 80, "color": "warm white"})
    c.apply(s, "101", {"pan": 0, "tilt": -20, "gobo": "breakup", "zoom": 21, "dimmer": 50})
    c.apply(s, 7, {"intensity": 1})
    frames = c.render_bytes(s)
    assert set(frames) == {1, 2, 5}
    u1 = frames[1]
    # rgbw-par at address 10: intensity, R, G, B, W, strobe, effect, speed
    assert u1[9:17] == bytes([204, 0xFF - 0xAA, 0xD6 - 0xAA, 0, 0xAA, 0, 0, 0])
    assert u1[:9] == bytes(9) and u1[17:510] == bytes(493)
    # 16-bit dimmer at 511-512: 1 % = 655.35 -> 655 = 0x028F, coarse first
    assert u1[510:512] == b"\x02\x8f"
    u2 = frames[2]
    spot = u2[100:114]
    assert spot[0:4] == b"\x80\x00\x6d\x09"  # pan 0 -> 0x8000; tilt -20 -> 0x6D09
    assert spot[6] == 10 and spot[8] == 128  # gobo breakup; zoom 21 of 12..30
    assert spot[11:13] == b"\x80\x00"  # intensity 50 %, coarse then fine
    assert u2[:100] == bytes(100) and u2[114:] == bytes(398)


def test_fine_channel_away_from_coarse() -> None:
    prof = parse_profile(
        "manufacturer: T\nmodel: T\nattributes:\n  pan: {range: [0, 540]}\n"
        "  tilt: {range: [0, 270]}\nmodes:\n  m: [tilt.fine, pan, intensity, tilt, pan.fine]\n",
        "test.yaml", "test",
    )
    c = PatchRig(
        build_patch([PatchEntry(id=1, profile="t", universe=0, address=20)], loader=lambda _n: prof)
    )
    s = np.zeros(len(c.layout.names), dtype=np.float32)
    c.apply(s, 1, {"pan": 90, "tilt": 45, "intensity": "full"})
    frame = c.render_bytes(s)[0]
    # pan 90/540 -> 0x2AAB; tilt 45/270 -> 0x2AAB; each coarse at its own slot
    assert frame[19:24] == bytes([0xAB, 0x2A, 0xFF, 0x2A, 0xAB])


def test_home_state() -> None:
    c = rig()
    home = c.home_state()
    u2 = c.render_bytes(home)[2][100:114]
    # pan/tilt centred, colour wheel open, zoom 21 deg, focus 50 %, shutter open, dark
    assert u2 == bytes([0x80, 0, 0x80, 0, 0, 0, 0, 0, 128, 128, 32, 0, 0, 0])
    assert home[c.index(1, "effect")] == 0.0
    # the dimmerless RGB par's virtual intensity homes at full, so its colours show
    assert home[c.index(8, "intensity")] == 1.0


def test_changed_universes_only() -> None:
    c = rig()
    s = c.home_state()
    changed = c.renderer.render(s)
    # universes 1 and 5 (pars and a dimmer at home: all zero) have not changed from the
    # dark start; the spot's home (pan/tilt centred, zoom, focus) has
    assert [(o, u) for o, u, _ in changed] == [("lx", 2)]
    assert all(len(data) == 512 for _, _, data in changed)
    assert c.renderer.render(s) == []
    s[c.index("101", "gobo")] = 20 / 255
    changed = c.renderer.render(s)
    assert [(o, u) for o, u, _ in changed] == [("lx", 2)]
    assert changed[0][2][106] == 20
    # a tiny change that rounds to the same byte is no change
    s[c.index("101", "gobo")] += 1e-6
    assert c.renderer.render(s) == []
    s[c.index(8, "red")] = 1.0
    assert [(o, u) for o, u, _ in c.renderer.render(s)] == [("lx", 5)]


def test_a_go_renders_single_universes_with_the_same_bytes() -> None:
    c = rig()
    s = c.home_state()
    c.apply(s, "101", {"pan": 45, "dimmer": 70})
    c.apply(s, 7, {"intensity": 33})
    full = PatchRig(c.patch).render_bytes(s)
    rows = list(range(len(c.renderer.keys)))
    got = c.renderer.render_rows(rows, lambda idx: s[idx])
    assert {u: data for _, u, data in got} == {u: full[u] for u in (1, 2)}


def test_flags_for_htp_and_grandmaster() -> None:
    c = rig()
    names = c.layout.names
    intensity = {names[i] for i, on in enumerate(c.layout.intensity) if on}
    master = {names[i] for i, on in enumerate(c.layout.master) if on}
    # the 3-channel RGB par has no dimmer: a virtual intensity takes the grandmaster and
    # scales its emitters
    assert intensity == master == {"1.intensity", "101.intensity", "7.intensity", "8.intensity"}
    assert c.layout.scaled_by == {c.index(8, a): c.index(8, "intensity")
                                  for a in ("red", "green", "blue")}
    # wheels, gobos and other slot attributes jump instead of fading
    assert {names[i] for i, on in enumerate(c.layout.snap) if on} == {
        "1.effect", "101.color_wheel", "101.control", "101.gobo", "101.shutter"}


def test_virtual_intensity_scales_the_emitters() -> None:
    c = rig()
    s = c.home_state()
    c.apply(s, 8, {"red": 100, "green": 50})
    s[c.index(8, "intensity")] = 0.5
    assert c.render_bytes(s)[5][:3] == bytes([128, 64, 0])


def test_lookups() -> None:
    c = rig()
    assert c.layout.names[c.index(101, "pan")] == "101.pan"
    with pytest.raises(ValueConversionError, match="has no 'gobo'"):
        c.apply(c.home_state(), 1, {"gobo": "breakup"})
    with pytest.raises(AttributeLookupError, match="no fixture or group 55 in the patch"):
        c.apply(c.home_state(), 55, {"pan": 0})
    s = c.home_state()
    c.apply(s, "front", {"intensity": 50})
    assert s[c.index(1, "intensity")] == 0.5


# ------------------------------------------------------------------ reference check


def reference_render(patch: Patch, c: PatchRig, state: np.ndarray) -> dict[int, bytes]:
    """The obvious per-channel loop, to check the vectorized path against (8-bit bytes in
    float32 as the engine computes them; 16-bit in float64)."""
    frames = {u: bytearray(512) for u in patch.universes()}
    for f in patch.fixtures:
        for attr, ch in f.layout.attributes.items():
            i = c.index(f.key, attr)
            by = c.layout.scaled_by.get(i)
            v32 = state[i] * state[by] if by is not None else state[i]
            base = f.address - 1
            if ch.fine is None:
                frames[f.universe][base + ch.coarse] = int(v32 * np.float32(255.0)
                                                           + np.float32(0.5))
            else:
                v = float(v32)
                w = int(np.floor(v * 65535 + 0.5))
                frames[f.universe][base + ch.coarse] = w >> 8
                frames[f.universe][base + ch.fine] = w & 0xFF
    return {u: bytes(b) for u, b in frames.items()}


PROFILES = [
    (p, m)
    for p in ("rgbw-par", "moving-spot", "moving-wash", "dimmer-16bit", "cmy-wash", "rgb-par")
    for m in load_profile(p).modes
]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(PROFILES), st.integers(0, 3)), min_size=1, max_size=30),
    st.integers(0, 2**32 - 1),
)
def test_vectorized_render_matches_reference(
    fixtures: list[tuple[tuple[str, str], int]], seed: int
) -> None:
    next_free: dict[int, int] = {}
    entries = []
    for i, ((profile, mode), universe) in enumerate(fixtures):
        footprint = load_profile(profile).layout(mode).footprint
        addr = next_free.get(universe, 1)
        if addr + footprint - 1 > 512:
            continue
        next_free[universe] = addr + footprint
        entries.append(
            PatchEntry(id=i, profile=profile, mode=mode, universe=universe, address=addr)
        )
    patch = build_patch(entries)
    c = PatchRig(patch)
    # The engine's values are in 0..1 by construction (fades interpolate between levels).
    state = np.random.default_rng(seed).uniform(0.0, 1.0, len(c.layout.names)).astype(
        np.float32)
    assert c.render_bytes(state) == reference_render(patch, c, state)
