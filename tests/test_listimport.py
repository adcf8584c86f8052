"""Importing existing paper lists (the four real reference lists and hostile
ones), and the round trip import -> export that gives the list back."""

from __future__ import annotations

import json

import pytest

from readerapp.core.errors import InvalidValue
from readerapp.core.export.render import ExportOptions, render_list
from readerapp.core.export.roundtrip import normalize, render_html, table_problems
from readerapp.core.importer import import_paths
from readerapp.core.listimport import UnknownListLayout, import_list, parse_list


def _paper(lib, title):
    (p,) = [p for p in lib.list_papers() if p.title == title]
    return p


@pytest.mark.parametrize("name,style,entries,papers", [
    ("table-list.md", "table", 54, 52),
    ("dated-list.md", "dated", 7, 7),
    ("venue-list.md", "venue", 166, 164),
    ("digest.md", "digest", 13, 13),
])
def test_reference_list_style_is_detected_and_read(library, reference_lists, name, style, entries, papers):
    result = import_list(library, reference_lists / name)
    assert result.style == style
    assert result.entries == entries
    assert library.count_papers() == papers
    assert all(p.path is None for p in library.list_papers())  # no PDF yet


def test_table_list_fields_sections_and_links(library, reference_lists):
    import_list(library, reference_lists / "table-list.md")
    tops = [s.name for s in library.sections()]
    assert tops == ["多模态", "NLP", "CV"]  # 会议、论坛总结 has no paper table: kept as text
    vilt = _paper(library, "ViLT: Vision-and-Language Transformer Without Convolution or Region Supervision")
    assert (vilt.venue, vilt.year, vilt.model_name, vilt.code_url) == (
        "ICML 2021", 2021, "ViLT", "https://github.com/dandelin/vilt")
    assert vilt.summary.startswith("视觉和语言预训练 (Vision-and-Language Pre-training, VLP)")
    assert [library.section_path(s) for s in library.sections_of(vilt.id)] == [["多模态", "经典模型"]]
    kinds = [(link.kind, link.label) for link in library.links(vilt.id)]
    assert kinds == [("notes", "笔记"), ("talk", "视频")]
    vit = _paper(library, "An Image Is Worth 16x16 Words: Transformers For Image Recognition At Scale")
    assert vit.arxiv_id == "2010.11929"
    assert [(lk.kind, lk.label) for lk in library.links(vit.id)] == [
        ("notes", "笔记"), ("blog", "博客"), ("talk", "视频"), ("talk", "视频(代码)")]
    # the same paper under two subsections is one paper in both, in the list's order
    mmdialog = _paper(library, "MMDialog: A Large-scale Multi-turn Dialogue Dataset Towards Multi-modal "
                               "Open-domain Conversation")
    assert [library.section_path(s)[-1] for s in library.sections_of(mmdialog.id)] == ["多模态对话数据集", "多模态对话"]
    sec = library.ensure_section_path(["CV", "目标检测"])
    assert [p.title for p in library.papers_in_section(sec)][:2] == [
        "Rich feature hierarchies for accurate object detection and semantic segmentation", "Fast R-CNN"]


def test_dated_and_venue_fields(library, reference_lists):
    import_list(library, reference_lists / "dated-list.md")
    p = _paper(library, "Deep Visual-Semantic Alignments for Generating Image Descriptions")
    assert (p.date_read, p.venue, p.year, p.arxiv_id) == ("2018-07-01", "CVPR-15", 2015, "1412.2306")
    assert p.summary == "大牛Karpathy在ImageCaption领域很经典的文章"
    assert [lk.label for lk in library.links(p.id)] == ["配有neuraltalk2的框架：官网",
                                                       "我的解读（网上没有特别好的，所以自己写了一个）", "配有代码注释"]
    import_list(library, reference_lists / "venue-list.md")
    q = _paper(library, "UniTAB: Unifying Text and Box Outputs for Grounded Vision-Language Modeling")
    assert (q.venue, q.year, q.arxiv_id) == ("ECCV 2022", 2022, "2111.12085")
    (post,) = library.links(q.id)
    assert post.kind == "blog" and post.label.startswith("ECCV2022 Oral | 任务范式大统一")
    assert [library.section_path(s) for s in library.sections_of(q.id)] == [["ECCV 2022"]]
    hr = _paper(library, "HRFormer: High-Resolution Transformer for Dense Prediction")
    assert [library.section_path(s) for s in library.sections_of(hr.id)] == [["NeurIPS2021", "Transformer"]]
    # one section of a stored list: its entries only, without the list's preamble
    out, _ = render_list(library, ExportOptions(style="venue", name="venue-list", section="NeurIPS2021/Transformer"))
    assert out.startswith("### Transformer\n\n- [NeurIPS2021-《HRFormer》") and "FightingCV" not in out


