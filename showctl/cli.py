"""The ``showctl`` command line: check, replay, run, export-schema and friends.

User errors (a bad show file, a missing file, a busy port) print one clear line per
problem on stderr and exit 1, never a traceback. An unexpected exception is a bug: it
prints the traceback and a line saying so, and exits 70.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from showctl import __version__
from showctl.model.problems import Problem, ShowFileError

if TYPE_CHECKING:
    from showctl.model import show as m

EXIT_USER = 1
EXIT_BUG = 70


def _load(path: str) -> object:
    from showctl.model.loader import load_show

    return load_show(path)


def cmd_check(args: argparse.Namespace) -> int:
    from showctl.model.loader import read_show

    status = 0
    for path in args.show:
        show, problems = read_show(path)
        if problems:
            for p in problems:
                print(p, file=sys.stderr)
            n = len(problems)
            print(f"{path}: {n} problem{'s' if n != 1 else ''}", file=sys.stderr)
            status = EXIT_USER
        else:
            assert show is not None
            cues = sum(1 for _ in show.walk())
            print(f"{path}: ok ({cues} cues in {len(show.cuelists)} "
                  f"list{'s' if len(show.cuelists) != 1 else ''}, "
                  f"{len(show.outputs)} outputs)")
    return status


def cmd_replay(args: argparse.Namespace) -> int:
    import time

    from showctl.api.calls import load_calls
    from showctl.model.loader import load_show
    from showctl.replay import replay
    from showctl.trace import TraceWriter, compare, read_trace

    show = load_show(args.show)
    calls = load_calls(args.calls) if args.calls else None
    expected = None
    if args.expect:
        try:
            expected = read_trace(args.expect)
        except FileNotFoundError:
            raise ShowFileError([Problem(args.expect, 1, 1, "no such file")]) from None
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return EXIT_USER
    out: IO[str] | None = None
    if args.trace:
        out = open(args.trace, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    try:
        wall = time.perf_counter()
        if args.no_runlog:
            result = replay(show, calls, trace=TraceWriter(out))
        else:
            from showctl.replay import record_replay

            result, recorder = record_replay(show, calls, show_path=args.show, trace=out)
        wall = time.perf_counter() - wall
    finally:
        if out is not None:
            out.close()
    if not args.no_runlog:
        print(f"run log: {recorder.save(args.runlog)}")
    planned_from: dict[tuple[str, str], float] = {}
    if expected is not None:
        for line in expected:
            if line.get("kind") == "cue_started":
                planned_from.setdefault((line["list"], line["cue"]), float(line["t"]))
    print(_table(result.rows, planned_from if expected is not None else None))
    from showctl.model import schedule

    ros = schedule.replay_progress(schedule.plan(show), result.trace, result.length)
    if ros is not None:
        print("\n".join(schedule.summary_lines(ros)))
    for err in result.errors:
        print(f"warning: {err}", file=sys.stderr)
    ratio = result.length / wall if wall > 0 else float("inf")
    print(f"replayed {result.length:.3f} s of show in {wall:.3f} s ({ratio:,.0f}x real time)")
    if args.trace:
        print(f"trace: {args.trace} ({len(result.trace)} lines)")
    if expected is not None:
        diff = compare(result.trace, expected)
        if diff is not None:
            print(f"{args.expect}: differs: {diff}", file=sys.stderr)
            return EXIT_USER
        print(f"{args.expect}: trace matches ({len(expected)} lines)")
    return 0


def _table(rows: Sequence[object], golden: dict[tuple[str, str], float] | None) -> str:
    def fmt(v: float | None) -> str:
        return "-" if v is None else f"{v:9.3f}"

    head = f"{'list':<8} {'cue':<6} {'name':<32} {'planned':>9} {'actual':>9} {'end':>9}"
    lines = [head, "-" * len(head)]
    for r in rows:
        planned = getattr(r, "planned", None)
        if golden is not None:
            planned = golden.get((r.list, r.number))  # type: ignore[attr-defined]
        name = str(getattr(r, "name", ""))[:32]
        how = " (stopped)" if getattr(r, "how", "") == "stopped" else ""
        lines.append(
            f"{r.list:<8} {r.number:<6} {name:<32} {fmt(planned)} "  # type: ignore[attr-defined]
            f"{fmt(r.started)} {fmt(r.ended)}{how}"  # type: ignore[attr-defined]
        )
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace, loaded: m.Show | None = None) -> int:
    from showctl.model.loader import load_show

    # Every problem is reported here, before anything starts. ``loaded``: the show the
    # supervisor loaded before it forked this engine (the file as the run began: the
    # journal's edits replay onto it).
    show = loaded or load_show(args.show)
    rig = None
    if args.rig:
        from showctl.drivers.rig import load_rig

        rig = load_rig(args.rig, list(show.outputs))
    from showctl.remote.options import remote_config_from_args

    remote = remote_config_from_args(args)
    runlog = None if args.no_runlog else (args.runlog or "")
    if args.headless and args.supervise:
        import showctl.headless
        from showctl.engine.light_cues import prepare
        from showctl.live.supervisor import supervise

        # Loaded and compiled once, before the engine is forked: a restart starts with
        # both in memory (the compile of a big rig is most of a restart's time).
        prepare(show)
        showctl.headless.freeze_startup_heap()  # the child's collections skip all of it

        def engine(resume: bool) -> int:
            args.supervise = False
            if resume:
                args.resume, args.fresh = True, False
            return cmd_run(args, show)

        return supervise(sys.argv[1:], fork_main=engine)
    if args.headless:
        from showctl.headless import ApiAddress, run_headless
        from showctl.web.server import WebAddress

        try:
            api = None if args.no_api else ApiAddress.parse(args.api or "")
            web = None if args.no_web else WebAddress.parse(args.web or "")
        except ValueError as exc:
            print(f"showctl: {exc}", file=sys.stderr)
            return EXIT_USER
        return run_headless(show, rig, auto=args.auto, quiet_outputs=not args.verbose,
                            show_path=args.show, runlog=runlog, remote=remote, api=api,
                            log_file=args.engine_log or "", journal=_journal_mode(args),
                            web=web, watch=not args.no_watch)
    if args.no_api:
        print("showctl: the console needs the native API: drop --no-api, or use --headless",
              file=sys.stderr)
        return EXIT_USER
    from showctl.live.process import EngineError, start_engine
    from showctl.live.registry import find

    running = find(args.show)
    try:
        if running:
            entry = running[0]
            print(f"showctl: {args.show} is already running (pid {entry.pid}): attaching")
        else:
            entry = start_engine(args.show, _engine_args(args))
    except EngineError as exc:
        print(f"showctl: {exc}", file=sys.stderr)
        return EXIT_USER
    return _console(entry, args.passcode[0].partition(":")[0] if args.passcode else None)


def _journal_mode(args: argparse.Namespace) -> str:
    if args.no_journal:
        return "off"
    return "fresh" if args.fresh else "resume" if args.resume else "auto"


def _engine_args(args: argparse.Namespace) -> list[str]:
    """The ``run`` options the engine process needs (the console's own are left out)."""
    out: list[str] = []
    for flag in ("rig", "runlog", "osc_port", "osc_host", "udp_reply_port", "remote", "api",
                 "web"):
        value = getattr(args, flag, None)
        if value is not None:
            out += [f"--{flag.replace('_', '-')}", str(value)]
    for code in args.passcode:
        out += ["--passcode", code]
    for flag in ("no_runlog", "no_osc", "resume", "fresh", "no_journal", "no_web",
                 "no_watch"):
        if getattr(args, flag, False):
            out.append(f"--{flag.replace('_', '-')}")
    return out


def _console(entry: object, passcode: str | None) -> int:
    """Open a console on a running show; when it closes, say what became of the show."""
    import importlib

    from showctl.live.process import wait_gone
    from showctl.live.registry import Entry

    assert isinstance(entry, Entry)
    try:
        console = importlib.import_module("showctl.console.app")
    except ImportError:
        print("the console is not available in this build: use --headless", file=sys.stderr)
        return EXIT_USER
    status, ended = console.run_console(entry.api, passcode=passcode)
    if ended:
        wait_gone(entry.pid, 10.0)
        print("showctl: show ended")
    elif status == 0:
        print(f"showctl: the show runs on (pid {entry.pid}, API {entry.api}): "
              f"'showctl attach {entry.show}' to come back, 'showctl stop {entry.show}' "
              "to end it")
    return int(status)


def cmd_attach(args: argparse.Namespace) -> int:
    from showctl.live.process import EngineError, pick

    try:
        entry = pick(args.show)
    except EngineError as exc:
        print(f"showctl: {exc}", file=sys.stderr)
        return EXIT_USER
    return _console(entry, args.passcode)


def cmd_ps(args: argparse.Namespace) -> int:
    import asyncio

    from showctl.live.process import describe_entry
    from showctl.live.registry import running

    entries = running()
    if args.json:
        print(json.dumps([{"show": e.show, "title": e.title, "pid": e.pid, "api": e.api,
                           "osc": e.osc, "web": e.web, "started": e.started,
                           "uptime": round(e.uptime(), 1)} for e in entries], indent=1))
        return 0
    if not entries:
        print("no shows running")
        return 0

    async def states() -> list[str]:
        return [await describe_entry(e) for e in entries]

    words = asyncio.run(states())
    head = f"{'show':<28} {'pid':>7} {'api':<21} {'osc':>5} {'uptime':>9}  state"
    print(head)
    for e, word in zip(entries, words, strict=True):
        up = int(e.uptime())
        print(f"{Path(e.show).name[:28]:<28} {e.pid:>7} {e.api:<21} {e.osc or '-':>5} "
              f"{up // 3600:>3}:{up % 3600 // 60:02d}:{up % 60:02d}  {word}")
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    from showctl.live.process import EngineError, pick, stop_engine

    try:
        entry = pick(args.show)
    except EngineError as exc:
        print(f"showctl: {exc}", file=sys.stderr)
        return EXIT_USER
    if stop_engine(entry, passcode=args.passcode):
        print(f"showctl: {Path(entry.show).name} ended (pid {entry.pid})")
        return 0
    print(f"showctl: pid {entry.pid} did not end", file=sys.stderr)
    return EXIT_USER


def _runlog_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runlog", metavar="PATH",
                   help="where to write the run log (default: ~/.local/state/showctl/runs/)")
    p.add_argument("--no-runlog", action="store_true", help="write no run log")


