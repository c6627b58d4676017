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
from typing import IO, Literal

from showctl import __version__
from showctl.model.problems import Problem, ShowFileError

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

    from showctl.model.loader import load_show
    from showctl.replay import load_calls, replay
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
            from showctl.runlog import record_replay

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


def cmd_run(args: argparse.Namespace) -> int:
    from showctl.model.loader import load_show

    show = load_show(args.show)
    rig = None
    if args.rig:
        from showctl.drivers.rig import load_rig

        rig = load_rig(args.rig)
    from showctl.remote.options import remote_config_from_args

    remote = remote_config_from_args(args)
    runlog = None if args.no_runlog else (args.runlog or "")
    if args.headless:
        from showctl.headless import run_headless

        return run_headless(show, rig, auto=args.auto, quiet_outputs=not args.verbose,
                            show_path=args.show, runlog=runlog, remote=remote)
    import importlib

    try:
        console = importlib.import_module("showctl.console.app")
    except ImportError:
        print("the console is not available in this build: use --headless", file=sys.stderr)
        return EXIT_USER
    return int(console.run_console(show, rig, path=args.show, remote=remote, runlog=runlog))


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
    _runlog_flags(run)
    from showctl.remote.options import add_remote_arguments

    add_remote_arguments(run)
    run.set_defaults(func=cmd_run)

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
