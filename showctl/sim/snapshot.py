"""Stage snapshots: replay a show on the virtual clock and draw the rig at given times.

:func:`dmx_at` rebuilds every universe at a time from a trace's ``dmx`` lines (each
carries only the channels that changed, 1-based); :func:`running_cues` says which cues
were running then. :func:`render_svg` draws a stage plot: each fixture a circle filled
with its colour at its intensity, labelled, with machine-readable attributes for tests
and CI (``data-fixture``, ``data-intensity``, ``data-color``, ``data-visible``, and
``data-pan``/``data-tilt``/``data-gobo`` where the fixture has them). :func:`to_png`
converts with the first converter found (``rsvg-convert``, the ``cairosvg`` module, or
ImageMagick's ``convert``) and quietly does nothing without one.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from showctl.engine.patching import output_for_universe
from showctl.lighting.patch import Patch, build_patch
from showctl.model import show as m
from showctl.sim.decode import FixtureState, decode_patch, to_hex

Universes = dict[tuple[str, int], bytearray]


def dmx_at(trace: Iterable[Mapping[str, Any]], t: float) -> Universes:
    """Every (output, universe) buffer as it stood at time ``t`` (lines at ``t`` count)."""
    out: Universes = {}
    for line in trace:
        if line.get("kind") != "dmx":
            continue
        if float(line["t"]) > t + 1e-9:
            break
        key = (str(line["output"]), int(line["universe"]))
        buf = out.get(key)
        if buf is None:
            buf = out[key] = bytearray(512)
        for ch, value in line["channels"].items():
            buf[int(ch) - 1] = int(value)
    return out


def running_cues(trace: Iterable[Mapping[str, Any]], t: float) -> list[tuple[str, str]]:
    """(list, cue) of the cues started at or before ``t`` and not yet ended at ``t``."""
    running: dict[tuple[str, str], None] = {}
    for line in trace:
        if float(line.get("t", 0.0)) > t + 1e-9:
            break
        kind = line.get("kind")
        key = (str(line.get("list")), str(line.get("cue")))
        if kind == "cue_started":
            running[key] = None
        elif kind in ("cue_completed", "cue_stopped"):
            running.pop(key, None)
    return list(running)


def last_started(trace: Iterable[Mapping[str, Any]], t: float) -> tuple[str, str] | None:
    """The last cue started at or before ``t``."""
    found: tuple[str, str] | None = None
    for line in trace:
        if float(line.get("t", 0.0)) > t + 1e-9:
            break
        if line.get("kind") == "cue_started":
            found = (str(line.get("list")), str(line.get("cue")))
    return found


def fixture_universes(show: m.Show, patch: Patch, buffers: Universes) -> dict[int, bytes]:
    """The show universes as the patch sees them (through each universe's DMX output)."""
    out: dict[int, bytes] = {}
    for u in patch.universes():
        buf = buffers.get((output_for_universe(show, u), u))
        out[u] = bytes(buf) if buf is not None else bytes(512)
    return out


# ---------------------------------------------------------------------------- layout


@dataclass(frozen=True, slots=True)
class Placed:
    """A fixture with its place on the plot, in stage metres (x across, y upstage)."""

    state: FixtureState
    x: float
    y: float
    placed: bool
    """False when the patch gave no position and the fixture went in the unplaced row."""


def place(patch: Patch, states: Sequence[FixtureState]) -> list[Placed]:
    """Fixtures at their patch ``position``; the rest in a row downstage of the plot,
    grouped by their first group (then by id), one metre apart."""
    by_key = {s.key: s for s in states}
    placed: list[Placed] = []
    loose = []
    for f in patch.fixtures:
        s = by_key.get(f.key)
        if s is None:
            continue
        if f.entry.position is not None:
            placed.append(Placed(s, f.entry.position[0], f.entry.position[1], True))
        else:
            loose.append((f.entry.groups[0] if f.entry.groups else "~", f.index, s))
    loose.sort(key=lambda item: (item[0], item[1]))
    if loose:
        y = min([p.y for p in placed], default=0.0) - 1.5
        x0 = -(len(loose) - 1) / 2.0 * 1.5
        for i, (_, _, s) in enumerate(loose):
            placed.append(Placed(s, x0 + 1.5 * i, y, False))
    return placed


# ---------------------------------------------------------------------------- SVG

SCALE = 80.0  # px per metre
MARGIN = 70.0
HEADER = 60.0
RADIUS = 22.0


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


def render_svg(
    placed: Sequence[Placed],
    *,
    title: str,
    t: float,
    cues: Sequence[str] = (),
) -> str:
    """The stage plot as an SVG document (upstage at the top, audience at the bottom)."""
    xs = [p.x for p in placed] or [0.0]
    ys = [p.y for p in placed] or [0.0]
    min_x, max_x = min(min(xs), -1.0), max(max(xs), 1.0)
    min_y, max_y = min(min(ys), 0.0), max(max(ys), 1.0)
    width = (max_x - min_x) * SCALE + 2 * MARGIN
    height = (max_y - min_y) * SCALE + 2 * MARGIN + HEADER

    def px(p: Placed) -> tuple[float, float]:
        return (MARGIN + (p.x - min_x) * SCALE, HEADER + MARGIN + (max_y - p.y) * SCALE)

    cue_text = ", ".join(cues) if cues else "no cue running"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" data-time="{t:.3f}" '
        f'font-family="sans-serif">',
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#101014"/>',
        f'<text x="12" y="24" font-size="16" fill="#e0e0e0">{escape(title)}</text>',
        f'<text x="12" y="46" font-size="13" fill="#b0b0b0" data-role="status">'
        f't = {t:.3f} s · {escape(cue_text)}</text>',
    ]
    # the stage edge (y = 0) and the centre line (x = 0)
    edge_y = HEADER + MARGIN + max_y * SCALE
    lines.append(f'<line x1="{MARGIN / 2:.1f}" y1="{edge_y:.1f}" x2="{width - MARGIN / 2:.1f}" '
                 f'y2="{edge_y:.1f}" stroke="#404048" stroke-width="2"/>')
    lines.append(f'<text x="{width / 2:.1f}" y="{height - 12:.1f}" font-size="11" '
                 'fill="#606068" text-anchor="middle">audience</text>')
    cx0 = MARGIN + (0 - min_x) * SCALE
    lines.append(f'<line x1="{cx0:.1f}" y1="{HEADER + MARGIN / 2:.1f}" x2="{cx0:.1f}" '
                 f'y2="{edge_y:.1f}" stroke="#2a2a30" stroke-dasharray="4 6"/>')
    for p in placed:
        s = p.state
        cx, cy = px(p)
        attrs = {
            "data-fixture": s.key,
            "data-name": s.name,
            "data-intensity": f"{s.intensity:.1f}",
            "data-color": s.hex,
            "data-visible": to_hex(s.visible),
        }
        if s.color_name is not None:
            attrs["data-color-name"] = s.color_name
        for name, value in (("data-pan", s.pan), ("data-tilt", s.tilt), ("data-zoom", s.zoom)):
            if value is not None:
                attrs[name] = _num(value)
        if s.gobo is not None:
            attrs["data-gobo"] = s.gobo
        if s.shutter is not None:
            attrs["data-shutter"] = s.shutter
        if not p.placed:
            attrs["data-unplaced"] = "true"
        attr_text = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
        opacity = s.intensity / 100.0 if s.beam_open else 0.0
        lines.append(f'<g class="fixture" {attr_text}>')
        lines.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{RADIUS:.0f}" fill="#000000" '
                     'stroke="#707078" stroke-width="1.5"/>')
        lines.append(f'<circle class="beam" cx="{cx:.1f}" cy="{cy:.1f}" r="{RADIUS - 2:.0f}" '
                     f'fill="{s.hex}" fill-opacity="{opacity:.3f}"/>')
        label = f"{s.key} {s.name}".strip()
        lines.append(f'<text x="{cx:.1f}" y="{cy + RADIUS + 14:.1f}" font-size="11" '
                     f'fill="#e0e0e0" text-anchor="middle">{escape(label)}</text>')
        detail = [f"{s.intensity:.0f}%"]
        if s.pan is not None and s.tilt is not None:
            detail.append(f"p{s.pan:.0f}° t{s.tilt:.0f}°")
        if s.gobo is not None and s.gobo.casefold() != "open":
            detail.append(s.gobo)
        if s.color_name is not None:
            detail.append(s.color_name)
        lines.append(f'<text x="{cx:.1f}" y="{cy + RADIUS + 27:.1f}" font-size="10" '
                     f'fill="#a0a0a8" text-anchor="middle">{escape(" ".join(detail))}</text>')
        lines.append("</g>")
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- PNG


