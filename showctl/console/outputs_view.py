"""The output view: each driver's health, and lighting values as coloured swatches.

Attributes come from the engine's lighting views (:class:`LightingView`): raw channels
are named ``lx:1/10`` (output, universe, address) and fixture attributes ``fixture.attr``
(``spot1.red``). Raw channels are grouped by output and universe, fixture attributes by
fixture; each swatch is coloured by what the attribute is (intensity grey, red/green/blue…
tinted, position and beam as a blue level). Only what fits is drawn, with a count of the rest,
so a 256-universe rig costs no more to draw than a small one.
"""

from __future__ import annotations

from rich.text import Text

from showctl.api.views import LightingView, OutputRow
from showctl.console.textview import TextView

HEALTH_STYLE = {
    "idle": "dim",
    "sending": "green",
    "faulted": "bold white on red",
    "retrying": "bold yellow",
    "closed": "dim",
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


def lighting_lines(view: LightingView, width: int, max_lines: int) -> list[Text]:
    """Swatch lines for one DMX output, at most ``max_lines`` of ``width`` cells.

    Attributes the programmer holds have their labels in red, as on a desk."""
    if not view.names:
        return [Text("  no lighting attributes", style="dim")]
    held = frozenset(view.held)
    lines: list[Text] = []
    per_line = max(1, (width - 10) // 11)
    shown = 0
    group_name: str | None = None
    line = Text()
    for i, (name, value) in enumerate(zip(view.names, view.values, strict=True)):
        group, label, kind = attribute_label(name)
        if group != group_name or len(line.plain) >= per_line * 11 + 10:
            if line.plain:
                lines.append(line)
                if len(lines) >= max_lines:
                    break
            line = Text(f"{group[:9]:<9} " if group != group_name else " " * 10,
                        style="bold" if group != group_name else "")
            group_name = group
        line.append_text(swatch(label[:5], kind, float(value), held=i in held))
        shown += 1
    else:
        if line.plain:
            lines.append(line)
    if shown < len(view.names):
        lit = sum(1 for v in view.values if v > 0.0)
        lines = lines[:max(0, max_lines - 1)]
        lines.append(Text(f"  … {len(view.names) - shown} more attributes "
                          f"({len(view.names)} in all, {lit} above zero)", style="dim"))
    return lines


class OutputPane(TextView):
    DEFAULT_CSS = """
    OutputPane { height: 1fr; border: round $secondary; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Outputs"
        self._key: object = None

    def show_outputs(self, outputs: tuple[OutputRow, ...],
                     lighting: dict[str, LightingView]) -> None:
        key = (outputs, tuple(lighting.values()), self.size)
        if key == self._key:
            return
        self._key = key
        width = max(20, self.size.width - 4)
        budget = max(2, self.size.height - 2 - len(outputs))
        parts: list[Text] = []
        for o in outputs:
            line = Text(f"{o.name:<8}", style="bold")
            line.append(f"{o.driver:<9}")
            line.append(f"● {o.state}", style=HEALTH_STYLE.get(o.state, ""))
            if o.reason:
                line.append(f"  {o.reason}", style="red")
            if o.faults:
                line.append(f"  ({o.faults} fault{'s' if o.faults != 1 else ''})", style="red")
            parts.append(line)
            view = lighting.get(o.name)
            if view is not None and budget > 0:
                lines = lighting_lines(view, width, budget)
                budget -= len(lines)
                parts.extend(lines)
        self.show(Text("\n", no_wrap=True, overflow="crop", end="").join(parts))
