"""Rehearsal reports from run logs: text for the terminal, one HTML file to hand round.

``build_report(runlog, show=None, against=None)`` works out the numbers; the renderers
only lay them out. The package is split by job, and every public name is re-exported
here (``from showctl.report import build_report`` and friends):

* :mod:`showctl.report.model`: the numbers (:class:`Report`, :func:`build_report`) and
  the rules behind them (also in docs/reports.md);
* :mod:`showctl.report.formatting`: show times and differences as text;
* :mod:`showctl.report.text`: the terminal report;
* :mod:`showctl.report.html_page`: the HTML file and its SVG timeline;
* :mod:`showctl.report.cli`: ``showctl report`` (and ``python -m showctl.report``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from showctl.report.cli import add_arguments, cmd_report, main, previous_runlog, runlogs_in
    from showctl.report.formatting import DEFAULT_TOLERANCE, fmt_delta, fmt_time
    from showctl.report.html_page import (
        AXIS_H,
        BAR_H,
        LABEL_W,
        PLOT_W,
        RIGHT_PAD,
        ROW_H,
        render_html,
        timeline_svg,
    )
    from showctl.report.model import (
        CueTiming,
        Deviation,
        Report,
        SectionTiming,
        build_report,
    )
    from showctl.report.text import render_text

__all__ = [
    "AXIS_H",
    "BAR_H",
    "DEFAULT_TOLERANCE",
    "LABEL_W",
    "PLOT_W",
    "RIGHT_PAD",
    "ROW_H",
    "CueTiming",
    "Deviation",
    "Report",
    "SectionTiming",
    "add_arguments",
    "build_report",
    "cmd_report",
    "fmt_delta",
    "fmt_time",
    "main",
    "previous_runlog",
    "render_html",
    "render_text",
    "runlogs_in",
    "timeline_svg",
]

# Each name from its module on first use, so ``showctl --help`` (which only builds the
# report's arguments) does not load run logs, the engine and the HTML renderer.
_HOME = {
    "add_arguments": "cli", "cmd_report": "cli", "main": "cli", "previous_runlog": "cli",
    "runlogs_in": "cli", "fmt_delta": "formatting", "fmt_time": "formatting",
    "AXIS_H": "html_page", "BAR_H": "html_page", "LABEL_W": "html_page",
    "PLOT_W": "html_page", "RIGHT_PAD": "html_page", "ROW_H": "html_page",
    "render_html": "html_page", "timeline_svg": "html_page",
    "DEFAULT_TOLERANCE": "formatting", "CueTiming": "model", "Deviation": "model",
    "Report": "model", "SectionTiming": "model", "build_report": "model",
    "render_text": "text",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"showctl.report.{home}"), name)
