"""Moved, replaced, scanned and hostile files.

* `relocate`: a moved PDF is re-linked by its hash; another copy of the same
  paper (other bytes, pages shifted by a cover page) replaces a lost file and
  the highlights are re-anchored by their quoted text; those that cannot be
  found are kept where they were and reported, never deleted.
* Scanned papers: OCR with Tesseract when installed; without it the paper is
  imported and marked as having no text.
* A PDF that hangs or kills its worker is reported and skipped; the rest import.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import zlib

import pymupdf
import pytest

from pdfgen import make_pdf
from readerapp.core import pdftext
from readerapp.core.importer import import_paths
from readerapp.core.library import Library
from readerapp.core.models import Highlight
from readerapp.core.relocate import relocate
from readerapp.core.workerpool import GuardedPool

BN_TITLE = "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift"


def _real_highlight(doc, page_no: int, first_word: int, n_words: int) -> tuple[str, list[list[float]]]:
    """A highlight as the reader makes it: words on a page, their quads, their text."""
    words = doc[page_no].get_text("words")[first_word:first_word + n_words]
    quads = [[w[0], w[1], w[2], w[1], w[0], w[3], w[2], w[3]] for w in words]
    return " ".join(w[4] for w in words), quads


def _copy_with_cover_page(src, dest) -> None:
    """Another copy of the same paper: a repository cover page in front, so every page moves by one."""
    with pymupdf.open(src) as doc:
        cover = doc.new_page(0, width=doc[0].rect.width, height=doc[0].rect.height)
        cover.insert_textbox(pymupdf.Rect(60, 80, cover.rect.width - 60, 260), BN_TITLE, fontsize=22, align=1)
        cover.insert_textbox(pymupdf.Rect(60, 280, cover.rect.width - 60, 320),
                             "Sergey Ioffe, Christian Szegedy", fontsize=12, align=1)
        cover.insert_textbox(pymupdf.Rect(60, 330, cover.rect.width - 60, 360), "arXiv:1502.03167",
                             fontsize=10, align=1)
        doc.save(str(dest), garbage=3, deflate=True)


def test_moved_files_are_relinked_and_a_replaced_copy_keeps_highlights(tmp_path, corpus_dir):
    folder = tmp_path / "lib"
    a = tmp_path / "old" / "adam.pdf"
    b = tmp_path / "old" / "bn.pdf"
    a.parent.mkdir()
    shutil.copy(corpus_dir / "kingma-adam.pdf", a)
    shutil.copy(corpus_dir / "ioffe-batch-norm.pdf", b)
    with Library(folder) as lib:
        by_path = {r.path: r for r in import_paths(lib, [a, b])}
        ra, rb = by_path[str(a)], by_path[str(b)]
        with pymupdf.open(b) as doc:
            short_text, short_quads = _real_highlight(doc, 0, 40, 3)
            long_text, long_quads = _real_highlight(doc, 2, 100, 45)  # several lines
        h_short = lib.add_highlight(Highlight(None, rb.paper_id, 0, short_quads, short_text, comment="short"))
        h_long = lib.add_highlight(Highlight(None, rb.paper_id, 2, long_quads, long_text, comment="long"))
        h_lost = lib.add_highlight(Highlight(None, rb.paper_id, 0, [[0, 0, 1, 0, 0, 1, 1, 1]],
                                             "a sentence this paper never says", comment="keep me"))
        h_area = lib.add_highlight(Highlight(None, rb.paper_id, 3, [[10, 10, 200, 10, 10, 150, 200, 150]], "",
                                             kind="area", comment="a figure"))
        lib.save_note(rb.paper_id, method="normalize each mini-batch")
    new_home = tmp_path / "new"
    new_home.mkdir()
    a.rename(new_home / "adam moved.pdf")  # same bytes: re-link
    _copy_with_cover_page(b, new_home / "bn-publisher.pdf")
    b.unlink()
    with Library(folder) as lib:
        assert {r["paper_id"] for r in lib.missing_files()} == {ra.paper_id, rb.paper_id}
        report = relocate(lib, new_home)
        assert report.relinked == [(ra.paper_id, str(new_home / "adam moved.pdf"))]
        assert report.replaced == [(rb.paper_id, str(new_home / "bn-publisher.pdf"))]
        assert report.still_missing == [] and lib.missing_files() == []
        assert report.reanchored == 2
        assert sorted(report.unanchored) == sorted([h_lost, h_area])
        with pymupdf.open(new_home / "bn-publisher.pdf") as doc:
            for hid, text, old_page, old_quads in ((h_short, short_text, 0, short_quads),
                                                   (h_long, long_text, 2, long_quads)):
                h = lib.get_highlight(hid)
                assert h.page == old_page + 1 and h.text == text  # moved with the cover page
                # the new quads cover the quoted words on the new file
                covered = " ".join(" ".join(doc[h.page].get_textbox(
                    pymupdf.Quad(q[:2], q[2:4], q[4:6], q[6:]).rect + (-1, -1, 1, 1)).split()) for q in h.quads)
                assert text.split()[0] in covered and text.split()[-1] in covered
                assert abs(h.quads[0][1] - old_quads[0][1]) < 2  # same place on the page
        for hid, comment in ((h_lost, "keep me"), (h_area, "a figure")):
            assert lib.get_highlight(hid).comment == comment  # kept, never deleted
        assert len(lib.highlights(rb.paper_id)) == 4
        assert lib.get_note(rb.paper_id).method == "normalize each mini-batch"
        assert lib.get_paper(rb.paper_id).path == str(new_home / "bn-publisher.pdf")
        assert lib.search("internal covariate shift")[0].paper_id == rb.paper_id


def test_cli_relocate_reports_what_it_found(tmp_path):
    inbox = tmp_path / "inbox"
    paths = [make_pdf(inbox / f"p{i}.pdf", [f"distinct words number{i} " * 30], title=f"Paper {i}") for i in range(3)]
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        ids = {r.path: r.paper_id for r in import_paths(lib, [inbox])}
    moved = tmp_path / "moved"
    moved.mkdir()
    paths[0].rename(moved / "renamed.pdf")
    paths[1].unlink()  # gone for good

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), *args],
                              capture_output=True, text=True, timeout=120)

    r = cli("relocate", str(moved), "--json")
    assert r.returncode == 1  # one paper is still missing
    report = json.loads(r.stdout)
    assert report["relinked"] == [[ids[str(paths[0])], str(moved / "renamed.pdf")]]
    assert report["still_missing"] == [ids[str(paths[1])]]
    r = cli("relocate", str(tmp_path / "no such folder"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "not a folder" in r.stderr


@pytest.mark.skipif(not pdftext.tesseract_available(), reason="Tesseract (apt package tesseract-ocr) is not installed")
def test_scanned_paper_becomes_searchable_with_ocr(tmp_path, corpus_dir):
    assert pdftext.tessdata_dir() is not None
    with Library(tmp_path / "lib") as lib:
        (r,) = import_paths(lib, [corpus_dir / "scanned-lisp2-gc.pdf"])
        assert r.status == "imported" and lib.get_paper(r.paper_id).text_status == "ocr"
        assert "OCR" in r.reason
        assert lib.search("garbage collector", limit=3)[0].paper_id == r.paper_id
    # a long scan stops at the OCR time budget instead of failing the import's time limit
    data = pdftext.extract_file(str(corpus_dir / "scanned-lisp2-gc.pdf"), ocr=True, ocr_budget_s=0.5)
    assert data["text_status"] == "ocr" and len(data["pages"]) == 2
    assert "garbage" in data["pages"][0].lower() and data["pages"][1] == ""


def test_scanned_paper_without_ocr_is_imported_and_marked_without_text(tmp_path, corpus_dir):
    with Library(tmp_path / "lib") as lib:
        (r,) = import_paths(lib, [corpus_dir / "scanned-lisp2-gc.pdf"], ocr=False)
        assert r.status == "imported" and "no text layer" in r.reason
        p = lib.get_paper(r.paper_id)
        assert p.text_status == "no-text" and p.pages == 2
        assert lib.search("garbage collector") == []
        lib.save_note(r.paper_id, problem="a scanned memo")  # still a paper like any other
        assert lib.search("scanned memo")[0].paper_id == r.paper_id


def test_hung_and_crashing_extraction_workers_fail_alone():
    import poolfuncs

    tasks = [(n, n) for n in ("a", "hang", "b", "die", "c", "segfault", "d", "e")]
    with GuardedPool(poolfuncs.behave_by_name, workers=2, timeout=3) as pool:
        results = dict(pool.run(tasks))
    assert set(results) == {n for n, _ in tasks}
    for name in "abcde":
        assert results[name] == {"value": name}
    assert "longer than" in results["hang"]["error"]
    assert "crashed" in results["die"]["error"] and "crashed" in results["segfault"]["error"]


def _decompression_bomb(path) -> None:
    """A real hostile PDF: 150 KB whose one page inflates to 200 MB of drawing operators
    (MuPDF needs about 25 s to get its text on this machine; 800 MB took 93 s)."""
    doc = pymupdf.open()
    doc.new_page()
    doc.save(str(path))
    doc.close()
    with pymupdf.open(path) as doc:
        xref = doc[0].get_contents()[0] if doc[0].get_contents() else None
        ops = b"0 0 m 1 1 l S\n" * (200_000_000 // 14)
        packed = zlib.compress(ops, 9)
        if xref is None:
            xref = doc.get_new_xref()
            doc.update_object(xref, "<<>>")
            doc.xref_set_key(doc[0].xref, "Contents", f"{xref} 0 R")
        doc.update_stream(xref, packed, compress=False)
        doc.xref_set_key(xref, "Filter", "/FlateDecode")
        doc.save(str(path) + ".tmp")
    shutil.move(str(path) + ".tmp", path)


def test_a_hostile_pdf_is_reported_and_the_rest_import(tmp_path):
    inbox = tmp_path / "inbox"
    for i in range(3):
        make_pdf(inbox / f"good{i}.pdf", [f"good paper {i} text " * 20], title=f"Good {i}")
    _decompression_bomb(inbox / "bomb.pdf")
    (inbox / "truncated.pdf").write_bytes((inbox / "good0.pdf").read_bytes()[:300])
    with Library(tmp_path / "lib") as lib:
        started = time.perf_counter()
        results = {r.path: r for r in import_paths(lib, [inbox], timeout=4)}
        assert sum(r.status == "imported" for r in results.values()) == 3
        bomb = results[str(inbox / "bomb.pdf")]
        assert bomb.status == "failed" and "longer than" in bomb.reason and "\n" not in bomb.reason
        assert results[str(inbox / "truncated.pdf")].status == "failed"
        assert lib.count_papers() == 3
        assert lib.search("good paper 2")
    assert time.perf_counter() - started < 20  # the time limit, not the bomb, decided
