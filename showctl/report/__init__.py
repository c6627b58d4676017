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

from showctl.report.cli import add_arguments, cmd_report, main, previous_runlog, runlogs_in
from showctl.report.formatting import fmt_delta, fmt_time
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
    DEFAULT_TOLERANCE,
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