def cmd_monitor_osc(args: argparse.Namespace) -> int:
    import asyncio

    from showctl.monitor.osc import monitor_osc

    transport: Literal["udp", "tcp"] = "tcp" if args.tcp else "udp"
    try:
        asyncio.run(monitor_osc(args.port, args.host, transport, sys.stdout))
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port} ({transport}): {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USER
    return 0


def cmd_monitor_midi(args: argparse.Namespace) -> int:
    import asyncio

    from showctl.monitor.midi import monitor_midi

    try:
        asyncio.run(monitor_midi(args.source, sys.stdout, connect=args.connect,
                                 quarter_frames=args.quarter_frames))
    except OSError as exc:
        print(f"cannot open MIDI source {args.source!r}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER
    return 0


def cmd_fixtures_import(args: argparse.Namespace) -> int:
    from showctl.lighting.importing import FixtureImportError, import_fixture_result

    try:
        result = import_fixture_result(args.file)
    except FixtureImportError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USER
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.out is None:
        sys.stdout.write(result.yaml_text)
        return 0
    out = Path(args.out)
    if out.is_dir():
        name = result.suggested_name
        out = out / (name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if out.exists() and not args.force:
        print(f"{out} exists: use --force to replace it", file=sys.stderr)
        return EXIT_USER
    out.write_text(result.yaml_text, encoding="utf-8")
    print(f"wrote {out}; patch it with 'profile: {out}'")
    return 0


def cmd_fixtures_list(args: argparse.Namespace) -> int:
    from showctl.lighting.profiles import list_profiles, load_profile

    for name in list_profiles():
        prof = load_profile(name)
        print(f"{name:<16} {prof.manufacturer} {prof.model}  modes: {', '.join(prof.modes)}")
    return 0


def cmd_export_schema(args: argparse.Namespace) -> int:
    from showctl.model.schema import show_schema

    text = json.dumps(show_schema(), indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text)
    return 0


EXIT_DIFF_TROUBLE = 2  # diff: 0 equal, 1 different, 2 a file could not be read


def cmd_diff(args: argparse.Namespace) -> int:
    from showctl.model.diff import diff_shows, read_for_diff
    from showctl.model.show import Show

    files = list(args.files)
    git = len(files) == 7  # git's external diff: path old-file old-hex old-mode new-file …
    if not git and len(files) != 2:
        print("showctl diff: give OLD NEW (or the 7 arguments git passes a diff driver)",
              file=sys.stderr)
        return EXIT_DIFF_TROUBLE
    (old_path, new_path), shown = ((files[1], files[4]), files[0]) if git else (files, None)
    shows: list[Show | None] = []
    trouble: list[Problem] = []
    for path in (old_path, new_path):
        if git and path == "/dev/null":
            shows.append(None)
            continue
        show, problems = read_for_diff(path, shown)
        trouble += problems
        shows.append(show)
    if git:
        print(f"showctl diff a/{shown} b/{shown}")
    if trouble:
        for p in trouble:
            print(p, file=sys.stdout if git else sys.stderr)
        return 0 if git else EXIT_DIFF_TROUBLE
    result = diff_shows(shows[0], shows[1])
    out = result.json() + "\n" if args.format == "json" else result.text()
    if git and result.equal and args.format != "json":
        out = "the same show: only comments or formatting changed\n"
    sys.stdout.write(out)
    return 0 if result.equal or git else 1


def cmd_cuesheet(args: argparse.Namespace) -> int:
    from showctl.cuesheet import SheetError, cue_sheet, render
    from showctl.model.loader import load_show

    show = load_show(args.show)
    try:
        lists = cue_sheet(show, args.list, args.dept)
    except SheetError as exc:
        print(f"showctl cuesheet: {exc}", file=sys.stderr)
        return EXIT_USER
    text = render(show, lists, args.format, date=args.date,
                  paper="Letter" if args.paper == "letter" else "A4", dept=args.dept)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="showctl", description="Show control: cue lists driving lights, sound and video."
    )
    p.add_argument("--version", action="version", version=f"showctl {__version__}")
    p.add_argument("--max-file-size", type=float, metavar="MB",
                   help="refuse show, rig and other files larger than this (default 16 MB, "
                        "or $SHOWCTL_MAX_FILE_MB)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("check", help="validate show files; report every problem with file:line")
    c.add_argument("show", nargs="+")
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("replay", help="run a show headless on a virtual clock")
    r.add_argument("show")
    r.add_argument("--calls", help="calling script (YAML list of {at, do, list})")
    r.add_argument("--trace", help="write a JSON Lines trace here")
    r.add_argument("--expect", help="compare the trace with this golden trace")
    _runlog_flags(r)
    r.set_defaults(func=cmd_replay)

    run = sub.add_parser("run", help="run a show live (console, or --headless)")
    run.add_argument("show")
    run.add_argument("--rig", help="rig profile: a path, or local / sim / venue-example")
    run.add_argument("--headless", action="store_true", help="no console; print cues as they fire")
    run.add_argument("--auto", action="store_true",
                     help="headless: press GO by itself, as replay does without a script")
    run.add_argument("--verbose", "-v", action="store_true", help="headless: print outputs too")
    run.add_argument("--api", metavar="[HOST:]PORT",
                     help="the native API (console, attach, tools): default 127.0.0.1:53180, "
                          "or any free port when that is taken; other hosts need --passcode")
    run.add_argument("--no-api", action="store_true",
                     help="headless: no native API (no attach, not listed by ps)")
    run.add_argument("--web", metavar="[HOST:]PORT",
                     help="the browser page (run of show, cues, remote): default "
                          "127.0.0.1:53190, or any free port when that is taken; other hosts "
                          "need --passcode")
    run.add_argument("--no-web", action="store_true", help="no browser page")
    run.add_argument("--no-watch", action="store_true",
                     help="do not apply the show file's saved versions to the running show "
                          "(hot reload is on by default)")
    run.add_argument("--engine-log", help=argparse.SUPPRESS)
    crash = run.add_mutually_exclusive_group()
    crash.add_argument("--resume", action="store_true",
                       help="resume the show's last run from its journal (default when it "
                            "did not end cleanly)")
    crash.add_argument("--fresh", action="store_true",
                       help="start from the top even if the last run crashed")
    run.add_argument("--no-journal", action="store_true",
                     help="write no crash journal (no resume after a crash)")
    run.add_argument("--supervise", action="store_true",
                     help="headless: restart a crashed engine at once, with resume")
    _runlog_flags(run)
    from showctl.remote.options import add_remote_arguments

    add_remote_arguments(run)
    run.set_defaults(func=cmd_run)

    at = sub.add_parser("attach", help="open a console on a running show")
    at.add_argument("show", nargs="?", help="show file, name or pid (default: the only one)")
    at.add_argument("--passcode", help="for a show that listens with passcodes")
    at.set_defaults(func=cmd_attach)
    ps = sub.add_parser("ps", help="list running shows: show, pid, API address, uptime, state")
    ps.add_argument("--json", action="store_true", help="as JSON, for scripts")
    ps.set_defaults(func=cmd_ps)
    st = sub.add_parser("stop", help="end a running show cleanly (as the console's quit does)")
    st.add_argument("show", nargs="?", help="show file, name or pid (default: the only one)")
    st.add_argument("--passcode", help="for a show that listens with passcodes")
    st.set_defaults(func=cmd_stop)

    from showctl import report

    rp = sub.add_parser("report", help="a rehearsal report from a run log (text, or --html)")
    report.add_arguments(rp)
    rp.set_defaults(func=report.cmd_report)

    from showctl.sim import cli as sim_cli

    sp = sub.add_parser("sim", help="simulated rig: see the show's fixtures without hardware")
    sim_cli.add_arguments(sp)
    sp.set_defaults(func=sim_cli.cmd_sim)

    mon = sub.add_parser("monitor", help="print what arrives: dmx, osc, midi")
    msub = mon.add_subparsers(dest="what", required=True, metavar="WHAT")
    mo = msub.add_parser("osc", help="print OSC messages arriving on a port (like oscdump)")
    mo.add_argument("--port", type=int, default=53000)
    mo.add_argument("--host", default="127.0.0.1", help="address to listen on")
    mo.add_argument("--tcp", action="store_true", help="TCP (SLIP or length-prefixed)")
    mo.set_defaults(func=cmd_monitor_osc)
    mm = msub.add_parser("midi", help="print MIDI (MSC, MTC decoded) from a port or socket")
    mm.add_argument("source", nargs="?", default="127.0.0.1:5009",
                    help="input port name, or host:port for network MIDI (default "
                         "127.0.0.1:5009)")
    mm.add_argument("--connect", action="store_true",
                    help="host:port: connect to a running server instead of listening")
    mm.add_argument("--quarter-frames", action="store_true", help="print every MTC quarter frame")
    mm.set_defaults(func=cmd_monitor_midi)
    md = msub.add_parser("dmx", help="print live DMX levels (Art-Net/sACN) per universe, "
                         "with source, priority and rate")
    sim_cli.add_monitor_dmx_arguments(md)
    md.set_defaults(func=sim_cli.cmd_monitor_dmx)

    fx = sub.add_parser("fixtures", help="fixture profiles: list the shipped ones, import")
    fsub = fx.add_subparsers(dest="what", required=True, metavar="WHAT")
    fi = fsub.add_parser("import", help="convert a QLC+ .qxf or Open Fixture Library .json "
                         "fixture into a showctl profile")
    fi.add_argument("file")
    fi.add_argument("--out", "-o", help="file or folder to write (default: print the YAML)")
    fi.add_argument("--force", action="store_true", help="replace an existing file")
    fi.set_defaults(func=cmd_fixtures_import)
    fl = fsub.add_parser("list", help="the shipped fixture profiles")
    fl.set_defaults(func=cmd_fixtures_list)

    cs = sub.add_parser("cuesheet", help="the calling script or a department's cue sheet "
                        "(csv, md, or printable html)")
    cs.add_argument("show")
    cs.add_argument("--list", help="only this cue list (default: every list)")
    cs.add_argument("--dept", help="only cues for this department, output (lx, sound…) or kind "
                    "(dmx, osc, midi)")
    cs.add_argument("--format", choices=("md", "csv", "html"), default="md")
    cs.add_argument("--paper", choices=("a4", "letter"), default="a4", help="html page size")
    cs.add_argument("--date", help="date printed in the header (default: today)")
    cs.add_argument("--out", "-o", help="file to write (default: stdout)")
    cs.set_defaults(func=cmd_cuesheet)

    df = sub.add_parser("diff", help="what changed between two shows, in cue/fixture terms; "
                        "exit 0 equal, 1 different, 2 unreadable (also a git diff driver)")
    df.add_argument("files", nargs="+", metavar="OLD NEW")
    df.add_argument("--format", choices=("text", "json"), default="text")
    df.set_defaults(func=cmd_diff)

    from showctl.interchange import cli as ascii_cli

    ia = sub.add_parser("import-ascii", help="a show file from a console's USITT ASCII "
                        "light cues (patch, cues, times, groups); lists what it cannot carry")
    ascii_cli.add_import_arguments(ia)
    ia.set_defaults(func=ascii_cli.cmd_import_ascii)
    ea = sub.add_parser("export-ascii", help="a show's light cues as USITT ASCII for a "
                        "lighting console to load")
    ascii_cli.add_export_arguments(ea)
    ea.set_defaults(func=ascii_cli.cmd_export_ascii)

    s = sub.add_parser("export-schema", help="write the show file's JSON Schema (for editors)")
    s.add_argument("--out", "-o", help="file to write (default: stdout)")
    s.set_defaults(func=cmd_export_schema)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    if args.max_file_size is not None:
        if args.max_file_size <= 0:
            parser.error("--max-file-size: give a positive number of MB")
        from showctl.model.yamlsource import set_max_file_size

        set_max_file_size(args.max_file_size)
    try:
        return func(args)
    except ShowFileError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        traceback.print_exc()
        print("showctl: internal error: this is a bug in showctl, please report it with the "
              "traceback above", file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
