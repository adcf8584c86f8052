"""Export: styles and templates, README update in place, note pages, BibTeX,
annotated PDF copies, and the CLI commands."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from readerapp.core.errors import InvalidValue, NotFound
from readerapp.core.export import markdown as md
from readerapp.core.export.annotated_pdf import export_annotated_pdf
from readerapp.core.export.bibtex import latex_escape, to_bibtex, unique_keys
from readerapp.core.export.readme import ExportError, apply_plan, find_region, git_commit, merge, plan_export
from readerapp.core.export.render import ExportOptions, render_list
from readerapp.core.models import Highlight


@pytest.fixture
def small(library):
    """Two sections, three papers, a note with highlights, links."""
    lib = library
    cv = lib.ensure_section_path(["CV", "目标检测"])
    nlp = lib.ensure_section_path(["NLP", "经典模型"])
    a = lib.add_paper(title="Fast R-CNN", authors=["Ross Girshick"], year=2015, venue="ICCV 2015",
                      url="https://arxiv.org/abs/1504.08083", code_url="https://github.com/rbgirshick/fast-rcnn",
                      model_name="Fast R-CNN", summary="更快的检测", date_read="2018-07-12")
    b = lib.add_paper(title="Attention Is All You Need", authors=["Ashish Vaswani", "Noam Shazeer"], year=2017,
                      venue="NIPS 2017", arxiv_id="1706.03762", model_name="Transformer")
    c = lib.add_paper(title="Adam: A Method for Stochastic Optimization", authors=["Diederik P. Kingma",
                      "Jimmy Ba"], year=2015, venue="ICLR 2015", arxiv_id="1412.6980")
    lib.assign_section(a, cv)
    lib.assign_section(b, nlp)
    lib.assign_section(c, nlp)
    lib.add_link(b, "talk", "https://www.bilibili.com/video/BV1pu411o7BE/", "视频")
    lib.save_note(b, problem="RNN 太慢", method="只用 **注意力**", results="BLEU 28.4")
    lib.add_highlight(Highlight(None, b, 2, [[72, 100, 300, 100, 72, 112, 300, 112]],
                                "multi-head attention", "#ff0000", "highlight", "核心 | idea"))
    return lib, {"a": a, "b": b, "c": c}


def test_table_style_defaults(small):
    lib, ids = small
    out, _ = render_list(lib, ExportOptions(style="table"))
    assert "- [CV](#cv)\n    - [目标检测](#目标检测)\n- [NLP](#nlp)" in out  # a TOC with GitHub anchors
    assert "## CV\n\n### 目标检测\n\n|paper|源码|收录|简介|笔记|\n|:-:|:-:|:-:|:-:|:-:|\n" in out
    assert ("|[Fast R-CNN](https://arxiv.org/abs/1504.08083)|[code](https://github.com/rbgirshick/fast-rcnn)|"
            "ICCV 2015|**Fast R-CNN**; 更快的检测|-|\n") in out
    # a section with talks gets the talks column; an arXiv id gives the link
    assert "|paper|源码|收录|简介|笔记|讲解|" in out
    assert ("|[Attention Is All You Need](https://arxiv.org/abs/1706.03762)|-|NIPS 2017|**Transformer**|-|"
            "[视频](https://www.bilibili.com/video/BV1pu411o7BE/)|") in out
    en, _ = render_list(lib, ExportOptions(style="table", lang="en"))
    assert "|Paper|Code|Venue|Summary|Notes|" in en
    # papers in no section come last, under "Unsorted" (未分类)
    loose = lib.add_paper(title="Loose paper", year=2020)
    out, _ = render_list(lib, ExportOptions(style="table"))
    assert out.index("## 未分类") > out.index("### 经典模型") and "|[Loose paper]|" not in out
    assert "|Loose paper|-|2020|-|-|" in out and "    - [经典模型](#经典模型)\n- [未分类](#未分类)" in out
    assert lib.unsectioned_paper_ids() == [loose]


def test_dated_venue_and_digest_styles(small):
    lib, ids = small
    dated, _ = render_list(lib, ExportOptions(style="dated", section="CV"))
    assert ("- 20180712 ICCV 2015 **Fast R-CNN**; 更快的检测：[Fast R-CNN](https://arxiv.org/abs/1504.08083)\n"
            "  - [code](https://github.com/rbgirshick/fast-rcnn)\n") in dated
    assert "NLP" not in dated
    both, _ = render_list(lib, ExportOptions(style="dated", section=["NLP/经典模型", "CV/目标检测"]))
    assert both.index("### 目标检测") < both.index("### 经典模型")  # the library's order, not the request's
    assert "Adam: A Method" in both and "## CV" not in both
    venue, _ = render_list(lib, ExportOptions(style="venue", section="NLP/经典模型"))
    assert "### 经典模型" in venue and "- [【Attention Is All You Need】](https://arxiv.org/abs/1706.03762)" in venue
    digest, _ = render_list(lib, ExportOptions(style="digest", section="CV", lang="en"))
    assert ("**Fast R-CNN**\n**Fast R-CNN**; 更快的检测\n\nVenue\nICCV 2015\nPaper\nhttps://arxiv.org/abs/1504.08083\n"
            "Code\nhttps://github.com/rbgirshick/fast-rcnn") in digest
    with pytest.raises(InvalidValue, match="unknown export style"):
        render_list(lib, ExportOptions(style="nope"))
    with pytest.raises(NotFound, match="no section"):
        render_list(lib, ExportOptions(style="table", section="Nope"))


def test_a_user_template_is_a_new_style_and_overrides_a_builtin(small, tmp_path):
    lib, ids = small
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "compact.md.j2").write_text(
        "{% for s in doc.sections %}{% for e in s.entries %}* {{ e.p.title|md_text }} ({{ e.p.year }})\n"
        "{% endfor %}{% endfor %}", encoding="utf-8")
    (folder / "dated.md.j2").write_text("MINE {{ doc.sections|length }}\n", encoding="utf-8")
    lib.set_setting("template_dir", str(folder))
    out, _ = render_list(lib, ExportOptions(style="compact"))
    assert out == "* Fast R-CNN (2015)\n* Attention Is All You Need (2017)\n* Adam: A Method for Stochastic " \
                  "Optimization (2015)\n"
    assert render_list(lib, ExportOptions(style="dated"))[0] == "MINE 4\n"  # CV, CV/目标检测, NLP, NLP/经典模型
    (folder / "broken.md.j2").write_text("{% for x in %}", encoding="utf-8")
    with pytest.raises(InvalidValue, match="broken.md.j2 line 1"):
        render_list(lib, ExportOptions(style="broken"))


def test_escaping_filters():
    assert md.md_text("A [b] `c` | d *e* <i> &amp;") == "A \\[b\\] \\`c\\` \\| d \\*e\\* \\<i\\> &amp;amp;"
    assert md.cell("x | y\nz `a|b` <script>x</script> <br> ok") == \
        "x \\| y<br>z `a\\|b` &lt;script&gt;x&lt;/script&gt; <br> ok"
    assert md.cell("") == "-" and md.cell("a \\| b") == "a \\| b"
    assert md.md_url("http://x.org/a b") == "<http://x.org/a b>"
    assert md.md_url("http://x.org/a_(b)") == "http://x.org/a_(b)"
    assert md.md_url("http://x.org/a)b") == "<http://x.org/a)b>"
    assert md.md_url("http://x.org/<a>") == "<http://x.org/%3Ca%3E>"
    assert md.path_url("notes/多模态/A b.md") == "notes/%E5%A4%9A%E6%A8%A1%E6%80%81/A%20b.md"
    assert md.split_link("x [A [B] C](http://x/a_(b)) y") == ("x ", "A [B] C", "http://x/a_(b)", " y")
    seen: dict = {}
    assert [md.github_anchor(t, seen) for t in ("经典模型", "经典模型", "Instruction finetuning(Flan)")] == [
        "经典模型", "经典模型-1", "instruction-finetuningflan"]


README = ("\ufeffMy intro\r\n\r\n<!-- readerapp:begin papers -->\r\nold text\r\n<!-- readerapp:end papers -->"
          "\r\nfooter without newline")


def test_readme_update_in_place_keeps_every_other_byte(small, tmp_path):
    lib, ids = small
    target = tmp_path / "README.md"
    target.write_bytes(README.encode("utf-8"))
    plan = plan_export(lib, ExportOptions(style="dated", section="CV"), into=target)
    diff = plan.diff()
    assert "-old text" in diff and "+- 20180712 ICCV 2015" in diff
    assert target.read_bytes() == README.encode("utf-8")  # planning writes nothing
    apply_plan(plan)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfMy intro\r\n\r\n<!-- readerapp:begin papers -->\r\n")
    assert data.endswith(b"<!-- readerapp:end papers -->\r\nfooter without newline")
    assert b"old text" not in data and b"\n- 20180712" in data
    assert data.count(b"\n") == data.count(b"\r\n")  # the file's CRLF kept for the new lines too
    # exporting again changes nothing and does not rewrite the file
    os.utime(target, (1_000_000_000, 1_000_000_000))
    again = plan_export(lib, ExportOptions(style="dated", section="CV"), into=target)
    assert again.changed == [] and again.diff() == ""
    apply_plan(again)
    assert target.stat().st_mtime == 1_000_000_000 and target.read_bytes() == data


@pytest.mark.parametrize("text,message", [
    ("<!-- readerapp:begin papers -->\nx\n", "has no end marker"),
    ("x\n<!-- readerapp:end papers -->\n", "without a begin marker"),
    ("<!-- readerapp:begin papers -->\n<!-- readerapp:end papers -->\n<!-- readerapp:begin papers -->\n"
     "<!-- readerapp:end papers -->\n", "a second begin marker"),
    ("<!-- readerapp:begin papers -->\n<!-- readerapp:begin other -->\n<!-- readerapp:end other -->\n"
     "<!-- readerapp:end papers -->\n", "cannot be nested"),
    ("<!-- readerapp:begin other -->\n<!-- readerapp:end other -->\n", "has no '<!-- readerapp:begin papers -->'"),
])
def test_bad_markers_are_refused_and_nothing_is_written(small, tmp_path, text, message):
    lib, ids = small
    (tmp_path / "repo").mkdir()
    target = tmp_path / "repo" / "README.md"
    target.write_text(text, encoding="utf-8")
    before = target.read_bytes()
    with pytest.raises(ExportError, match=message) as info:
        plan_export(lib, ExportOptions(style="table"), into=target)
    assert "\n" not in str(info.value) and "nothing was written" in str(info.value)
    assert target.read_bytes() == before
    assert list(target.parent.iterdir()) == [target]  # no temp file left either


def test_merge_and_region_helpers():
    text = "a\n<!-- readerapp:begin x -->\nold\n<!-- readerapp:end x -->\nb"
    assert find_region(text, "y") is None
    # markers shown as an example inside a fenced code block are not markers
    doc = "```md\n<!-- readerapp:begin x -->\n```\n" + text + "\n~~~\n<!-- readerapp:end x -->\n~~~\n"
    assert merge(doc, "x", "new") == doc.replace("old\n", "new\n")
    assert merge(text, "x", "new\n") == "a\n<!-- readerapp:begin x -->\nnew\n<!-- readerapp:end x -->\nb"
    assert merge(merge(text, "x", "new"), "x", "new") == merge(text, "x", "new")


def test_a_new_readme_is_created_with_markers(small, tmp_path):
    lib, ids = small
    target = tmp_path / "sub" / "README.md"
    apply_plan(plan_export(lib, ExportOptions(style="table", name="mine"), into=target))
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!-- readerapp:begin mine -->\n") and text.endswith("<!-- readerapp:end mine -->\n")


def test_note_pages_and_relative_links(small, tmp_path):
    lib, ids = small
    target = tmp_path / "README.md"
    target.write_text("<!-- readerapp:begin papers -->\n<!-- readerapp:end papers -->\n", encoding="utf-8")
    plan = plan_export(lib, ExportOptions(style="table", notes_dir="notes"), into=target)
    written = apply_plan(plan)
    page = tmp_path / "notes" / "NLP" / "经典模型" / "Attention Is All You Need.md"
    assert page in written and len(written) == 2  # only the paper with a note gets a page
    text = page.read_text(encoding="utf-8")
    for piece in ("# Attention Is All You Need", "## 问题\n\nRNN 太慢", "## 方法\n\n只用 **注意力**",
                  "## 结果\n\nBLEU 28.4", "> multi-head attention\n>\n> — 第 3 页：核心 \\| idea",
                  "- **作者**: Ashish Vaswani, Noam Shazeer", "[视频](https://www.bilibili.com/video/BV1pu411o7BE/)"):
        assert piece in text
    readme = target.read_text(encoding="utf-8")
    link = "[笔记](notes/NLP/%E7%BB%8F%E5%85%B8%E6%A8%A1%E5%9E%8B/Attention%20Is%20All%20You%20Need.md)"
    assert link in readme
    # the link resolves to the page, as GitHub resolves it
    from urllib.parse import unquote

    assert (tmp_path / unquote(link.split("](")[1][:-1])).read_text(encoding="utf-8") == text
    en = plan_export(lib, ExportOptions(style="table", notes_dir="notes", lang="en"), into=target)
    assert any("## Problem" in c.new.decode() for c in en.changed if c.path.suffix == ".md" and "notes" in
               c.path.parts)


def test_git_commit_of_readme_and_note_pages(small, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    lib, ids = small
    repo = tmp_path / "repo"
    repo.mkdir()
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@x")
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    target = repo / "README.md"
    target.write_text("# list\n<!-- readerapp:begin papers -->\n<!-- readerapp:end papers -->\n", encoding="utf-8")
    r = _cli(["export", "--style", "table", "--into", str(target), "--notes-dir", "notes", "--commit"],
             lib.folder, env=env)
    assert r.returncode == 0, r.stderr
    files = subprocess.run(["git", "-c", "core.quotepath=false", "-C", str(repo), "show", "--name-only",
                            "--format=%s", "HEAD"], capture_output=True, text=True, check=True).stdout.splitlines()
    assert files[0] == "Update the paper list (readerapp export)"
    assert sorted(f for f in files[1:] if f) == ["README.md", "notes/NLP/经典模型/Attention Is All You Need.md"]
    assert subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True,
                          check=True).stdout == ""
    # not a repository: written, then a clear one-line message
    plain = tmp_path / "plain" / "README.md"
    apply_plan(plan_export(lib, ExportOptions(style="table"), into=plain))
    with pytest.raises(ExportError, match="not in a git repository"):
        git_commit([plain])


def test_commit_without_git_is_a_clear_message(monkeypatch, tmp_path):
    from readerapp.core.export import readme

    monkeypatch.setattr(readme.shutil, "which", lambda name: None)
    with pytest.raises(ExportError, match="--commit needs git, which is not installed"):
        git_commit([tmp_path / "README.md"])


def test_bibtex_keys_escaping_and_eprint(small):
    lib, ids = small
    papers = lib.papers_by_ids([ids["c"], ids["a"], ids["b"]])
    bib = to_bibtex(papers)
    assert "@inproceedings{kingma2015adam," in bib
    assert "eprint        = {1412.6980}" in bib and "archivePrefix = {arXiv}" in bib
    assert "@inproceedings{girshick2015fast," in bib and "booktitle = {ICCV 2015}" in bib
    assert "author        = {Ashish Vaswani and Noam Shazeer}" in bib
    same = lib.add_paper(title="Adam revisited & 100% {better}_x", authors=["Diederik Kingma"], year=2015)
    keys = unique_keys(lib.papers_by_ids([ids["c"], same]))
    assert keys == {ids["c"]: "kingma2015adam", same: "kingma2015adamb"}
    assert latex_escape("Adam revisited & 100% {better}_x") == r"Adam revisited \& 100\% \{better\}\_x"
    entry = to_bibtex(lib.papers_by_ids([same]))
    assert entry.count("{") == entry.count("}")  # escaping keeps braces balanced


def test_annotated_pdf_copy(corpus_library, tmp_path):
    from conftest import paper_id_for

    lib = corpus_library
    pid = paper_id_for(lib, "kingma-adam.pdf")
    original = Path(lib.get_paper(pid).path)
    sha = hashlib.sha256(original.read_bytes()).hexdigest()
    q = [[72, 100, 300, 100, 72, 112, 300, 112]]
    lib.add_highlight(Highlight(None, pid, 0, q, "Adam", "#ff0000", "highlight", "the optimizer"))
    lib.add_highlight(Highlight(None, pid, 1, q, "moments", "#00ff00", "underline", "biased"))
    lib.add_highlight(Highlight(None, pid, 2, q, "", "#0000ff", "area", "a figure"))
    out = tmp_path / "adam-annotated.pdf"
    info = export_annotated_pdf(lib, pid, out)
    assert info["annotations"] == 3
    doc = pymupdf.open(out)
    found = [(p.number, a.type[1], a.info["content"], tuple(round(c, 2) for c in a.colors["stroke"]))
             for p in doc for a in p.annots()]
    doc.close()
    assert found == [(0, "Highlight", "the optimizer", (1.0, 0.0, 0.0)), (1, "Underline", "biased", (0.0, 1.0, 0.0)),
                     (2, "Square", "a figure", (0.0, 0.0, 1.0))]
    assert hashlib.sha256(original.read_bytes()).hexdigest() == sha
    with pytest.raises(InvalidValue, match="cannot overwrite the original"):
        export_annotated_pdf(lib, pid, original)
    entry = lib.add_paper(title="List only")
    with pytest.raises(NotFound, match="has no PDF"):
        export_annotated_pdf(lib, entry, tmp_path / "x.pdf")


def _cli(args, library, env=None, input=None):
    cmd = [sys.executable, "-m", "readerapp", "--library", str(library), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env or dict(os.environ), input=input, timeout=300)


def test_cli_import_list_export_and_dry_run(tmp_path, reference_lists):
    lib = tmp_path / "lib"
    r = _cli(["import-list", str(reference_lists / "dated-list.md"), "--json"], lib)
    assert r.returncode == 0, r.stderr
    import json

    data = json.loads(r.stdout)
    assert (data["style"], data["entries"], data["added"]) == ("dated", 7, 7)
    assert data["skipped"][0] == {"line": 1, "text": "这里收录了跨模态学习各个领域的经典和最新文章。",
                                  "reason": "before the list (kept as text)"}
    r = _cli(["export", "--style", "dated", "--name", "dated-list"], lib)
    assert r.returncode == 0, r.stderr
    from readerapp.core.export.roundtrip import normalize

    assert normalize(r.stdout) == normalize((reference_lists / "dated-list.md").read_text(encoding="utf-8"))
    readme = tmp_path / "README.md"
    readme.write_text("x\n<!-- readerapp:begin dated-list -->\n<!-- readerapp:end dated-list -->\n",
                      encoding="utf-8")
    r = _cli(["export", "--style", "dated", "--name", "dated-list", "--into", str(readme), "--dry-run"], lib)
    assert r.returncode == 0 and r.stdout.startswith("--- a/README.md\n+++ b/README.md\n")
    assert "+- 20180701 CVPR-15" in r.stdout
    assert readme.read_text(encoding="utf-8").count("\n") == 3  # nothing written
    r = _cli(["export", "--style", "dated", "--name", "dated-list", "--into", str(readme)], lib)
    assert r.returncode == 0 and "wrote 1 file" in r.stderr
    r = _cli(["export", "--style", "dated", "--name", "dated-list", "--into", str(readme)], lib)
    assert "unchanged" in r.stderr
    readme.write_text("<!-- readerapp:begin dated-list -->\n", encoding="utf-8")
    r = _cli(["export", "--style", "dated", "--name", "dated-list", "--into", str(readme)], lib)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "no end marker" in r.stderr
    r = _cli(["bibtex", "--section", "dated-list"], lib)
    assert r.returncode == 0 and r.stdout.count("@") == 7
    r = _cli(["export", "--style", "bibtex"], lib)
    assert r.returncode == 0 and r.stdout.count("@") == 7
    r = _cli(["import-list", str(tmp_path / "missing.md")], lib)
    assert r.returncode == 2 and "cannot read" in r.stderr
    r = _cli(["export-pdf", "1", str(tmp_path / "o.pdf")], lib)
    assert r.returncode == 1 and "has no PDF" in r.stderr
