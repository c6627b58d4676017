"""Every relative link in the README and docs/ points at a file (or folder) that exists,
and so does every page of docs/ named in their text (``see docs/performance.md``).

Other repository paths in the text are not checked: the history in docs/performance.md
names benchmarks that were removed since, and examples name files a user would create."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# [text](target) and [text]: target; code spans are not links.
LINK = re.compile(r"(?<!\!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|^\[[^\]]+\]:\s*(\S+)", re.M)
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def relative_links(doc: Path) -> list[tuple[int, str]]:
    text = CODE.sub(lambda m: "\n" * m.group(0).count("\n"), doc.read_text(encoding="utf-8"))
    out = []
    for m in LINK.finditer(text):
        target = m.group(1) or m.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            continue  # a URL (http:, mailto:) or an anchor in the same page
        out.append((text.count("\n", 0, m.start()) + 1, target))
    return out


def test_the_link_finder_finds_links() -> None:
    """Guard against a finder that finds nothing (and so checks nothing)."""
    readme = [t for _, t in relative_links(ROOT / "README.md")]
    assert "docs/show-file.md" in readme and "docs/drivers.md" in readme


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_relative_links_resolve(doc: Path) -> None:
    missing = []
    for line, target in relative_links(doc):
        path = target.split("#", 1)[0]
        if path and not (doc.parent / path).exists():
            missing.append(f"{doc.relative_to(ROOT)}:{line}: {target}")
    assert missing == []


DOC_MENTION = re.compile(r"(?<![\w./-])(docs/[A-Za-z0-9_./-]*[A-Za-z0-9_])")


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_docs_named_in_the_text_exist(doc: Path) -> None:
    missing = []
    for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        for m in DOC_MENTION.finditer(line):
            if "*" not in m.group(1) and not (ROOT / m.group(1)).exists():
                missing.append(f"{doc.relative_to(ROOT)}:{n}: {m.group(1)}")
    assert missing == []


def test_the_performance_summary_names_every_benchmark() -> None:
    """docs/performance.md opens with one current table; every benchmark has a row."""
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    summary = text.split("## History", 1)[0]
    assert summary.startswith("# Performance\n\n## Current figures")
    benches = sorted(p.name for p in (ROOT / "bench").glob("bench_*.py"))
    assert benches and [b for b in benches if f"bench/{b}" not in summary] == []
