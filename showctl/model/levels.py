"""Raw DMX addressing and levels as show files write them ("2/10", "50%", "full")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def parse_level(value: float | str) -> float:
    """A raw channel level in percent (``50``, ``"50%"``, ``"full"``, ``"out"``) → 0..1."""
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("full", "ff"):
            return 1.0
        if v in ("out", "off"):
            return 0.0
        if v.startswith("dmx:"):
            n = int(v[4:])
            if not 0 <= n <= 255:
                raise ValueError(f"dmx value {n} is outside 0..255")
            return n / 255.0
        value = float(v.rstrip("%"))
    if not 0.0 <= float(value) <= 100.0:
        raise ValueError(f"level {value} is outside 0..100 %")
    return float(value) / 100.0


def parse_address(key: str) -> tuple[int, int]:
    """``"12"`` → universe 1, address 12; ``"2/10"`` → universe 2, address 10."""
    if "/" in key:
        u, a = key.split("/", 1)
        universe, address = int(u), int(a)
    else:
        universe, address = 1, int(key)
    if not 1 <= address <= 512:
        raise ValueError(f"DMX address {address} is outside 1..512")
    if universe < 0:
        raise ValueError(f"universe {universe} is negative")
    return universe, address


def dmx_carrier(outputs: Mapping[str, Any], universe: int) -> str | None:
    """The DMX output that carries ``universe``: the one whose ``universes`` lists it,
    else the first DMX output that declares no ``universes`` (it carries any); None
    when no output carries it. ``outputs`` is a show's ``outputs`` mapping."""
    dmx = [(n, d) for n, d in outputs.items() if str(getattr(d, "kind", "")) == "dmx"]
    for name, decl in dmx:
        if decl.universes is not None and universe in decl.universes:
            return name
    return next((name for name, decl in dmx if decl.universes is None), None)
