"""Text-merge helpers: a round-trip YAML set up like the author's file (indents, no
re-wrapping), and the line-by-line diff3 merge of an edit into the author's text."""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.util import load_yaml_guess_indent


def _make_yaml(text: str) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap long lines
    _, seq_indent, offset = load_yaml_guess_indent(text)
    y.indent(mapping=_mapping_indent(text), sequence=seq_indent or 2, offset=offset or 0)
    return y


def _mapping_indent(text: str) -> int:
    """The indentation step of nested mappings (from the first nested key)."""
    prev_key_col: int | None = None
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        col = len(line) - len(line.lstrip(" "))
        if s.startswith("- "):
            prev_key_col = None
            continue
        if prev_key_col is not None and col > prev_key_col:
            return col - prev_key_col
        prev_key_col = col if re.match(r"^[\w\"'.-]+:\s*(#.*)?$", s) else None
    return 2


def _merge3(base: str, ours: str, theirs: str) -> str:
    """diff3 merge by lines: author formatting (``ours``) + the edit (``theirs``)."""
    b, a, t = base.splitlines(True), ours.splitlines(True), theirs.splitlines(True)
    ma = _matches(b, a)
    mt = _matches(b, t)
    out: list[str] = []
    i = ia = it = 0
    while True:
        k = i
        while k < len(b) and not (k in ma and k in mt and ma[k] >= ia and mt[k] >= it):
            k += 1
        ak = ma[k] if k < len(b) else len(a)
        tk = mt[k] if k < len(b) else len(t)
        chunk_b, chunk_a, chunk_t = b[i:k], a[ia:ak], t[it:tk]
        if chunk_a == chunk_b:
            out.extend(chunk_t)
        elif chunk_t == chunk_b:
            out.extend(chunk_a)
        else:
            out.extend(chunk_t)  # both changed here: the edit wins (normalized lines)
        if k >= len(b):
            break
        out.append(a[ak])
        i, ia, it = k + 1, ak + 1, tk + 1
    return "".join(out)


def _matches(x: list[str], y: list[str]) -> dict[int, int]:
    sm = difflib.SequenceMatcher(None, x, y, autojunk=False)
    out: dict[int, int] = {}
    for blk in sm.get_matching_blocks():
        for d in range(blk.size):
            out[blk.a + d] = blk.b + d
    return out


def _safe_load(text: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)
