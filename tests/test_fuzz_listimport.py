"""Property tests: any text given to the list importer is read without an
exception, in bounded time, and what it imports exports again."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings, strategies as st

from readerapp.core.export.render import ExportOptions, render_list
from readerapp.core.listimport import STYLES, UnknownListLayout, import_list, parse_list

PARSE_EXAMPLES = 300
IMPORT_EXAMPLES = 40
ROUND_TRIP_EXAMPLES = 25
MAX_SECONDS = 5.0

_pieces = st.sampled_from([
    "|", "|:-:", "|---|", "paper", "源码", "收录", "简介", "笔记", "讲解", "-", "**", "**M**; ", "[", "]", "](", "(", ")",
    "【", "】", "# ", "## ", "### ", "\n", "\n\n", "- ", "  - ", "\t- ", "20180701 ", "CVPR-15 ", "：", "<!-- ",
    " -->", "`", "<br>", "<br/><br/>", "\\|", "\\", "http://x.org/a", "https://arxiv.org/abs/1412.6980", "论文链接\n",
    "代码链接\n", "**@a 推荐**\n", "\\#Tag\n", "![i](u)", "***", "<", ">", "&amp;", "多模态", " ", "\u200b", "\x00",
    "\r\n", "\ufeff", "1. ", "> ", "```", "    ",
])
list_text = st.one_of(
    st.text(max_size=400),
    st.lists(_pieces, max_size=80).map("".join),
)


@settings(max_examples=PARSE_EXAMPLES, deadline=None)
@given(text=list_text, style=st.sampled_from([None, *STYLES]))
def test_list_parser_never_raises(text, style):
    t = time.perf_counter()
    parsed = parse_list(text, style)
    assert parsed.style in STYLES
    n = len(parsed.lines)
    for e in parsed.entries:
        assert 0 <= e.start < e.end <= n and e.fields.get("title")
    assert time.perf_counter() - t < MAX_SECONDS


@settings(max_examples=IMPORT_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=list_text)
def test_list_import_and_export_never_fail(library, tmp_path, text):
    t = time.perf_counter()
    before = library.count_papers()
    try:
        result = import_list(library, tmp_path / "fuzz.md", text=text, name="fuzz")
    except UnknownListLayout as exc:  # no list in it: one line, nothing imported
        assert "\n" not in str(exc) and library.count_papers() == before
        return
    assert all(1 <= s.line <= len(text.split("\n")) + 1 for s in result.skipped)
    out, _ = render_list(library, ExportOptions(style=result.style, name="fuzz"))
    assert isinstance(out, str)
    assert time.perf_counter() - t < MAX_SECONDS * 2


def test_huge_hostile_list_is_bounded(library, tmp_path):
    text = ("[" * 20_000 + "[a](" * 20_000 + "|x" * 20_000 + "\n" + "# h\n- 20180701 [t](u)\n" * 2_000
            + "|paper|code|\n|-|-|\n" + "|[a](b)|c|\n" * 2_000)
    t = time.perf_counter()
    result = import_list(library, tmp_path / "huge.md", text=text, name="huge")
    assert result.entries > 0
    assert time.perf_counter() - t < 60


_field_text = st.lists(st.sampled_from(list("ab Z9|[]()`*_<>&\\#-:：;；，多模态!") + ["&amp;", "<br>", "**"]),
                       min_size=1, max_size=30).map(lambda s: " ".join("".join(s).split())).filter(bool)
_urls = st.sampled_from(["https://arxiv.org/abs/1412.6980", "http://x.org/a_(b)", "http://x.org/a b.pdf",
                         "http://x.org/c)d", "https://github.com/a/b", ""])


@settings(max_examples=ROUND_TRIP_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.filter_too_much])
# a summary that starts with bold text is these lists' way of naming the model ("**ViLT**; ..."), so one
# starting with "**" reads back as a model name: the same convention the model strategy keeps out of "*"
@given(title=_field_text.filter(lambda s: any(c.isalnum() for c in s)),
       summary=_field_text.filter(lambda s: not s.startswith("**")), venue=_field_text,
       url=_urls, model=st.one_of(st.none(), _field_text.filter(lambda s: "*" not in s)),
       style=st.sampled_from(["table", "dated", "venue"]))
def test_exported_fields_read_back_the_same(tmp_path_factory, title, summary, venue, url, model, style):
    """Whatever text a paper holds, exporting it and importing the result gives the same fields back."""
    from readerapp.core import textnorm
    from readerapp.core.export import markdown as md
    from readerapp.core.library import Library

    folder = tmp_path_factory.mktemp("rt")
    with Library(folder / "a") as a:
        fields = {"title": title, "url": url or None, "venue": venue, "summary": summary, "model_name": model}
        pid = a.add_paper(**{k: v for k, v in fields.items() if v})
        a.assign_section(pid, a.ensure_section_path(["Top", "Sub"]))
        if style == "venue":
            a.add_link(pid, "blog", "https://blog.example/p", title + " post")
        out, _ = render_list(a, ExportOptions(style=style))
        original = a.get_paper(pid)
    if not url and style != "table":
        # no URL: the title is plain text (never an empty link "[Title]()"), so the item is no paper link
        assert "]()" not in out and md.md_text(textnorm.normalize_space(original.title)) in out, out
        return
    with Library(folder / "b") as b:
        result = import_list(b, folder / "list.md", text=out, style=style, name="rt")
        assert result.entries == 1, out
        got = b.get_paper(result.paper_ids[0])
        assert got.title == textnorm.normalize_space(original.title), out
        assert (got.url or "") == (original.url or (f"https://arxiv.org/abs/{original.arxiv_id}"
                                                    if original.arxiv_id else "")), out
        if style == "table":
            assert got.model_name == original.model_name, out
        again, _ = render_list(b, ExportOptions(style=style, name="rt"))
        assert again.split("## Top", 1)[1] == out.split("## Top", 1)[1], (out, again)