def _is_imagemagick(path: str) -> bool:
    try:
        out = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and "ImageMagick" in out.stdout


def png_converter() -> str | None:
    """Name of the SVG→PNG converter we would use, or None."""
    if shutil.which("rsvg-convert"):
        return "rsvg-convert"
    try:
        importlib.import_module("cairosvg")
        return "cairosvg"
    except Exception:  # missing, or its cairo library is missing (OSError)
        pass
    convert = shutil.which("convert")
    if convert and _is_imagemagick(convert):
        return "convert"
    return None


def to_png(svg: Path, png: Path, converter: str | None = None) -> bool:
    """Convert an SVG file to PNG; False (and no file) when no converter works."""
    tool = converter if converter is not None else png_converter()
    try:
        if tool == "rsvg-convert":
            subprocess.run(["rsvg-convert", "-o", str(png), str(svg)], check=True,
                           capture_output=True, timeout=60)
        elif tool == "cairosvg":
            mod: Any = importlib.import_module("cairosvg")
            mod.svg2png(url=str(svg), write_to=str(png))
        elif tool == "convert":
            subprocess.run(["convert", str(svg), str(png)], check=True, capture_output=True,
                           timeout=60)
        else:
            return False
    except (OSError, subprocess.SubprocessError):
        png.unlink(missing_ok=True)
        return False
    return png.is_file()