def test_importing_twice_adds_nothing(library, reference_lists):
    first = import_list(library, reference_lists / "table-list.md")
    before = (library.count_papers(), sum(len(library.links(i)) for i in library.all_paper_ids()))
    again = import_list(library, reference_lists / "table-list.md")
    assert again.added == 0 and again.matched == first.entries
    assert (library.count_papers(), sum(len(library.links(i)) for i in library.all_paper_ids())) == before
    out1, _ = render_list(library, ExportOptions(style="table", name="table-list"))
    assert normalize(out1) == normalize((reference_lists / "table-list.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name,style", [("table-list.md", "table"), ("dated-list.md", "dated"),
                                        ("venue-list.md", "venue"), ("digest.md", "digest")])
def test_round_trip_reproduces_the_reference_list(library, reference_lists, name, style):
    source = (reference_lists / name).read_text(encoding="utf-8")
    result = import_list(library, reference_lists / name)
    out, _ = render_list(library, ExportOptions(style=style, name=result.name))
    assert render_html(out) == render_html(source)  # what GitHub shows, not whitespace rules
    assert not table_problems(out)


def test_the_round_trip_is_mostly_rendered_not_copied(library, reference_lists):
    """Most table cells come out of the paper fields, not from kept text."""
    import_list(library, reference_lists / "table-list.md")
    kept = cells = 0
    for row in library.conn.execute("SELECT entry FROM paper_sections"):
        kept += len(json.loads(row[0]).get("parts", {}))
        cells += 6
    assert kept < cells * 0.1


def test_edits_show_in_the_next_export(library, reference_lists):
    result = import_list(library, reference_lists / "table-list.md")
    p = _paper(library, "MiniGPT-4: Enhancing Vision-Language Understanding with Advanced Large Language Models")
    out, _ = render_list(library, ExportOptions(style="table", name=result.name))
    assert "|[MiniGPT-4](https://github.com/Vision-CAIR/MiniGPT-4)|" in out  # the user's own code label
    library.update_paper(p.id, code_url="https://github.com/new/place", summary="新的简介 | with a pipe")
    out, _ = render_list(library, ExportOptions(style="table", name=result.name))
    row = next(line for line in out.splitlines() if line.startswith("|[MiniGPT-4:"))
    assert "|[code](https://github.com/new/place)|" in row
    assert "|**MiniGPT-4**; 新的简介 \\| with a pipe|" in row
    assert "|arXiv 2023|" in row  # the venue is unchanged, written as the list had it
    speech = next(line for line in out.splitlines() if line.startswith("|[SpeechGPT:"))
    assert "|arXiv 2023<br>复旦|" in speech  # kept text of an untouched paper
    library.update_paper(_paper(library, speech.split("](")[0][2:]).id, venue="ACL 2024")
    out, _ = render_list(library, ExportOptions(style="table", name=result.name))
    speech = next(line for line in out.splitlines() if line.startswith("|[SpeechGPT:"))
    assert "|ACL 2024|" in speech and "复旦" not in speech  # the edit wins over the kept text


def test_a_pdf_imported_later_fills_the_list_entry(library, reference_lists, corpus_dir):
    import_list(library, reference_lists / "table-list.md")
    n = library.count_papers()
    entry = _paper(library, "Fast R-CNN")
    (res,) = import_paths(library, [corpus_dir / "girshick-fast-rcnn.pdf"])
    assert res.status == "imported" and res.paper_id == entry.id and "filled the existing entry" in res.reason
    assert library.count_papers() == n
    filled = library.get_paper(entry.id)
    assert filled.path and filled.pages > 0
    assert filled.venue == "ICCV 2015" and filled.model_name == "Fast R-CNN"  # what the list said stays


def test_bad_table_cells_are_read_and_written_safely(library, tmp_path):
    text = (
        "## Odd\n\n### Cells\n\n"
        "|paper|code|venue|summary|notes|\n|---|---|---|---|---|\n"
        "|[A [bracketed] title](http://x.org/a_(b))|-|NeurIPS 2020|**M**; uses \\| pipes and `co\\|de` <b>bold</b>|-|\n"
        "|[Spaces in URL](<http://x.org/a b.pdf>)|-|-|line one<br>line two|-|\n"
    )
    path = tmp_path / "odd.md"
    path.write_text(text, encoding="utf-8")
    result = import_list(library, path)
    assert result.entries == 2
    a = _paper(library, "A [bracketed] title")
    assert a.url == "http://x.org/a_(b)" and a.model_name == "M"
    assert a.summary == "uses | pipes and `co|de` <b>bold</b>"  # GFM unescapes \\| in a cell
    b = _paper(library, "Spaces in URL")
    assert b.url == "http://x.org/a b.pdf"
    library.update_paper(a.id, summary="new | text\nsecond line `x|y` <script>alert(1)</script>",
                         title="A [new] `title` | x")
    library.update_paper(b.id, url="http://x.org/c d(e.pdf")
    out, _ = render_list(library, ExportOptions(style="table", name=result.name))
    row_a = next(line for line in out.splitlines() if "new" in line and line.startswith("|"))
    assert row_a.startswith("|[A \\[new\\] \\`title\\` \\| x](http://x.org/a_(b))|")
    assert "new \\| text<br>second line `x\\|y` &lt;script&gt;alert(1)&lt;/script&gt;" in row_a
    assert "](<http://x.org/c d(e.pdf>)|" in out
    # every row still has the table's number of columns
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(out)
    rows = [t for t in tokens if t.type == "tr_open"]
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(rows) == 3 and len(cells) == 2 * 5


def test_an_unknown_format_reports_skipped_lines(library, tmp_path):
    text = ("Some notes\n\n* plain bullet without link\n* [A real paper title here](https://arxiv.org/abs/1412.6980)\n"
            "\nrandom paragraph\n| a | b |\n")
    path = tmp_path / "misc.md"
    path.write_text(text, encoding="utf-8")
    result = import_list(library, path)
    assert result.entries == 1 and library.get_paper(result.paper_ids[0]).arxiv_id == "1412.6980"
    skipped = {(s.line, s.text) for s in result.skipped}
    assert (3, "* plain bullet without link") in skipped


def test_a_text_in_no_known_layout_is_refused_whole_with_one_line(library, tmp_path):
    """No known layout: one summary line (lines, closest layout, what it missed), nothing imported."""
    path = tmp_path / "prose.md"
    path.write_text("just prose\n\nmore prose\n", encoding="utf-8")
    with pytest.raises(UnknownListLayout) as err:
        import_list(library, path)
    assert "\n" not in str(err.value) and "2 non-blank lines" in str(err.value)
    assert "nothing was imported" in str(err.value)
    table = tmp_path / "table.md"
    table.write_text("# Talks\n\n| Speaker | Slides |\n|---|---|\n| A | [s](http://x.org/s.pdf) |\n", encoding="utf-8")
    with pytest.raises(UnknownListLayout,
                       match=r"closest: table \(line 3, columns Speaker \| Slides\): missing a title column"):
        import_list(library, table)
    assert library.count_papers() == 0 and library.sections() == [] and library.list_names() == []


def test_unreadable_files_are_refused(library, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe\x00broken")
    with pytest.raises(InvalidValue, match="not UTF-8"):
        import_list(library, bad)
    with pytest.raises(InvalidValue, match="cannot read"):
        import_list(library, tmp_path / "missing.md")
    with pytest.raises(InvalidValue, match="unknown list style"):
        parse_list("x", "nope")


def test_the_round_trip_normalization_is_narrow():
    """Whitespace only: it must not hide merged paragraphs, changed words or lost cells."""
    assert normalize("\ufeff# T\r\n\r\n| a |  b |\r\n|---|:--|\r\n") == normalize("# T\n|a|b|\n|:-:|:-:|\n")
    assert normalize("- one\n\n\n- two\n") == normalize("- one\n- two\n")
    assert normalize("first paragraph\n\nsecond\n") != normalize("first paragraph\nsecond\n")
    assert normalize("first\n\n\n\nsecond\n") == normalize("first\n\nsecond\n")
    assert normalize("|a|b|\n") != normalize("|a b|\n")
    assert normalize("  - indented\n") != normalize("- indented\n")
    assert normalize("text  \n") == normalize("text\n")


def test_the_judge_is_what_github_renders():
    """Padding and blank-line runs do not count; a hard break, a loose list, a row turned text do."""
    assert render_html("| a |  b |\n|---|---|\n| 1 | 2 |\n") == render_html("|a|b|\n|-|-|\n|1|2|\n")
    assert render_html("para\n\n\n\nnext\n") == render_html("para\n\nnext\n")
    assert render_html("line one  \nline two\n") != render_html("line one\nline two\n")  # hard break
    assert render_html("- a\n- b\n") != render_html("- a\n\n- b\n")  # tight vs loose list
    assert render_html("|a|b|\n|-|-|\n|1|2|\n\n|3|4|\n") != render_html("|a|b|\n|-|-|\n|1|2|\n|3|4|\n")
    assert table_problems("|a|b|\n|-|-|\n|1|2|\n\ntext\n|3|4|\n") == [
        "line 6: written as a table row but not part of a table: |3|4|"]
    assert table_problems("|a|b|\n|-|-|\n|1|2|\ntext\n|3|4|\n") == [
        "line 4: a row of 1 cells in a table of 2 columns"]  # the text became a row
    assert table_problems("|a|b|\n|-|-|\n|1|2|3|\n") == ["line 3: a row of 3 cells in a table of 2 columns"]
    assert table_problems("|a|b|\n|-|-|\n|1 \\| x|2|\n") == []


def test_toc_anchor_links_several_papers_code_links_and_bracket_titles(library, tmp_path):
    """The shapes the issue names: a table of contents, `[MCB](..), [MLB](..)` in one item,
    `[【Code】](github..)` as the code URL, a 【...】 title, a label-first line."""
    text = ("# Notes\n\n- [Backbone](#Backbone)\n- [VQA](#VQA)\n\n## Backbone\n\n"
            "- [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)"
            "[【Code】](https://github.com/KaimingHe/deep-residual-networks)\n"
            "- [【CV知识点汇总与解析】|损失函数篇](https://zhuanlan.zhihu.com/p/1)\n\n## VQA\n\n"
            "- [MCB](https://arxiv.org/abs/1606.01847), [MLB](https://arxiv.org/abs/1610.04325)\n")
    path = tmp_path / "shapes.md"
    path.write_text(text, encoding="utf-8")
    result = import_list(library, path)
    titles = sorted(p.title for p in library.list_papers())
    assert titles == sorted(["Deep Residual Learning for Image Recognition", "CV知识点汇总与解析|损失函数篇",
                             "MCB", "MLB"])
    assert not [p for p in library.list_papers() if (p.url or "").startswith("#")]
    resnet = _paper(library, "Deep Residual Learning for Image Recognition")
    assert resnet.code_url == "https://github.com/KaimingHe/deep-residual-networks"
    assert {_paper(library, "MLB").arxiv_id, _paper(library, "MCB").arxiv_id} == {"1606.01847", "1610.04325"}
    assert any(s.line == 3 and "table of contents" in s.reason for s in result.skipped)
    out, _ = render_list(library, ExportOptions(style=result.style, name=result.name))
    assert render_html(out) == render_html(text)  # the two-paper item is written once, as it was


def test_reimport_is_a_sync(library, tmp_path):
    """A newer version: a renamed section follows, an entry gone upstream leaves the list's
    section, a new one arrives; no paper and no note is deleted."""
    v1 = ("## 经典模型\n\n|paper|源码|\n|-|-|\n|[Paper One About Things](https://arxiv.org/abs/2101.00001)|-|\n"
          "|[Paper Two About Things](https://arxiv.org/abs/2101.00002)|-|\n"
          "|[Paper Three About Things](https://arxiv.org/abs/2101.00003)|-|\n\n"
          "## Old topic\n\n|paper|源码|\n|-|-|\n|[Paper Four About Things](https://arxiv.org/abs/2101.00004)|-|\n")
    v2 = ("## Classic models\n\n|paper|源码|\n|-|-|\n|[Paper One About Things](https://arxiv.org/abs/2101.00001)|-|\n"
          "|[Paper Three About Things](https://arxiv.org/abs/2101.00003)|-|\n"
          "|[Paper Five About Things](https://arxiv.org/abs/2101.00005)|-|\n")
    path = tmp_path / "list.md"
    path.write_text(v1, encoding="utf-8")
    import_list(library, path)
    two = _paper(library, "Paper Two About Things")
    library.save_note(two.id, problem="still here")
    mine = library.ensure_section_path(["经典模型"])
    own = library.add_paper(title="A paper I placed myself")
    library.assign_section(own, mine)
    path.write_text(v2, encoding="utf-8")
    result = import_list(library, path)
    assert result.renamed == [[["经典模型"], ["Classic models"]]] and result.removed == 2
    assert [s.name for s in library.sections()] == ["Classic models"]  # "Old topic" left empty: gone
    sec = library.ensure_section_path(["Classic models"])
    assert [p.title for p in library.papers_in_section(sec)] == [
        "Paper One About Things", "Paper Three About Things", "A paper I placed myself", "Paper Five About Things"]
    assert library.count_papers() == 6  # nothing deleted
    assert library.get_note(two.id).problem == "still here" and library.sections_of(two.id) == []
    out, _ = render_list(library, ExportOptions(style="table", name="list"))
    assert "Paper Two" not in out and "Paper Four" not in out and "## Classic models" in out


def test_columns_by_meaning_and_the_report_names_what_was_not_understood(library, tmp_path):
    """Chinese and English synonyms; a header that says nothing is read from its cells (a github.com
    link is code, an arXiv link the paper); a column not understood is reported with its line."""
    text = ("# 列表\n\n| 序号 | 论文名称 | 发表单位 | 期刊/会议 | 📄 | 💻 | 一句话总结 |\n"
            "|---|---|---|---|---|---|---|\n"
            "| 1 | Swin Transformer: Hierarchical Vision Transformer | MSRA | ICCV2021 | "
            "[x](https://arxiv.org/abs/2103.14030) | [y](https://github.com/microsoft/Swin-Transformer) | "
            "窗口注意力 |\n"
            "| 2 | Mamba: Linear-Time Sequence Modeling | CMU | 无 | [x](https://arxiv.org/abs/2312.00752) | "
            "[y](https://github.com/state-spaces/mamba) | 状态空间 |\n"
            "| ... | ... | ... | ... | ... | ... | ... |\n")
    path = tmp_path / "zh.md"
    path.write_text(text, encoding="utf-8")
    result = import_list(library, path)
    assert result.entries == 2
    swin = _paper(library, "Swin Transformer: Hierarchical Vision Transformer")
    assert (swin.url, swin.arxiv_id, swin.code_url, swin.venue, swin.year, swin.summary) == (
        "https://arxiv.org/abs/2103.14030", "2103.14030", "https://github.com/microsoft/Swin-Transformer",
        "ICCV2021", 2021, "窗口注意力")
    assert _paper(library, "Mamba: Linear-Time Sequence Modeling").venue is None  # "无": no venue
    reasons = {(s.line, s.reason) for s in result.skipped}
    assert (3, "column '发表单位' not understood (kept as written)") in reasons
    assert (7, "a placeholder row, not a paper (kept as text)") in reasons
    assert not any("序号" in r or "📄" in r for _line, r in reasons)


def test_reimport_follows_a_renamed_subsection(library, tmp_path):
    row = "|[Paper {n} About Something](https://arxiv.org/abs/2102.0000{n})|-|\n"
    table = "|paper|源码|\n|-|-|\n"
    nlp = "\n# NLP\n\n### 分类\n\n" + table + row.format(n=4)
    v1 = ("# CV\n\n### 检测\n\n" + table + row.format(n=1) + row.format(n=2) + "\n### 分割\n\n" + table
          + row.format(n=3) + nlp)
    v2 = ("# CV\n\n### 目标检测\n\n" + table + row.format(n=1) + row.format(n=2) + "\n### 分割\n\n" + table
          + row.format(n=3) + nlp)
    path = tmp_path / "cv.md"
    path.write_text(v1, encoding="utf-8")
    import_list(library, path)
    old_id = library.ensure_section_path(["CV", "检测"])
    path.write_text(v2, encoding="utf-8")
    result = import_list(library, path)
    assert result.renamed == [[["CV", "检测"], ["CV", "目标检测"]]] and result.removed == 0
    assert library.ensure_section_path(["CV", "目标检测"]) == old_id  # the same section, renamed
    assert [c.name for c in library.sections()[0].children] == ["目标检测", "分割"]


def test_text_running_into_the_first_entry_stays_one_paragraph(library, tmp_path):
    """A preamble line with no blank line before the first entry's bold title: GitHub shows one
    paragraph, and so must the export."""
    text = ("这是第81篇文章\n**A Title Of Some Paper**\n\\#Tag\n一段简介。\n\n论文链接\nhttps://arxiv.org/abs/1803.00001\n\n"
            "**Another Title Of A Paper**\n\\#Tag\n另一段简介。\n\n论文链接\nhttps://arxiv.org/abs/1803.00002\n")
    path = tmp_path / "digest.md"
    path.write_text(text, encoding="utf-8")
    result = import_list(library, path)
    assert result.style == "digest" and result.entries == 2
    out, _ = render_list(library, ExportOptions(style="digest", name=result.name))
    assert render_html(out) == render_html(text)
