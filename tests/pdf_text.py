"""Just enough PDF reading to check what Chromium printed: the pages, their size and
their text (through the fonts' ToUnicode maps). No PDF library is needed."""

from __future__ import annotations

import re
import unicodedata
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*)\r?\nendstream", re.S)
_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


def _stream(body: bytes) -> bytes:
    s = _STREAM.search(body)
    if s is None:
        return b""
    raw = s.group(1)
    return zlib.decompress(raw) if b"FlateDecode" in body[: s.start()] else raw


def _cmap(objs: dict[int, bytes]) -> dict[int, str]:
    out: dict[int, str] = {}
    for body in objs.values():
        if b"stream" not in body:
            continue
        try:
            st = _stream(body)
        except zlib.error:
            continue
        if b"begincmap" not in st:
            continue
        for blk in re.findall(rb"beginbfchar(.*?)endbfchar", st, re.S):
            for a, b in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", blk):
                out[int(a, 16)] = bytes.fromhex(b.decode()).decode("utf-16-be")
        for blk in re.findall(rb"beginbfrange(.*?)endbfrange", st, re.S):
            for a, b, c in re.findall(
                    rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", blk):
                for i, g in enumerate(range(int(a, 16), int(b, 16) + 1)):
                    out[g] = chr(int(c, 16) + i)
    return out


def pdf_pages(data: bytes) -> list[tuple[tuple[float, float], str]]:
    """Each page's (width, height) in points and its text, whitespace collapsed and
    ligatures undone (NFKC)."""
    objs = {int(mo.group(1)): mo.group(2) for mo in _OBJ.finditer(data)}
    cmap = _cmap(objs)
    pages: list[tuple[tuple[float, float], str]] = []
    for _, body in sorted(objs.items()):
        if not _PAGE.search(body):
            continue
        box = re.search(rb"/MediaBox\s*\[\s*[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)", body)
        size = (float(box.group(1)), float(box.group(2))) if box else (0.0, 0.0)
        refs = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", body)
        text: list[str] = []
        for r in re.findall(rb"(\d+) 0 R", refs.group(1) if refs else b""):
            st = _stream(objs[int(r)])
            for op in re.findall(rb"\[.*?\]\s*TJ|<[0-9A-Fa-f]*>\s*Tj|\bET\b", st, re.S):
                if op == b"ET":  # the end of a text object (a line of a cell)
                    text.append(" ")
                    continue
                for h in re.findall(rb"<([0-9A-Fa-f]*)>", op):
                    hx = h.decode()
                    text.extend(cmap.get(int(hx[i:i + 4], 16), "?")
                                for i in range(0, len(hx), 4))
        flat = unicodedata.normalize("NFKC", "".join(text))
        pages.append((size, " ".join(flat.split())))
    return pages
