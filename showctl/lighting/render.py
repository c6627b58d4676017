"""Rendering: a whole rig's attribute state → 512-byte DMX universes, vectorized.

The frame engine holds the rig as one float array, one slot per *attribute instance*
(fixture 101's pan, fixture 1's red …), normalized to 0..1. :class:`CompiledPatch`
precomputes, once per patch, where each attribute's byte(s) go, so that rendering a
frame is a handful of numpy operations whatever the rig size (no Python loop over
channels or fixtures per frame):

1. clamp the state to 0..1 (a NaN from a broken fade counts as 0);
2. 8-bit attributes: ``byte = floor(v * 255 + 0.5)``;
   16-bit attributes: ``w = floor(v * 65535 + 0.5)``, coarse ``w >> 8``, fine ``w & 255``
   (DMX order: coarse then fine, wherever the two channels sit in the mode);
3. one gather (``np.take``) of those bytes into a ``(universes, 512)`` uint8 frame;
   unpatched slots gather a constant 0;
4. compare with the previous frame to find which universes changed.

Index arrays are built at compile time. Masks tell later stages which attributes merge
highest-takes-precedence and which the grandmaster scales.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from showctl.lighting.patch import (
    AttributeLookupError,
    FixtureId,
    Patch,
    PatchedFixture,
    attribute_for,
    fixture_key,
)
from showctl.lighting.profile_model import EMITTERS, INTENSITY_ATTRIBUTES, ModeLayout
from showctl.lighting.values import attribute_value, canonical_attribute

FloatArray = NDArray[np.float64]
ByteArray = NDArray[np.uint8]
IndexArray = NDArray[np.intp]

UNIVERSE_SIZE = 512


class CompiledPatch:
    """A patch compiled for rendering. Build once per patch change; render every frame."""

    def __init__(self, patch: Patch) -> None:
        self.patch = patch
        self.universes: tuple[int, ...] = tuple(patch.universes())
        row_of = {u: i for i, u in enumerate(self.universes)}

        # Work per distinct mode, not per attribute: a rig is a few fixture types many
        # times over, so each fixture costs a few array appends, not a Python loop over
        # its channels.
        templates: dict[int, _Template] = {}
        per_fixture: list[tuple[PatchedFixture, _Template, int]] = []
        for f in patch.fixtures:
            t = templates.get(id(f.layout))
            if t is None:
                t = templates[id(f.layout)] = _Template(f.layout)
            base = row_of[f.universe] * UNIVERSE_SIZE + f.address - 1
            per_fixture.append((f, t, base))

        # State order: every 8-bit attribute first, then every 16-bit one, each in patch
        # order, so rendering reads two contiguous slices instead of gathering.
        n8 = sum(len(t.names8) for _, t, _ in per_fixture)
        n16 = sum(len(t.names16) for _, t, _ in per_fixture)
        self._n8, self._n16 = n8, n16
        self.size = n8 + n16

        def cat(parts: list[NDArray[Any]], dtype: type) -> NDArray[Any]:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        pos8 = cat([t.coarse8 + base for _, t, base in per_fixture], np.intp)
        pos_hi = cat([t.coarse16 + base for _, t, base in per_fixture], np.intp)
        pos_lo = cat([t.fine16 + base for _, t, base in per_fixture], np.intp)
        self._home: FloatArray = np.concatenate(
            [
                cat([t.home8 for _, t, _ in per_fixture], np.float64),
                cat([t.home16 for _, t, _ in per_fixture], np.float64),
            ]
        )
        #: True where the attribute is an intensity (merged HTP, scaled by masters).
        self.intensity_mask: NDArray[np.bool_] = np.concatenate(
            [
                cat([t.int8 for _, t, _ in per_fixture], np.bool_),
                cat([t.int16 for _, t, _ in per_fixture], np.bool_),
            ]
        )
        #: True where a grandmaster scales the attribute: intensities, plus the colour
        #: emitters of fixtures that have no intensity channel of their own.
        self.master_mask: NDArray[np.bool_] = np.concatenate(
            [
                cat([t.master8 for _, t, _ in per_fixture], np.bool_),
                cat([t.master16 for _, t, _ in per_fixture], np.bool_),
            ]
        )

        # fixture key -> (template, first 8-bit index, first 16-bit index)
        self._where: dict[str, tuple[_Template, int, int]] = {}
        i8, i16 = 0, n8
        for f, t, _ in per_fixture:
            self._where[f.key] = (t, i8, i16)
            i8 += len(t.names8)
            i16 += len(t.names16)

        # Byte sources: [8-bit bytes | 16-bit coarse | 16-bit fine | constant 0].
        # `gather[p]` says which source byte lands at flat frame position p.
        nrows = len(self.universes)
        zero = n8 + 2 * n16
        gather = np.full(nrows * UNIVERSE_SIZE, zero, dtype=np.intp)
        gather[pos8] = np.arange(n8, dtype=np.intp)
        gather[pos_hi] = n8 + np.arange(n16, dtype=np.intp)
        gather[pos_lo] = n8 + n16 + np.arange(n16, dtype=np.intp)
        self._gather: IndexArray = gather

        # Scratch buffers reused every frame, so rendering allocates (almost) nothing.
        self._clamped: FloatArray = np.zeros(self.size, dtype=np.float64)
        self._f8: FloatArray = np.zeros(n8, dtype=np.float64)
        self._f16: FloatArray = np.zeros(n16, dtype=np.float64)
        self._w16: NDArray[np.uint32] = np.zeros(n16, dtype=np.uint32)
        self._src: ByteArray = np.zeros(zero + 1, dtype=np.uint8)
        self._frame: ByteArray = np.zeros((nrows, UNIVERSE_SIZE), dtype=np.uint8)
        self._last: ByteArray = np.zeros((nrows, UNIVERSE_SIZE), dtype=np.uint8)
        self._fresh = True
        self._last_out: dict[int, ByteArray] | None = None
        self._names: tuple[tuple[str, str], ...] | None = None

    # ----------------------------------------------------------------- lookups

    def attribute_index(self, fixture_id: FixtureId, attr: str) -> int:
        """The state index of one fixture's attribute (``dimmer`` means ``intensity``)."""
        name = canonical_attribute(attr)
        where = self._where.get(fixture_key(fixture_id))
        if where is not None:
            t, i8, i16 = where
            local = t.local.get(name)
            if local is not None:
                is16, j = local
                return (i16 if is16 else i8) + j
        fixture = self.patch.fixture(fixture_id)  # raises for an unknown fixture
        attribute_for(fixture, name)  # raises, listing what the fixture does have
        raise AttributeLookupError(f"{fixture.label} has no attribute {attr!r}")

    def fixture_attributes(self, fixture_id: FixtureId) -> dict[str, int]:
        """Attribute name → state index, for one fixture, in channel order."""
        fixture = self.patch.fixture(fixture_id)
        return {a: self.attribute_index(fixture.key, a) for a in fixture.layout.attributes}

    def home_state(self) -> FloatArray:
        """A fresh state array with every attribute at its profile's home value."""
        return self._home.copy()

    def targets(
        self, key: FixtureId, values: Mapping[str, object]
    ) -> tuple[IndexArray, FloatArray]:
        """State indices and normalized values for a cue line such as
        ``"101": {pan: 45, gobo: breakup}`` (``key`` may be a group name).

        Compile cues with this once; a fade then works on plain arrays.
        """
        idx: list[int] = []
        vals: list[float] = []
        for fixture, levels in self.patch.resolve_values(key, values):
            for attr, v in levels.items():
                idx.append(self.attribute_index(fixture.key, attr))
                vals.append(v)
        return np.asarray(idx, dtype=np.intp), np.asarray(vals, dtype=np.float64)

    def apply(self, state: FloatArray, key: FixtureId, values: Mapping[str, object]) -> None:
        """Set ``values`` for fixture or group ``key`` in ``state`` (in place)."""
        idx, vals = self.targets(key, values)
        state[idx] = vals

    @property
    def attribute_names(self) -> tuple[tuple[str, str], ...]:
        """(fixture key, attribute) for every state index (built on first use)."""
        if self._names is None:
            names: list[tuple[str, str]] = [("", "")] * self.size
            for key, (t, i8, i16) in self._where.items():
                for j, a in enumerate(t.names8):
                    names[i8 + j] = (key, a)
                for j, a in enumerate(t.names16):
                    names[i16 + j] = (key, a)
            self._names = tuple(names)
        return self._names

    # ----------------------------------------------------------------- rendering

    def invalidate(self) -> None:
        """Make the next :meth:`render` write and report every universe."""
        self._fresh = True

    def output_buffers(self) -> dict[int, ByteArray]:
        """Fresh 512-byte buffers, one per patched universe, for :meth:`render`'s ``out``."""
        return {u: np.zeros(UNIVERSE_SIZE, dtype=np.uint8) for u in self.universes}

    def render(self, state: FloatArray, out: dict[int, ByteArray]) -> set[int]:
        """Write ``state`` into ``out`` (universe → 512-byte uint8 buffer).

        Missing universes are added to ``out``. Returns the universes whose bytes
        changed since the previous call (all of them on the first call, after
        :meth:`invalidate`, or when ``out`` is a different dict than last time).
        Only changed universes are copied into ``out``.
        """
        if state.shape != (self.size,):
            raise ValueError(f"state has shape {state.shape}; this patch needs ({self.size},)")
        v = self._clamped
        np.clip(state, 0.0, 1.0, out=v)
        # clip keeps NaN, and NaN cast to a byte is undefined; a sum is the cheapest
        # way to notice one (about a third of the cost of isnan().any()).
        if not np.isfinite(np.add.reduce(v)):
            np.nan_to_num(v, copy=False, nan=0.0)

        n8, n16 = self._n8, self._n16
        src = self._src
        if n8:
            f8 = self._f8
            np.multiply(v[:n8], 255.0, out=f8)
            f8 += 0.5
            np.floor(f8, out=f8)
            src[:n8] = f8
        if n16:
            f16 = self._f16
            np.multiply(v[n8:], 65535.0, out=f16)
            f16 += 0.5
            np.floor(f16, out=f16)
            w = self._w16
            np.copyto(w, f16, casting="unsafe")
            src[n8 : n8 + n16] = w >> 8
            src[n8 + n16 : n8 + 2 * n16] = w & 0xFF

        frame = self._frame
        np.take(src, self._gather, out=frame.reshape(-1))

        if self._fresh or out is not self._last_out or len(out) < len(self.universes):
            rows: NDArray[np.intp] = np.arange(len(self.universes), dtype=np.intp)
        else:
            rows = np.flatnonzero(np.any(frame != self._last, axis=1))
        np.copyto(self._last, frame)
        self._fresh = False
        self._last_out = out

        changed: set[int] = set()
        # One iteration per *changed universe* (not per channel); a 512-byte copy each.
        for i in rows.tolist():
            u = self.universes[i]
            buf = out.get(u)
            if buf is None:
                out[u] = frame[i].copy()
            else:
                buf[:] = frame[i]
            changed.add(u)
        return changed

    def render_bytes(self, state: FloatArray) -> dict[int, bytes]:
        """Every universe of ``state`` as ``bytes`` (for tests and one-off snapshots)."""
        out = self.output_buffers()
        self.invalidate()
        self.render(state, out)
        self.invalidate()
        return {u: buf.tobytes() for u, buf in out.items()}


