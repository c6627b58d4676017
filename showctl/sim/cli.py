"""Command-line wiring for ``showctl sim`` and ``showctl monitor dmx``.

``showctl/cli.py`` adds them like ``report``::

    sp = sub.add_parser("sim", help="a simulated rig: see the show's fixtures without hardware")
    sim_cli.add_arguments(sp)
    sp.set_defaults(func=sim_cli.cmd_sim)

    md = msub.add_parser("dmx", help="print live DMX levels (Art-Net and sACN) per universe")
    sim_cli.add_monitor_dmx_arguments(md)
    md.set_defaults(func=sim_cli.cmd_monitor_dmx)

User errors (busy port, bad value) print one sentence on stderr and return 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from showctl.protocols import artnet as art
from showctl.protocols import sacn as sacn

if TYPE_CHECKING:
    from showctl.model import show as m
    from showctl.sim.rig import SimOptions

EXIT_USER = 1


def _times(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: want seconds separated by commas, e.g. 12.5,40") from None
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"{text!r}: want one or more times ≥ 0 s")
    return values


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} outside 0-65535")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of ``showctl sim SHOW``."""
    parser.add_argument("show", help="show file whose patch the simulated rig has")
    parser.add_argument("--headless", action="store_true",
                        help="print fixture changes as text lines instead of the stage view")
    parser.add_argument("--bind", default="127.0.0.1",
                        help="address the Art-Net and sACN sockets listen on (default 127.0.0.1)")
    parser.add_argument("--artnet-port", type=_port, default=art.ARTNET_PORT,
                        help=f"Art-Net UDP port (default {art.ARTNET_PORT})")
    parser.add_argument("--sacn-port", type=_port, default=sacn.SACN_PORT,
                        help=f"sACN UDP port (default {sacn.SACN_PORT})")
    parser.add_argument("--no-artnet", action="store_true", help="do not listen for Art-Net")
    parser.add_argument("--no-sacn", action="store_true", help="do not listen for sACN")
    parser.add_argument("--interface", default="127.0.0.1",
                        help="interface for sACN multicast membership (default 127.0.0.1)")
    parser.add_argument("--artnet-offset", type=int, default=0, metavar="N",
                        help="show universe = Art-Net Port-Address - N (default 0)")
    parser.add_argument("--sacn-offset", type=int, default=0, metavar="N",
                        help="show universe = sACN universe - N (default 0)")
    parser.add_argument("--osc-port", type=_port, default=53400,
                        help="log OSC arriving on this UDP port (default 53400)")
    parser.add_argument("--no-osc", action="store_true", help="do not log OSC")
    parser.add_argument("--midi", default="127.0.0.1:5401", metavar="HOST:PORT",
                        help="log network MIDI arriving here (default 127.0.0.1:5401)")
    parser.add_argument("--no-midi", action="store_true", help="do not log MIDI")
    parser.add_argument("--interval", type=float, default=0.1, metavar="S",
                        help="headless: decode and print changes every S seconds (default 0.1)")
    parser.add_argument("--duration", type=float, default=None, metavar="S",
                        help="headless: stop after S seconds")
    parser.add_argument("--snapshot-at", type=_times, metavar="T[,T…]",
                        help="no live rig: replay the show on the virtual clock and write a "
                             "stage snapshot (SVG, and PNG when a converter is installed) at "
                             "each time")
    parser.add_argument("--out", default="snapshots", metavar="DIR",
                        help="snapshots: folder to write to (default ./snapshots)")
    parser.add_argument("--calls", metavar="CALLS",
                        help="snapshots: calling script for the replay (default: GO as "
                             "replay does)")
    parser.add_argument("--no-png", action="store_true", help="snapshots: SVG only")


def _options(args: argparse.Namespace) -> SimOptions:
    from showctl.sim.rig import SimOptions

    return SimOptions(
        bind=args.bind,
        artnet_port=None if args.no_artnet else args.artnet_port,
        sacn_port=None if args.no_sacn else args.sacn_port,
        interface=args.interface,
        artnet_offset=args.artnet_offset,
        sacn_offset=args.sacn_offset,
        osc_port=None if args.no_osc else args.osc_port,
        midi=None if args.no_midi else args.midi,
    )


