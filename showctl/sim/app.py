"""``showctl sim SHOW``: the simulated rig as a Textual view.

Top: a stage plot. Fixtures sit by their patch ``position`` (upstage at the top, the
audience at the bottom), on a grid ranked by distinct x and y so a tight rig stays
readable; fixtures without a position go in a row below, grouped. Each fixture is a
true-colour swatch of what it looks like (colour × intensity), its id and name, its
intensity and colour, and pan/tilt/gobo or shutter text. Below: one line per universe
(sources, priority, packet rate, or LOST), then a log of OSC and MIDI arriving and of
sources coming and going. ``q`` quits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, RichLog, Static

from showctl.model import show as m
from showctl.sim.decode import FixtureState, to_hex
from showctl.sim.receiver import ReceiverEvent
from showctl.sim.rig import SimOptions, SimRig
from showctl.sim.snapshot import Placed, place

CELL = 20
LINES = 4


def _cell_lines(s: FixtureState) -> list[Text]:
    swatch = Text("      ", style=f"on {to_hex(s.visible)}")
    head = Text.assemble(swatch, " ", Text(s.key, style="bold"))
    name = Text(s.name[: CELL - 2] or "-", style="")
    colour = s.color_name or s.hex
    level = Text(f"{s.intensity:.0f}% {colour}"[: CELL - 2])
    bits: list[str] = []
    if s.pan is not None and s.tilt is not None:
        bits.append(f"p{s.pan:.0f} t{s.tilt:.0f}")
    if s.gobo is not None and s.gobo.casefold() != "open":
        bits.append(s.gobo)
    if s.shutter is not None and s.shutter.casefold() != "open":
        bits.append(s.shutter)
    if s.strobe:
        bits.append(f"strobe {s.strobe:.0f}%")
    extra = Text(" ".join(bits)[: CELL - 2], style="dim")
    return [head, name, level, extra]


def plot_text(placed: Sequence[Placed]) -> Text:
    """The stage plot as Rich text (see the module docstring)."""
    if not placed:
        return Text("(no fixtures in the patch)")
    xs = sorted({p.x for p in placed})
    ys = sorted({p.y for p in placed}, reverse=True)
    col_of = {x: i for i, x in enumerate(xs)}
    row_of = {y: i for i, y in enumerate(ys)}
    grid: dict[tuple[int, int], FixtureState] = {}
    for p in placed:
        r, c = row_of[p.y], col_of[p.x]
        while (r, c) in grid:  # two fixtures at one spot: the next free column
            c += 1
        grid[(r, c)] = p.state
    ncols = max(c for _, c in grid) + 1
    out = Text()
    for r in range(len(ys)):
        cells = [grid.get((r, c)) for c in range(ncols)]
        if not any(cells):
            continue
        rendered = [_cell_lines(s) if s is not None else [Text()] * LINES for s in cells]
        for line in range(LINES):
            for cell in rendered:
                piece = cell[line].copy()
                piece.pad_right(CELL - len(piece.plain))
                out.append_text(piece)
            out.append("\n")
        out.append("\n")
    width = CELL * ncols
    out.append("audience".center(width, "─"), style="dim")
    return out


class StagePlot(Static):
    """The stage plot; ``text`` keeps the last rendering for tests."""

    def __init__(self) -> None:
        super().__init__(id="stage")
        self.text = Text()

    def show_states(self, placed: Sequence[Placed]) -> None:
        self.text = plot_text(placed)
        self.update(self.text)


class SimApp(App[int]):
    """The simulator's view (see the module docstring)."""

    TITLE = "showctl sim"
    CSS = """
    #stage-scroll { height: 1fr; }
    #universes { height: auto; padding: 0 1; background: $boost; }
    #log { height: 10; border-top: solid $primary; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def __init__(self, show: m.Show, options: SimOptions | None = None, *,
                 interval: float = 0.1) -> None:
        super().__init__()
        self.show = show
        self.interval = interval
        self.rig = SimRig(show, options, on_event=self._on_event, on_log=self._on_log)
        self.sub_title = show.show.title
        self.error: str | None = None
        self.placed: list[Placed] = []
        self._pending: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stage-scroll"):
            yield StagePlot()
        yield Static(id="universes")
        yield RichLog(id="log", max_lines=2000, wrap=False)
        yield Footer()

    async def on_mount(self) -> None:
        from showctl.sim.headless import listening_line

        try:
            await self.rig.start()
        except OSError as exc:
            self.error = f"cannot listen: {exc.strerror or exc}"
            self.exit(1, return_code=1)
            return
        self._log_line(listening_line(self.rig))
        for line in self._pending:
            self._log_line(line)
        self._pending.clear()
        self.refresh_view()
        self.set_interval(self.interval, self.refresh_view)

    async def on_unmount(self) -> None:
        await self.rig.close()

    def _stamp(self) -> str:
        return f"{self.rig.clock.now() - self.rig.started_at:8.3f}"

    def _log_line(self, line: str) -> None:
        try:
            log = self.query_one("#log", RichLog)
        except Exception:
            self._pending.append(line)
            return
        log.write(Text(f"{self._stamp()} {line}"))

    def _on_event(self, ev: ReceiverEvent) -> None:
        self._log_line(f"dmx  {ev}")

    def _on_log(self, line: str) -> None:
        self._log_line(line)

    def refresh_view(self) -> None:
        """Decode every fixture and redraw the plot and the universe lines."""
        states = self.rig.states()
        self.placed = place(self.rig.patch, states)
        self.query_one(StagePlot).show_states(self.placed)
        self.query_one("#universes", Static).update("\n".join(self.rig.universe_lines()))


def run_sim_app(show: m.Show, options: SimOptions) -> int:
    """Run the view until the user quits; 1 when the sockets could not be opened."""
    app = SimApp(show, options)
    code = app.run()
    if app.error is not None:
        import sys

        print(f"showctl sim: {app.error}", file=sys.stderr)
        return 1
    return int(code or 0)


__all__ = ["SimApp", "StagePlot", "plot_text", "run_sim_app"]
