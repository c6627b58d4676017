"""Fade curves: progress 0..1 in, level 0..1 out. Shared by light and OSC fades."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt


def apply_curve(name: str, p: float) -> float:
    p = 0.0 if p < 0 else 1.0 if p > 1 else p
    if name == "linear":
        return p
    if name == "s_curve":
        # Cosine ease-in-out: gentle at both ends, as console "S" fades are.
        return 0.5 - 0.5 * math.cos(math.pi * p)
    if name == "exponential":
        return float((2.0 ** (10.0 * p) - 1.0) / 1023.0)
    if name == "snap":
        return 1.0 if p > 0 else 0.0
    raise ValueError(f"unknown curve {name!r}")


def apply_curve_array(name: str, p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    p = np.clip(p, 0.0, 1.0)
    if name == "linear":
        return p
    if name == "s_curve":
        return np.asarray(0.5 - 0.5 * np.cos(np.pi * p))
    if name == "exponential":
        return np.asarray((np.exp2(10.0 * p) - 1.0) / 1023.0)
    if name == "snap":
        return (p > 0).astype(np.float64)
    raise ValueError(f"unknown curve {name!r}")
