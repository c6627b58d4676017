"""The output view: each driver's health, and lighting values as coloured swatches.

Attributes come from the engine's lighting views (:class:`LightingView`): raw channels
are named ``lx:1/10`` (output, universe, address) and fixture attributes ``fixture.attr``
(``spot1.red``). Raw channels are grouped by output and universe, fixture attributes by
fixture; each swatch is coloured by what the attribute is (intensity grey, red/green/blue…
tinted, position and beam as a blue level). The health lines come first (one per endpoint
of an output sent to several), then the levels: fixtures the programmer holds, then those
with output, then the rest; the pane scrolls to every one of them.
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
_EMITTERS = frozenset({"intensity", "dimmer", *_TINT})
"""Attribute kinds whose level is light on stage (a fixture with one above zero is lit)."""
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
    t = Text(f"{label:>{LABEL}}", style="bold red" if held else "dim")
    t.append("██", style=swatch_color(kind, value))
    t.append(f"{pct:>3} ")
    return t


SHORT = {
    "intensity": "int", "dimmer": "dim", "red": "red", "green": "grn", "blue": "blu",
    "white": "wht", "amber": "amb", "uv": "uv", "cyan": "cyan", "magenta": "mag",
    "yellow": "yel", "lime": "lime", "strobe": "strb", "effect": "fx",
    "effect_speed": "fxspd", "pan": "pan", "tilt": "tilt", "pan_fine": "panf",
    "tilt_fine": "tiltf", "pan_tilt_speed": "ptspd", "color_wheel": "cwhl",
    "gobo": "gobo", "gobo_rotation": "grot", "zoom": "zoom", "focus": "focus",
    "shutter": "shut", "control": "ctrl", "iris": "iris", "prism": "prism",
    "frost": "frost", "speed": "speed",
}
LABEL = 5


def short_labels(attrs: list[str], width: int = LABEL) -> list[str]:
    """Labels of at most ``width`` cells for one fixture's attributes, all distinct
    (``effect``/``effect_speed`` → ``fx``/``fxspd``, never ``effec``/``effec``)."""
    def abbrev(a: str) -> str:
        if a in SHORT:
            return SHORT[a]
        if len(a) <= width:
            return a
        words = [w for w in a.split("_") if w]
        if len(words) > 1:
            return "".join(w[: max(1, width // len(words))] for w in words)[:width]
        return a[:width]

    out = [abbrev(a) for a in attrs]
    seen: dict[str, int] = {}
    for i, label in enumerate(out):
        if out.count(label) > 1:
            n = seen.get(label, 0) + 1
            seen[label] = n
            out[i] = f"{label[: width - len(str(n))]}{n}"
    return out


def _groups(view: LightingView) -> list[tuple[str, list[int]]]:
    """The view's attribute indices grouped by fixture (raw channels by universe):
    first the groups the programmer holds, then those with output, then the rest, each
    in patch order."""
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(view.names):
        groups.setdefault(attribute_label(name)[0], []).append(i)
    held = frozenset(view.held)

    def rank(item: tuple[str, list[int]]) -> int:
        idx = [i for i in item[1] if i < len(view.values)]
        if any(i in held for i in idx):
            return 0
        kinds = [attribute_label(view.names[i])[2] for i in idx]
        light = [i for i, k in zip(idx, kinds, strict=True) if k in _EMITTERS]
        if any(view.values[i] > 0.0 for i in light):
            return 1  # light comes out of it (or a raw channel is up)
        return 2

    return sorted(groups.items(), key=rank)  # sorted() is stable: patch order within


class SwatchLine:
    """One line of swatches, drawn only when it comes into view: a big rig has
    thousands, a redraw shows a screenful."""

    __slots__ = ("first", "group", "idx", "labels", "view")

    def __init__(self, view: LightingView, group: str, idx: list[int], labels: list[str],
                 first: bool) -> None:
        self.view, self.group, self.idx, self.labels, self.first = (
            view, group, idx, labels, first)

    def render(self) -> Text:
        view = self.view
        held = frozenset(view.held)
        line = Text(f"{self.group[:9]:<9} " if self.first else " " * 10,
                    style="bold" if self.first else "")
        for i, label in zip(self.idx, self.labels, strict=True):
            value = float(view.values[i]) if i < len(view.values) else 0.0
            kind = attribute_label(view.names[i])[2]
            line.append_text(swatch(label, kind, value, held=i in held))
        return line


def lighting_layout(view: LightingView, width: int, max_lines: int = 2000
                    ) -> list[Text | SwatchLine]:
    """The lines of one DMX output's levels (at most ``max_lines`` of ``width`` cells):
    every fixture and raw universe, the ones with output first (:func:`_groups`), as
    lines to draw when seen. Attributes the programmer holds have red labels, as on a
    desk."""
    if not view.names:
        return [Text("  no lighting attributes", style="dim")]
    per_line = max(1, (width - 10) // (LABEL + 6))
    lines: list[Text | SwatchLine] = []
    shown = 0
    for group, idx in _groups(view):
        labels = short_labels([attribute_label(view.names[i])[1] for i in idx])
        for start in range(0, len(idx), per_line):
            if len(lines) >= max_lines:
                break
            part = idx[start:start + per_line]
            lines.append(SwatchLine(view, group, part, labels[start:start + per_line],
                                    start == 0))
            shown += len(part)
    if shown < len(view.names):
        lit = sum(1 for v in view.values if v > 0.0)
        lines = lines[:max(0, max_lines - 1)]
        lines.append(Text(f"  … {len(view.names) - shown} more attributes "
                          f"({len(view.names)} in all, {lit} above zero)", style="dim"))
    return lines


def lighting_lines(view: LightingView, width: int, max_lines: int = 2000) -> list[Text]:
    """:func:`lighting_layout`, every line drawn."""
    return [x if isinstance(x, Text) else x.render()
            for x in lighting_layout(view, width, max_lines)]


def health_lines(o: OutputRow) -> list[Text]:
    """One output's health line (and one per endpoint of a fan-out)."""
    line = Text(f"{o.name:<8}", style="bold")
    if not o.sends:
        line.append("● capture (not sent)", style="yellow")
    else:
        line.append(f"{o.driver:<9}")
        line.append(f"● {o.state}", style=HEALTH_STYLE.get(o.state, ""))
        if o.reason and not o.endpoints:
            line.append(f"  {o.reason}", style="red")
    if o.faults:
        line.append(f"  ({o.faults} fault{'s' if o.faults != 1 else ''})", style="red")
    out = [line]
    for e in o.endpoints:
        sub = Text(f"  └ {e.driver:<7}", style="")
        sub.append(f"● {e.state}", style=HEALTH_STYLE.get(e.state, ""))
        if e.where:
            sub.append(f"  {e.where}", style="dim")
        if e.reason:
            sub.append(f"  {e.reason}", style="red")
        if e.faults:
            sub.append(f"  ({e.faults} fault{'s' if e.faults != 1 else ''})", style="red")
        out.append(sub)
    return out


