"""Every export style carries every field it has a place for, escapes HTML, links
notes, never writes `[Title]()` or today's date, and a list exported in a style other
than its own is rendered from the paper fields only (every table row a table row)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from readerapp.core.export import markdown as md
from readerapp.core.export.readme import plan_export
from readerapp.core.export.render import ExportOptions, render_list
from readerapp.core.export.roundtrip import render_html, table_problems
from readerapp.core.listimport import import_list

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
STYLES = ("table", "dated", "venue", "digest")


@pytest.fixture
def full(library):
    """One paper with every field a list can show, and a note."""
    lib = library
    sid = lib.ensure_section_path(["CV", "检测"])
    pid = lib.add_paper(title="Fast <b>R-CNN</b>", url="https://arxiv.org/abs/1504.08083", venue="ICCV 2015",
                        year=2015, code_url="https://github.com/rbgirshick/fast-rcnn", model_name="FRCN",
                        summary="更快的检测，由 Girshick 提出。<script>x</script>", date_read="2018-07-12")
    lib.set_tags(pid, ["检测"])
    lib.add_link(pid, "notes", "https://notes.example/frcn", "我的笔记")
    lib.add_link(pid, "talk", "https://video.example/frcn", "视频")
    lib.add_link(pid, "blog", "https://blog.example/frcn", "解读文章")
    lib.save_note(pid, problem="line one\nline two", method="only **attention**")
    lib.assign_section(pid, sid)
    return lib, pid


# style -> field -> what the export must hold for it
EXPECTED = {
    "table": {"title": "[Fast \\<b\\>R-CNN\\</b\\>](https://arxiv.org/abs/1504.08083)",
              "code": "[code](https://github.com/rbgirshick/fast-rcnn)", "venue": "|ICCV 2015|",
              "model": "**FRCN**; 更快的检测", "notes": "[我的笔记](https://notes.example/frcn)",
              "talk": "[视频](https://video.example/frcn)"},
    "dated": {"date": "- 20180712 ICCV 2015", "model": "**FRCN**; 更快的检测",
              "code": "  - [code](https://github.com/rbgirshick/fast-rcnn)",
              "notes": "  - [我的笔记](https://notes.example/frcn)", "talk": "  - [视频](https://video.example/frcn)",
              "title": "[Fast \\<b\\>R-CNN\\</b\\>](https://arxiv.org/abs/1504.08083)"},
    "venue": {"title": "[【Fast \\<b\\>R-CNN\\</b\\>】](https://arxiv.org/abs/1504.08083)", "venue": "ICCV 2015 ·",
              "code": "[code](https://github.com/rbgirshick/fast-rcnn)", "model": "**FRCN**; 更快的检测",
              "blog": "[解读文章](https://blog.example/frcn)"},
    "digest": {"title": "**Fast \\<b\\>R-CNN\\</b\\>**", "venue": "收录\nICCV 2015", "tags": "\\#检测",
               "model": "**FRCN**; 更快的检测", "code": "代码链接\nhttps://github.com/rbgirshick/fast-rcnn",
               "notes": "笔记\n[我的笔记](https://notes.example/frcn)", "talk": "讲解\n[视频](https://video.example/frcn)"},
}


@pytest.mark.parametrize("style,field", [(s, f) for s, fields in EXPECTED.items() for f in fields])
def test_each_style_carries_each_field_it_has_a_place_for(full, style, field):
    lib, pid = full
    out, _ = render_list(lib, ExportOptions(style=style))
    assert EXPECTED[style][field] in out, out


@pytest.mark.parametrize("style", STYLES)
def test_html_is_shown_as_text_and_punctuation_is_not_doubled(full, style):
    lib, pid = full
    out, _ = render_list(lib, ExportOptions(style=style))
    html = render_html(out)
    assert "<script>" not in html and "<b>" not in html
    assert "。：" not in out and "。:" not in out


@pytest.mark.parametrize("style", STYLES)
def test_note_page_links_are_clickable_in_every_style(full, style, tmp_path):
    lib, pid = full
    plan = plan_export(lib, ExportOptions(style=style, notes_dir="notes"), into=tmp_path / "README.md")
    html = render_html(plan.markdown)
    assert re.search(r'<a href="notes/CV/%E6%A3%80%E6%B5%8B/Fast%20b%20R-CNN%20b\.md">', html), plan.markdown
    page = next(c for c in plan.changes if c.path.suffix == ".md" and "notes" in c.path.parts)
    assert "line one<br />\nline two" in render_html(page.new.decode())  # the note's line break kept


@pytest.mark.parametrize("style", STYLES)
def test_no_empty_links_doubled_punctuation_or_export_date(library, style):
    sid = library.ensure_section_path(["Misc"])
    pid = library.add_paper(title="A Paper Without Any URL", venue="Workshop", summary="作者提出。")
    library.assign_section(pid, sid)
    out, _ = render_list(library, ExportOptions(style=style))
    assert "]()" not in out and "A Paper Without Any URL" in out
    assert "。：" not in out and "提出。" in out  # no doubled punctuation
    assert not re.search(r"\b20\d{6}\b", out)  # no date: the paper was never read on a known day


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.md") if p.name != "SOURCES.md"))
def test_other_styles_render_from_fields_only(library, name):
    """A real list exported in every other style: every table parses as a table with the header's
    column count, and no text kept from the list (its own rows, cards, bullets) is written."""
    result = import_list(library, FIXTURES / name)
    source = (FIXTURES / name).read_text(encoding="utf-8")
    for style in STYLES:
        if style == result.style:
            continue
        out, _ = render_list(library, ExportOptions(style=style, name=result.name))
        assert table_problems(out) == [], (style, out)
        body = out.split("\n", 1)[1] if out.startswith("#") else out
        source_rows = [line for line in source.splitlines() if line.startswith("|") and len(line) > 40]
        assert not [row for row in source_rows if row in body], style
        missing = [p.title for p in library.list_papers() if md.md_text(p.title) not in out]
        assert not missing, (style, missing[:3])  # every paper is written, from its fields


def test_into_export_over_a_padded_list_changes_only_the_edited_row(library, tmp_path):
    """No churn: the rows a maintainer padded by hand stay as they are; an edit changes its row only."""
    text = (FIXTURES / "mllm-padded-table-en.md").read_text(encoding="utf-8")
    head, body = text.split("\n# Large Vision Language Models", 1)
    readme = tmp_path / "README.md"
    readme.write_text(f"{head}\n<!-- readerapp:begin mllm -->\n# Large Vision Language Models{body}"
                      "<!-- readerapp:end mllm -->\n", encoding="utf-8")
    result = import_list(library, readme, name="mllm")
    plan = plan_export(library, ExportOptions(style=result.style, name="mllm"), into=readme)
    assert plan.diff() == ""
    (emu,) = [p for p in library.list_papers() if p.title.startswith("Emu3")]
    library.update_paper(emu.id, summary="AR; one model")
    diff = plan_export(library, ExportOptions(style=result.style, name="mllm"), into=readme).diff()
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed) == 2 and "AR; one model" in changed[1], diff


@pytest.mark.parametrize("style", STYLES)
def test_an_export_in_any_style_reads_back_with_its_fields(full, style, tmp_path):
    """Export, import the result into a new library: the fields each style writes come back."""
    from readerapp.core.library import Library

    lib, pid = full
    if style == "digest":
        lib.set_tags(pid, [])  # no "\#Tag" line: read as a bold-title block with labelled lines
    out, _ = render_list(lib, ExportOptions(style=style))
    with Library(tmp_path / "again") as again:
        result = import_list(again, tmp_path / "list.md", text=out, name="again")
        assert result.entries == 1, out
        p = again.get_paper(result.paper_ids[0])
        assert (p.title, p.url) == ("Fast <b>R-CNN</b>", "https://arxiv.org/abs/1504.08083"), out
        expect = {"table": ("code_url", "venue", "model_name"), "dated": ("code_url", "venue", "model_name",
                                                                          "date_read"),
                  "venue": ("code_url", "venue", "model_name"), "digest": ("code_url", "venue")}[style]
        original = lib.get_paper(pid)
        assert {f: getattr(p, f) for f in expect} == {f: getattr(original, f) for f in expect}, out


@pytest.mark.parametrize("name", ["table-list.md", "dated-list.md", "venue-list.md", "digest.md"])
def test_reference_lists_in_other_styles_keep_every_table_a_table(library, reference_lists, name):
    """The reference digest exported as a table used to put its kept text between rows (12 places)."""
    result = import_list(library, reference_lists / name)
    for style in STYLES:
        if style != result.style:
            out, _ = render_list(library, ExportOptions(style=style, name=result.name))
            assert table_problems(out) == [], (style, table_problems(out)[:3])
            assert "]()" not in out
