"""``showctl import-ascii`` and ``showctl export-ascii``: the commands around
:mod:`showctl.interchange.ascii_show`.

Import prints every problem as ``file:line:col: error|warning: message``; errors
(a level or time that cannot be read, a channel without a level…) mean part of the
file would be lost, so nothing is written and the exit status is 1. Warnings (what a
show cannot carry) are listed and the show is written. Export lists what the ASCII
file cannot carry on stderr and exits 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_USER = 1


def add_import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="USITT ASCII file (.asc) a console or offline editor wrote")
    p.add_argument("--out", "-o", help="show file to write (default: print the YAML)")
    p.add_argument("--title", help="show title (default: the file's name)")
    p.add_argument("--force", action="store_true", help="replace an existing file")


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("show", help="show file whose light cues to export")
    p.add_argument("--out", "-o", help="ASCII file to write (default: print it)")
    p.add_argument("--force", action="store_true", help="replace an existing file")


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Consoles of the standard's age write 8-bit text in their own code page; the
        # records themselves are plain ASCII, so only labels can be affected.
        return data.decode("cp1252", errors="replace")


def cmd_import_ascii(args: argparse.Namespace) -> int:
    from showctl.interchange.ascii_show import show_from_ascii
    from showctl.interchange.usitt_ascii import parse
    from showctl.model.loader import parse_show

    path = Path(args.file)
    try:
        text = _read_text(path)
    except OSError as exc:
        print(f"{path}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER
    parsed = parse(text)
    result = show_from_ascii(parsed, path.name, args.title or path.stem)
    for note in result.notes:
        print(f"{path}:{note.line}:{note.col}: {note.severity}: {note.message}",
              file=sys.stderr)
    if result.errors:
        n = len(result.errors)
        print(f"{path}: {n} error{'s' if n != 1 else ''}: nothing written", file=sys.stderr)
        return EXIT_USER
    show, problems = parse_show(result.yaml_text, args.out or "<import>")
    if problems or show is None:  # a bug of the importer, not of the file: say so loudly
        for p in problems:
            print(p, file=sys.stderr)
        raise RuntimeError("import-ascii built a show that does not check")
    if not args.out:
        sys.stdout.write(result.yaml_text)
        return 0
    out = Path(args.out)
    if out.exists() and not args.force:
        print(f"{out} exists: use --force to replace it", file=sys.stderr)
        return EXIT_USER
    out.write_text(result.yaml_text, encoding="utf-8")
    cues = sum(1 for _ in show.walk())
    print(f"wrote {out}: {len(show.patch)} fixtures, {cues} cues in {len(show.cuelists)} "
          f"list{'s' if len(show.cuelists) != 1 else ''}"
          + (f", {len(result.notes)} warnings" if result.notes else ""))
    return 0


def cmd_export_ascii(args: argparse.Namespace) -> int:
    from showctl.interchange.ascii_show import ascii_from_show
    from showctl.interchange.usitt_ascii import write
    from showctl.model.loader import load_show

    show = load_show(args.show)
    result = ascii_from_show(show, source=args.show)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    text = write(result.file)
    if not text.isascii():
        # the standard is 7-bit ASCII: a console may refuse or garble anything else
        print("warning: names and notes with characters outside ASCII are written with "
              "'?' in their place", file=sys.stderr)
        text = text.encode("ascii", errors="replace").decode("ascii")
    if not args.out:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    if out.exists() and not args.force:
        print(f"{out} exists: use --force to replace it", file=sys.stderr)
        return EXIT_USER
    # CRLF: the line ending the standard's consoles expect; every reader accepts it
    out.write_bytes(text.replace("\n", "\r\n").encode("ascii"))
    print(f"wrote {out}: {len(result.file.cues)} cues, {len(result.file.patch)} channels")
    return 0