# ---------------------------------------------------------------------------- the command


@dataclass(frozen=True, slots=True)
class Snapshot:
    t: float
    svg: Path
    png: Path | None
    states: list[FixtureState]
    cues: list[str]


def snapshot_name(t: float) -> str:
    return f"snapshot-{t:.3f}"


def take_snapshots(
    show: m.Show,
    times: Sequence[float],
    out_dir: Path,
    *,
    trace: Sequence[Mapping[str, Any]] | None = None,
    calls: Any = None,
    png: bool = True,
) -> list[Snapshot]:
    """Replay ``show`` (unless a ``trace`` is given) and write one SVG per time."""
    if trace is None:
        from showctl.replay import replay

        trace = replay(show, calls).trace
    patch = build_patch(show.patch)
    names = show.cue_names()
    out_dir.mkdir(parents=True, exist_ok=True)
    converter = png_converter() if png else None
    shots: list[Snapshot] = []
    for t in times:
        buffers = dmx_at(trace, t)
        states = decode_patch(patch, fixture_universes(show, patch, buffers))
        cues = [f"{c} {names.get((ln, c), '')}".strip() for ln, c in running_cues(trace, t)]
        if not cues:
            last = last_started(trace, t)
            if last is not None:
                cues = [f"last: {last[1]} {names.get(last, '')}".strip()]
        svg = render_svg(place(patch, states), title=show.show.title, t=t, cues=cues)
        path = out_dir / f"{snapshot_name(t)}.svg"
        path.write_text(svg, encoding="utf-8")
        png_path: Path | None = path.with_suffix(".png")
        assert png_path is not None
        if converter is None or not to_png(path, png_path, converter):
            png_path = None
        shots.append(Snapshot(t, path, png_path, states, cues))
    return shots
