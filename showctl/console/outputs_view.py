"""The output view: each driver's health, and lighting values as coloured swatches.

Attributes come from the lighting layout: raw channels are named ``lx:1/10`` (output,
universe, address) and fixture attributes ``fixture.attr`` (``spot1.red``). Raw
channels are grouped by output and universe, fixture attributes by fixture; each
swatch is coloured by what the attribute is (intensity grey, red/green/blue… tinted,
position and beam as a blue level). Only what fits is drawn, with a count of the rest,
so a 256-universe rig costs no more to draw than a small one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rich.text import Text

from showctl.console.textview import TextView
from showctl.drivers.base import Driver, HealthState
from showctl.engine.lighting import Lighting

HEALTH_STYLE = {
    HealthState.IDLE: "dim",
    HealthState.SENDING: "green",
    HealthState.FAULTED: "bold white on red",
    HealthState.RETRYING: "bold yellow",
    HealthState.CLOSED: "dim",
}

_TINT = {
    "red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.3, 1.0),
    "white": (1.0, 1.0, 1.0), "amber": (1.0, 0.6, 0.0), "uv": (0.5, 0.0, 1.0),
    "cyan": (0.0, 1.0, 1.0), "magenta": (1.0, 0.0, 1.0), "yellow": (1.0, 1.0, 0.0),
    "lime": (0.6, 1.0, 0.0),
}
_INTENSITY = (1.0, 0.85, 0.6)  # warm white: a lamp at that level
_OTHER = (0.3, 0.5, 1.0)


def attribute_label(name: str) -> tuple[str, str, str]:
    """``lx:1/10`` → ("lx u1", "10", "intensity"); ``spot1.red`` → ("spot1", "red", "red")."""
    if ":" in name and "/" in name.split(":", 1)[1]:
        output, rest = name.split(":", 1)
        universe, address = rest.split("/", 1)
        return f"{output} u{universe}", address, "intensity"
    if "." in name:
        fixture, attr = name.rsplit(".", 1)
        return fixture, attr, attr
    return "", name, "intensity"


def swatch_color(kind: str, value: float) -> str:
    """A Rich colour for an attribute of a given kind at a 0..1 value."""
    v = min(1.0, max(0.0, float(value)))
    base = _TINT.get(kind, _INTENSITY if kind in ("intensity", "dimmer") else _OTHER)
    r, g, b = (round(c * v * 255) for c in base)
    return f"rgb({r},{g},{b})"


def swatch(label: str, kind: str, value: float, *, held: bool = False) -> Text:
    """One attribute; ``held`` (the programmer holds it) draws the label in red."""
    pct = round(value * 100)
    t = Text(f"{label:>5}", style="bold red" if held else "dim")
    t.append("██", style=swatch_color(kind, value))
    t.append(f"{pct:>3} ")
    return t


def output_index(lighting: Lighting, output: str) -> list[int]:
    """Indices of the layout's attributes that land on ``output``."""
    return [i for i, s in enumerate(lighting.layout.slots) if s.output == output]


def lighting_lines(lighting: Lighting, output: str, width: int, max_lines: int,
                   idx: list[int] | None = None, held: frozenset[int] = frozenset()
                   ) -> list[Text]:
    """Swatch lines for one DMX output, at most ``max_lines`` of ``width`` cells.

    ``held``: attribute indices the programmer holds (labels in red, as on a desk)."""
    layout = lighting.layout
    values = lighting.last_values
    if idx is None:
        idx = output_index(lighting, output)
    if not idx:
        return [Text("  no lighting attributes", style="dim")]
    lines: list[Text] = []
    per_line = max(1, (width - 10) // 11)
    shown = 0
    group_name: str | None = None
    line = Text()
    for i in idx:
        group, label, kind = attribute_label(layout.names[i])
        if group != group_name or len(line.plain) >= per_line * 11 + 10:
            if line.plain:
                lines.append(line)
                if len(lines) >= max_lines:
                    break
            line = Text(f"{group[:9]:<9} " if group != group_name else " " * 10,
                        style="bold" if group != group_name else "")
            group_name = group
        line.append_text(swatch(label[:5], kind, float(values[i]), held=i in held))
        shown += 1
    else:
        if line.plain:
            lines.append(line)
    if shown < len(idx):
        vals = values[np.asarray(idx)]
        lit = int(np.count_nonzero(vals > 0.0))
        lines = lines[:max(0, max_lines - 1)]
        lines.append(Text(f"  … {len(idx) - shown} more attributes "
                          f"({len(idx)} in all, {lit} above zero)", style="dim"))
    return lines


class OutputPane(TextView):
    DEFAULT_CSS = """
    OutputPane { height: 1fr; border: round $secondary; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Outputs"
        self._key: object = None
        self._index: dict[tuple[int, str], list[int]] = {}

    def show_outputs(self, drivers: dict[str, Driver], dmx_outputs: Sequence[str],
                     lighting: Lighting | None,
                     held: npt.NDArray[np.int64] | None = None) -> None:
        health = tuple((n, d.kind, d.health.state, d.health.reason, d.health.faults)
                       for n, d in drivers.items())
        values_key = (lighting.last_values.tobytes() if lighting is not None
                      and len(lighting.last_values) <= 4096 else
                      (lighting.frames if lighting is not None else None))
        held_key = held.tobytes() if held is not None else b""
        key = (health, values_key, self.size, held_key)
        if key == self._key:
            return
        self._key = key
        width = max(20, self.size.width - 4)
        budget = max(2, self.size.height - 2 - len(drivers))
        parts: list[Text] = []
        held_set = frozenset(held.tolist()) if held is not None else frozenset()
        for name, d in drivers.items():
            h = d.health
            line = Text(f"{name:<8}", style="bold")
            line.append(f"{d.kind:<9}")
            line.append(f"● {h.state.value}", style=HEALTH_STYLE.get(h.state, ""))
            if h.reason:
                line.append(f"  {h.reason}", style="red")
            if h.faults:
                line.append(f"  ({h.faults} fault{'s' if h.faults != 1 else ''})", style="red")
            parts.append(line)
            if lighting is not None and name in dmx_outputs and budget > 0:
                ikey = (id(lighting.layout), name)
                if ikey not in self._index:
                    self._index = {k: v for k, v in self._index.items() if k[0] == ikey[0]}
                    self._index[ikey] = output_index(lighting, name)
                lines = lighting_lines(lighting, name, width, budget, self._index[ikey],
                                       held_set)
                budget -= len(lines)
                parts.extend(lines)
        self.show(Text("\n", no_wrap=True, overflow="crop", end="").join(parts))