class _Template:
    """One mode's attributes as arrays: offsets, home values, masks (8-bit, 16-bit)."""

    def __init__(self, layout: ModeLayout) -> None:
        attrs = layout.attributes
        self.names8 = [a for a, ch in attrs.items() if ch.fine is None]
        self.names16 = [a for a, ch in attrs.items() if ch.fine is not None]
        # attribute -> (is 16-bit, index within this fixture's 8- or 16-bit block)
        self.local: dict[str, tuple[bool, int]] = {a: (False, j) for j, a in enumerate(self.names8)}
        self.local.update({a: (True, j) for j, a in enumerate(self.names16)})
        self.coarse8 = np.asarray([attrs[a].coarse for a in self.names8], dtype=np.intp)
        self.coarse16 = np.asarray([attrs[a].coarse for a in self.names16], dtype=np.intp)
        self.fine16 = np.asarray([attrs[a].fine for a in self.names16], dtype=np.intp)

        def home(a: str) -> float:
            ch = attrs[a]
            if ch.spec.default is None:
                return 0.0
            return attribute_value(ch.spec, a, ch.spec.default, sixteen_bit=ch.sixteen_bit)

        self.home8 = np.asarray([home(a) for a in self.names8], dtype=np.float64)
        self.home16 = np.asarray([home(a) for a in self.names16], dtype=np.float64)
        # A fixture with no dimmer channel (a 3-channel RGB par) dims with its colour
        # emitters, so the grandmaster must scale those instead.
        dims_with_color = not any(a in INTENSITY_ATTRIBUTES for a in attrs)

        def master(a: str) -> bool:
            return a in INTENSITY_ATTRIBUTES or (dims_with_color and a in EMITTERS)

        self.int8 = np.asarray([a in INTENSITY_ATTRIBUTES for a in self.names8], dtype=np.bool_)
        self.int16 = np.asarray([a in INTENSITY_ATTRIBUTES for a in self.names16], dtype=np.bool_)
        self.master8 = np.asarray([master(a) for a in self.names8], dtype=np.bool_)
        self.master16 = np.asarray([master(a) for a in self.names16], dtype=np.bool_)


def compile_patch(patch: Patch) -> CompiledPatch:
    """Compile ``patch`` for rendering (see :class:`CompiledPatch`)."""
    return CompiledPatch(patch)
