"""Rendering: exact bytes at exact offsets, coarse then fine, change tracking, masks."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from showctl.lighting.patch import AttributeLookupError, Patch, PatchEntry, build_patch
from showctl.lighting.profiles import Profile, load_profile
from showctl.lighting.render import CompiledPatch, compile_patch


def rig() -> CompiledPatch:
    return compile_patch(
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
    s = np.zeros(c.size)
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


def test_fine_channel_away_from_coarse(make_profile: Callable[[str], Profile]) -> None:
    prof = make_profile(
        "manufacturer: T\nmodel: T\nattributes:\n  pan: {range: [0, 540]}\n"
        "  tilt: {range: [0, 270]}\nmodes:\n  m: [tilt.fine, pan, intensity, tilt, pan.fine]\n"
    )
    c = compile_patch(
        build_patch([PatchEntry(id=1, profile="t", universe=0, address=20)], loader=lambda _n: prof)
    )
    s = np.zeros(c.size)
    c.apply(s, 1, {"pan": 90, "tilt": 45, "intensity": "full"})
    frame = c.render_bytes(s)[0]
    # pan 90/540 -> 0x2AAB; tilt 45/270 -> 0x2AAB; each coarse at its own slot
    assert frame[19:24] == bytes([0xAB, 0x2A, 0xFF, 0x2A, 0xAB])


def test_home_state() -> None:
    c = rig()
    home = c.home_state()
    assert home is not c.home_state()  # a fresh copy every time
    u2 = c.render_bytes(home)[2][100:114]
    # pan/tilt centred, colour wheel open, zoom 21 deg, focus 50 %, shutter open, dark
    assert u2 == bytes([0x80, 0, 0x80, 0, 0, 0, 0, 0, 128, 128, 32, 0, 0, 0])
    effect = c.attribute_index(1, "effect")
    assert home[effect] == 0.0


def test_changed_universes_only() -> None:
    c = rig()
    out: dict[int, np.ndarray] = {}
    s = c.home_state()
    assert c.render(s, out) == {1, 2, 5}
    assert set(out) == {1, 2, 5} and all(
        b.dtype == np.uint8 and b.shape == (512,) for b in out.values()
    )
    assert c.render(s, out) == set()
    s[c.attribute_index("101", "gobo")] = 20 / 255
    assert c.render(s, out) == {2}
    assert out[2][106] == 20
    # a tiny change that rounds to the same byte is no change
    s[c.attribute_index("101", "gobo")] += 1e-6
    assert c.render(s, out) == set()
    # a different output dict gets everything
    other: dict[int, np.ndarray] = {}
    assert c.render(s, other) == {1, 2, 5}
    c.invalidate()
    assert c.render(s, other) == {1, 2, 5}


def test_render_into_existing_buffers_in_place() -> None:
    c = rig()
    out = c.output_buffers()
    buf = out[1]
    s = c.home_state()
    s[c.attribute_index(1, "intensity")] = 1.0
    c.render(s, out)
    assert out[1] is buf and buf[9] == 255


def test_clamps_and_nan() -> None:
    c = rig()
    s = np.zeros(c.size)
    s[c.attribute_index(1, "red")] = 1.7
    s[c.attribute_index(1, "green")] = -3.0
    s[c.attribute_index(1, "blue")] = np.nan
    s[c.attribute_index(7, "intensity")] = np.inf
    u1 = c.render_bytes(s)[1]
    assert u1[10:13] == b"\xff\x00\x00"
    assert u1[510:512] == b"\xff\xff"
    with pytest.raises(ValueError, match="state has shape"):
        c.render(np.zeros(3), {})


def test_masks_for_htp_and_grandmaster() -> None:
    c = rig()
    names = c.attribute_names
    intensity = {names[i] for i in np.flatnonzero(c.intensity_mask)}
    master = {names[i] for i in np.flatnonzero(c.master_mask)}
    assert intensity == {("1", "intensity"), ("101", "intensity"), ("7", "intensity")}
    # the 3-channel RGB par has no dimmer: its emitters are what a grandmaster scales
    assert master == intensity | {("8", "red"), ("8", "green"), ("8", "blue")}


def test_lookups_and_targets() -> None:
    c = rig()
    assert c.attribute_names[c.attribute_index(101, "pan")] == ("101", "pan")
    assert c.attribute_index("101", "dimmer") == c.attribute_index(101, "intensity")
    assert list(c.fixture_attributes(8)) == ["red", "green", "blue"]
    with pytest.raises(AttributeLookupError, match="has no 'gobo'"):
        c.attribute_index(1, "gobo")
    with pytest.raises(AttributeLookupError, match="no fixture 55"):
        c.attribute_index(55, "pan")
    idx, vals = c.targets("front", {"intensity": 50})
    assert idx.tolist() == [c.attribute_index(1, "intensity")]
    assert vals.tolist() == [0.5]


# ------------------------------------------------------------------ reference check


def reference_render(patch: Patch, c: CompiledPatch, state: np.ndarray) -> dict[int, bytes]:
    """The obvious per-channel loop, to check the vectorized path against."""
    frames = {u: bytearray(512) for u in patch.universes()}
    for f in patch.fixtures:
        for attr, ch in f.layout.attributes.items():
            v = float(state[c.attribute_index(f.key, attr)])
            v = 0.0 if v != v else min(max(v, 0.0), 1.0)
            base = f.address - 1
            if ch.fine is None:
                frames[f.universe][base + ch.coarse] = int(np.floor(v * 255 + 0.5))
            else:
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
    c = compile_patch(patch)
    state = np.random.default_rng(seed).uniform(-0.2, 1.2, c.size)
    assert c.render_bytes(state) == reference_render(patch, c, state)


def test_a_big_rig_renders_quickly() -> None:
    # 256 universes of 16-bit moving spots, every byte changing: the vectorized path
    # should take a few milliseconds here (2048 universes: about 9 ms on a 2-core box).
    entries = [
        PatchEntry(id=u * 100 + a, profile="moving-spot", universe=u, address=a * 14 + 1)
        for u in range(256)
        for a in range(36)
    ]
    c = compile_patch(build_patch(entries))
    out = c.output_buffers()
    rng = np.random.default_rng(1)
    states = [rng.random(c.size) for _ in range(4)]
    c.render(states[0], out)
    t0 = time.perf_counter()
    for i in range(20):
        assert len(c.render(states[(i + 1) % 4], out)) == 256
    per_frame = (time.perf_counter() - t0) / 20
    assert per_frame < 0.02, f"{per_frame * 1000:.1f} ms per frame"