class OutputPane(TextView, can_focus=False):
    """Every output's health, then its lighting levels; PageUp/PageDown (and the mouse
    wheel) page through them so every fixture can be reached. Only the lines in view are
    drawn: a big rig's thousands of swatches would cost the console a second a redraw."""

    DEFAULT_CSS = """
    OutputPane { height: 1fr; border: round $secondary; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Outputs"
        self._key: object = None
        self._lines: list[Text | SwatchLine] = []
        self.top = 0
        """The first line in view."""

    @property
    def plain(self) -> str:
        """Every line, in view or not (what the pane holds)."""
        return "\n".join(_drawn(line).plain for line in self._lines)

    def page(self, step: int) -> None:
        """Move the view by ``step`` pages."""
        self.top += step * max(1, self.size.height - 3)
        self._paint()

    def on_mouse_scroll_down(self) -> None:
        self.top += 3
        self._paint()

    def on_mouse_scroll_up(self) -> None:
        self.top -= 3
        self._paint()

    def _paint(self) -> None:
        height = max(1, self.size.height - 2)
        self.top = max(0, min(self.top, max(0, len(self._lines) - height)))
        view = self._lines[self.top:self.top + height]
        below = len(self._lines) - self.top - len(view)
        self.border_subtitle = (f"lines {self.top + 1}–{self.top + len(view)} of "
                                f"{len(self._lines)}{' ▼ PgDn' if below else ''}"
                                if len(self._lines) > height else "")
        self.show(Text("\n", no_wrap=True, overflow="crop", end="").join(
            _drawn(line) for line in view))

    def show_outputs(self, outputs: tuple[OutputRow, ...],
                     lighting: dict[str, LightingView]) -> None:
        key = (outputs, tuple(lighting.values()), self.size.width)
        if key == self._key:
            return
        self._key = key
        width = max(20, self.size.width - 4)
        parts: list[Text | SwatchLine] = []
        captured = [o.name for o in outputs if not o.sends and not o.faults]
        for o in outputs:
            if o.name not in captured:
                parts.extend(health_lines(o))
        if captured:
            line = Text("capture (not sent): ", style="yellow")
            line.append(" ".join(captured), style="bold")
            parts.append(line)
        for o in outputs:
            view = lighting.get(o.name)
            if view is not None:
                parts.append(Text(f"{o.name} levels", style="bold underline"))
                parts.extend(lighting_layout(view, width))
        self._lines = parts
        self._paint()


def _drawn(line: Text | SwatchLine) -> Text:
    return line if isinstance(line, Text) else line.render()