def cmd_sim(args: argparse.Namespace) -> int:
    """``showctl sim``: the live simulated rig, or snapshots with ``--snapshot-at``."""
    from showctl.model.loader import load_show

    show = load_show(args.show)
    if args.snapshot_at:
        return _snapshots(show, args)
    options = _options(args)
    try:
        if args.headless:
            from showctl.sim.headless import run_blocking

            return run_blocking(show, options, interval=args.interval, duration=args.duration)
        from showctl.sim.app import run_sim_app

        return run_sim_app(show, options)
    except OSError as exc:
        print(f"showctl sim: cannot listen on {args.bind} (Art-Net {args.artnet_port}, sACN "
              f"{args.sacn_port}): {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER


def _snapshots(show: m.Show, args: argparse.Namespace) -> int:
    from showctl.api.calls import load_calls
    from showctl.sim.snapshot import png_converter, take_snapshots

    calls = load_calls(args.calls) if args.calls else None
    shots = take_snapshots(show, args.snapshot_at, Path(args.out), calls=calls,
                           png=not args.no_png)
    for shot in shots:
        extra = f" and {shot.png}" if shot.png is not None else ""
        cues = "; ".join(shot.cues) or "no cue"
        print(f"{shot.t:.3f} s: {shot.svg}{extra} ({cues})")
    if not args.no_png and png_converter() is None:
        print("no SVG→PNG converter (rsvg-convert, cairosvg or ImageMagick): SVG only",
              file=sys.stderr)
    return 0


def add_monitor_dmx_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of ``showctl monitor dmx``."""
    parser.add_argument("--universe", "-u", type=int, action="append", metavar="N",
                        help="show only this universe (repeatable; default: all)")
    parser.add_argument("--protocol", choices=("artnet", "sacn", "both"), default="both")
    parser.add_argument("--bind", default="0.0.0.0",
                        help="address to listen on (default 0.0.0.0: every interface)")
    parser.add_argument("--artnet-port", type=_port, default=art.ARTNET_PORT)
    parser.add_argument("--sacn-port", type=_port, default=sacn.SACN_PORT)
    parser.add_argument("--interface", default="127.0.0.1",
                        help="interface for sACN multicast membership (default 127.0.0.1)")
    parser.add_argument("--full", action="store_true",
                        help="print all 512 values of a universe on each update")
    parser.add_argument("--interval", type=float, default=0.5, metavar="S",
                        help="print gathered updates every S seconds; 0 = every packet")
    parser.add_argument("--count", type=int, default=None, metavar="N",
                        help="stop after N lines")


def cmd_monitor_dmx(args: argparse.Namespace) -> int:
    """``showctl monitor dmx``."""
    import asyncio

    from showctl.sim.monitor import monitor_dmx

    try:
        asyncio.run(monitor_dmx(
            sys.stdout, universes=args.universe, protocol=args.protocol, bind=args.bind,
            artnet_port=args.artnet_port, sacn_port=args.sacn_port, interface=args.interface,
            full=args.full, interval=args.interval, count=args.count))
    except OSError as exc:
        print(f"showctl monitor dmx: cannot listen on {args.bind}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        return 0
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``sim`` or ``monitor-dmx`` without the main CLI (``python -m showctl.sim.cli``)."""
    parser = argparse.ArgumentParser(prog="python -m showctl.sim.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("sim")
    add_arguments(sp)
    sp.set_defaults(func=cmd_sim)
    md = sub.add_parser("monitor-dmx")
    add_monitor_dmx_arguments(md)
    md.set_defaults(func=cmd_monitor_dmx)
    args = parser.parse_args(argv)
    from showctl.model.problems import ShowFileError

    try:
        return int(args.func(args))
    except ShowFileError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return EXIT_USER


if __name__ == "__main__":
    sys.exit(main())
