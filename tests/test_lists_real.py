"""Six real public paper lists (tests/fixtures/lists, sources in SOURCES.md): the
papers each holds are found (>= 95 %), no table-of-contents link becomes a paper,
and the list exported in its own style renders the same HTML as the original."""

from __future__ import annotations

from pathlib import Path

import pytest

from readerapp.core.export.render import ExportOptions, render_list
from readerapp.core.export.roundtrip import render_html
from readerapp.core.listimport import import_list

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
# file -> (papers counted by hand, style it is read as)
REAL_LISTS = {
    "cvpr2020-code-zh.md": (55, "digest"),
    "mllm-table-en.md": (25, "table"),
    "large-mmm-blocks-en.md": (35, "digest"),
    "mllm-padded-table-en.md": (22, "table"),
    "multimodal-perception-zh.md": (15, "table"),
    "dl-paper-list-cards-zh.md": (24, "table"),
}
MIN_FOUND = 0.95


def _toc_titles(text: str) -> set[str]:
    import re

    return {m.group(1).strip() for m in re.finditer(r"\[([^\]]+)\]\(#[^)]*\)", text)}


@pytest.mark.parametrize("name", sorted(REAL_LISTS))
def test_real_list_papers_found_and_no_toc_links(library, name):
    papers, style = REAL_LISTS[name]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    result = import_list(library, FIXTURES / name)
    assert result.style == style
    assert result.entries >= MIN_FOUND * papers, [s for s in result.skipped if "not" in s.reason]
    assert result.entries <= papers  # nothing else (a badge, a placeholder row, a TOC line) became a paper
    titles = {p.title for p in library.list_papers()}
    assert not titles & _toc_titles(text)
    assert not [p for p in library.list_papers() if (p.url or "").startswith("#")]


@pytest.mark.parametrize("name", sorted(REAL_LISTS))
def test_real_list_own_style_round_trip_renders_the_same_html(library, name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    result = import_list(library, FIXTURES / name)
    out, _ = render_list(library, ExportOptions(style=result.style, name=result.name))
    assert render_html(out) == render_html(text)
