"""``showctl report``: its arguments, finding run logs by their default names, and
printing or writing the report."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from showctl.model.problems import ShowFileError
from showctl.report.formatting import DEFAULT_TOLERANCE

_NAME = re.compile(r"^(?P<stem>.+)-(?P<when>\d{8}-\d{6})(?:-(?P<n>\d+))?\.runlog\.yaml$")


def _order(path: Path) -> tuple[str, int] | None:
    found = _NAME.match(path.name)
    if found is None:
        return None
    return (found["when"], int(found["n"] or 1))


def runlogs_in(folder: Path, stem: str | None = None) -> list[Path]:
    """Run logs in ``folder`` named the default way, oldest first (of one show stem)."""
    if not folder.is_dir():
        return []
    found: list[tuple[tuple[str, int], Path]] = []
    for p in folder.glob("*.runlog.yaml"):
        key = _order(p)
        match = _NAME.match(p.name)
        if key is None or match is None or (stem is not None and match["stem"] != stem):
            continue
        found.append((key, p))
    return [p for _, p in sorted(found)]


def previous_runlog(path: str | Path) -> Path | None:
    """The run log of the same show just before ``path`` in the same folder (by the
    time in the default file names), or None."""
    p = Path(path)
    match = _NAME.match(p.name)
    if match is None:
        return None
    key = _order(p)
    assert key is not None
    older = [q for q in runlogs_in(p.parent, match["stem"]) if (_order(q) or key) < key]
    return older[-1] if older else None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``showctl report`` arguments (the CLI adds the sub-command and calls
    :func:`cmd_report`)."""
    parser.add_argument("runlog", nargs="?",
                        help="run log to report on (default: the newest in the state "
                             "folder, ~/.local/state/showctl/runs)")
    parser.add_argument("--html", metavar="OUT",
                        help="also write the report as one self-contained HTML file")
    parser.add_argument("--against", metavar="PREVIOUS",
                        help="compare with a previous run log; 'last' = the previous run "
                             "of the same show in the same folder")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, metavar="S",
                        help=f"seconds a cue may be off before it is listed "
                             f"(default {DEFAULT_TOLERANCE:g})")
    parser.add_argument("--show", metavar="SHOW",
                        help="show file, to list cues that never ran (default: the show "
                             "path in the run log, when it still exists)")


def cmd_report(args: argparse.Namespace) -> int:
    """Print the text report; write the HTML one with --html. ShowFileError (bad or
    missing run log) is left to the caller, as for every showctl command."""
    # imported here: ``showctl --help`` builds this command's arguments, not its report
    from showctl.report.html_page import render_html
    from showctl.report.model import build_report
    from showctl.report.text import render_text
    from showctl.runlog import load_runlog, state_dir

    path = args.runlog
    if path is None:
        logs = runlogs_in(state_dir() / "runs")
        if not logs:
            print(f"no run logs in {state_dir() / 'runs'}: give a RUNLOG", file=sys.stderr)
            return 1
        path = str(logs[-1])
    log = load_runlog(path)
    against: Path | None = None
    if args.against == "last":
        against = previous_runlog(path)
        if against is None:
            print(f"no earlier run log of this show next to {path}", file=sys.stderr)
            return 1
    elif args.against:
        against = Path(args.against)
    show = None
    show_path = args.show or log.show.path
    if show_path and (args.show or Path(show_path).is_file()):
        from showctl.model.loader import load_show

        try:
            show = load_show(show_path)
        except ShowFileError:
            if args.show:
                raise
            print(f"note: {show_path} does not load any more; cues not run are not listed",
                  file=sys.stderr)
    report = build_report(log, show, against, tolerance=args.tolerance)
    sys.stdout.write(render_text(report))
    if args.html:
        out = Path(args.html)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_html(report), encoding="utf-8")
        print(f"html: {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m showctl.report`` until the CLI has ``showctl report``."""
    parser = argparse.ArgumentParser(prog="showctl report",
                                     description="a rehearsal report from a run log")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return cmd_report(args)
    except ShowFileError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
