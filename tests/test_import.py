"""Import: the corpus, duplicates, re-links, list entries, and every kind of bad file."""

from __future__ import annotations

import shutil

import pymupdf
import pytest

from pdfgen import make_encrypted_pdf, make_image_only_pdf, make_pdf
from readerapp.core import importer as importer_mod
from readerapp.core.importer import Importer, import_paths


def test_corpus_imports_with_pages_and_text(corpus_library, manifest):
    by_name = {m["file"]: m for m in manifest}
    files = corpus_library.all_files()
    assert len(files) == len(by_name) == 12
    for row in files:
        name = row["path"].rsplit("/", 1)[-1]
        assert row["pages"] == int(by_name[name]["pages"]), name
        expected_status = "ok" if name != "scanned-lisp2-gc.pdf" else row["text_status"]
        assert row["text_status"] == expected_status
    assert corpus_library.unindexed_papers() == []
    scanned = [r for r in files if r["path"].endswith("scanned-lisp2-gc.pdf")][0]
    assert scanned["text_status"] in ("no-text", "ocr")


def test_same_bytes_are_a_duplicate_and_a_moved_file_is_relinked(tmp_path, library, corpus_dir):
    src = tmp_path / "a" / "adam.pdf"
    src.parent.mkdir()
    shutil.copy(corpus_dir / "kingma-adam.pdf", src)
    (r1,) = import_paths(library, [src])
    assert r1.status == "imported"
    copy = tmp_path / "b" / "adam copy.pdf"
    copy.parent.mkdir()
    shutil.copy(src, copy)
    (r2,) = import_paths(library, [copy])
    assert r2.status == "duplicate" and r2.paper_id == r1.paper_id
    (r3,) = import_paths(library, [src])
    assert r3.status == "duplicate" and "already" in r3.reason
    moved = tmp_path / "c" / "renamed.pdf"
    moved.parent.mkdir()
    library.save_note(r1.paper_id, problem="my note")
    src.rename(moved)
    (r4,) = import_paths(library, [moved])
    assert r4.status == "relinked" and r4.paper_id == r1.paper_id
    assert library.get_paper(r1.paper_id).path == str(moved)
    assert library.count_papers() == 1
    assert library.get_note(r1.paper_id).problem == "my note"


def test_bad_files_each_get_a_one_line_reason_and_the_rest_imports(tmp_path, library):
    folder = tmp_path / "inbox with spaces"
    folder.mkdir()
    good = make_pdf(folder / "好的 论文.pdf", ["Transformers use attention everywhere."], title="A Good Paper")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notapdf.pdf").write_text("this is a text file, not a PDF")
    full = make_pdf(tmp_path / "full.pdf", ["page one text " * 50, "page two text " * 50])
    data = full.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 3])
    make_encrypted_pdf(folder / "locked.pdf")
    make_image_only_pdf(folder / "scan.pdf")
    keep = library.add_paper(title="Already here")
    library.save_note(keep, results="must survive")

    results = Importer(library, ocr=False).import_paths([folder])
    by_name = {r.path.rsplit("/", 1)[-1]: r for r in results}
    assert by_name["好的 论文.pdf"].status == "imported"
    assert by_name["scan.pdf"].status == "imported" and "no text layer" in by_name["scan.pdf"].reason
    assert library.get_paper(by_name["scan.pdf"].paper_id).text_status == "no-text"
    assert by_name["empty.pdf"].status == "failed" and "empty" in by_name["empty.pdf"].reason
    assert by_name["notapdf.pdf"].status == "failed" and "not a PDF" in by_name["notapdf.pdf"].reason
    assert by_name["locked.pdf"].status == "failed" and "password" in by_name["locked.pdf"].reason
    trunc = by_name["truncated.pdf"]
    # MuPDF repairs what it can of a truncated file; either way it is reported, never a crash
    assert trunc.status in ("failed", "imported") and (trunc.status == "imported" or trunc.reason)
    for r in results:
        assert "\n" not in r.reason and "Traceback" not in r.reason
    assert library.get_note(keep).results == "must survive"
    assert library.search("attention everywhere")[0].paper_id == by_name["好的 论文.pdf"].paper_id
    assert good.exists()


def test_unreadable_file_is_reported(tmp_path, library, monkeypatch):
    pdf = make_pdf(tmp_path / "secret.pdf", ["text"])
    real_open = open

    def guarded_open(path, *args, **kwargs):  # root ignores chmod, so simulate the denial
        if str(path) == str(pdf):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(importer_mod, "open", guarded_open, raising=False)
    (r,) = import_paths(library, [pdf])
    assert r.status == "failed" and r.reason == "no permission to read the file"


def test_missing_path_is_reported(tmp_path, library):
    (r,) = import_paths(library, [tmp_path / "nope"])
    assert r.status == "failed" and r.reason == "no such file or folder"


@pytest.mark.slow
def test_two_thousand_page_pdf(tmp_path, library):
    doc = pymupdf.open()
    for i in range(2000):
        page = doc.new_page(width=300, height=300)
        page.insert_text((20, 40), f"page {i + 1} of the long appendix, token{i}")
    path = tmp_path / "huge.pdf"
    doc.save(str(path))
    doc.close()
    (r,) = import_paths(library, [path])
    assert r.status == "imported" and r.pages == 2000
    assert library.search("token1999")[0].page == 1999  # the 2000th page, 0-based


def test_pdf_fills_the_list_entry_instead_of_duplicating(tmp_path, library, corpus_dir):
    entry = library.add_paper(title="Adam: A Method for Stochastic Optimization", arxiv_id="1412.6980",
                              summary="**Adam**; 自适应学习率", user_fields=["title", "summary", "arxiv_id"])
    (r,) = import_paths(library, [corpus_dir / "kingma-adam.pdf"])
    assert r.status == "imported" and r.paper_id == entry
    assert library.count_papers() == 1
    p = library.get_paper(entry)
    assert p.summary == "**Adam**; 自适应学习率" and p.pages == 15


def test_title_match_fills_entry_without_ids(tmp_path, library):
    entry = library.add_paper(title="A Study of Sparse Mixtures of Experts")
    pdf = make_pdf(tmp_path / "moe.pdf", ["We study mixtures."], title="A Study of Sparse Mixtures of Experts")
    (r,) = import_paths(library, [pdf])
    assert r.paper_id == entry and library.count_papers() == 1


def test_hung_extraction_is_stopped_and_the_rest_imports(tmp_path, library, monkeypatch):
    pdfs = [make_pdf(tmp_path / f"p{i}.pdf", [f"paper number {i}"]) for i in range(3)]
    imp = Importer(library, workers=1, timeout=0.001)
    results = imp.import_paths(pdfs)
    # with an impossible deadline each file is reported, none hangs the import
    assert len(results) == 3 and all(r.status in ("failed", "imported") for r in results)
    assert all("longer than" in r.reason for r in results if r.status == "failed")


def test_correction_survives_reindex_and_reimport(tmp_path, library, corpus_dir):
    from readerapp.core.importer import reindex

    src = tmp_path / "bn.pdf"
    shutil.copy(corpus_dir / "ioffe-batch-norm.pdf", src)
    (r,) = import_paths(library, [src])
    library.set_field(r.paper_id, "title", "BN (my title)")
    library.set_field(r.paper_id, "venue", "ICML 2015")
    (again,) = reindex(library, [r.paper_id], metadata=True)
    assert again.status == "updated" and again.pages == 11
    (dup,) = import_paths(library, [src])
    assert dup.status == "duplicate"
    p = library.get_paper(r.paper_id)
    assert (p.title, p.venue) == ("BN (my title)", "ICML 2015")
    assert library.search("covariate shift", limit=1)[0].paper_id == r.paper_id


def test_deleting_the_index_loses_nothing_and_reindex_restores_search(tmp_path, corpus_dir):
    from readerapp.core.importer import reindex
    from readerapp.core.library import Library

    folder = tmp_path / "lib"
    with Library(folder) as lib:
        (r,) = import_paths(lib, [corpus_dir / "sutskever-seq2seq.pdf"])
        lib.save_note(r.paper_id, method="LSTM encoder-decoder")
        lib.set_field(r.paper_id, "tags", "seq2seq")
        listed = lib.add_paper(title="A Paper Only In My List", summary="来自列表的条目")
    (folder / "index.sqlite3").unlink()
    for extra in ("index.sqlite3-wal", "index.sqlite3-shm"):
        (folder / extra).unlink(missing_ok=True)
    with Library(folder) as lib:
        assert lib.get_note(r.paper_id).method == "LSTM encoder-decoder"
        assert lib.unindexed_papers() == [r.paper_id]
        reindex(lib)
        assert lib.unindexed_papers() == []
        assert lib.search("reversing the order of the words", limit=1)[0].paper_id == r.paper_id
        assert lib.search("tag:seq2seq")[0].paper_id == r.paper_id
        assert lib.search("LSTM encoder-decoder")[0].paper_id == r.paper_id
        assert lib.search("来自列表")[0].paper_id == listed


def test_the_ocr_language_setting_reaches_ocr(library, tmp_path, monkeypatch):
    """`ocr_language` (settings) is what the importer, reindex and attach hand to pdftext.extract_file."""
    from readerapp.core import importer
    from readerapp.core.settings import Settings, save_settings

    monkeypatch.setenv("READERAPP_CONFIG_DIR", str(tmp_path / "config"))
    assert importer.ocr_options()["ocr_language"] == "eng"  # the default
    save_settings(Settings(ocr_language="chi_sim+eng"))
    assert importer.ocr_options() == {"ocr": importer.pdftext.tesseract_available(), "ocr_language": "chi_sim+eng"}
    imp = importer.Importer(library, ocr=True)
    assert imp.ocr_kwargs == {"ocr": True, "ocr_language": "chi_sim+eng"}
    assert importer.Importer(library, ocr=False, ocr_language="deu").ocr_kwargs == {"ocr": False,
                                                                                   "ocr_language": "deu"}
    # what the worker processes are started with
    seen = []

    class Pool:
        def __init__(self, fn, **kw):
            seen.append(kw.get("kwargs"))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def run(self, tasks, cancel=None):
            list(tasks)
            return iter(())

    monkeypatch.setattr(importer, "GuardedPool", Pool)
    importer.Importer(library).import_paths([tmp_path / "nothing-here"])
    importer.reindex(library, [])
    assert seen and all(kw["ocr_language"] == "chi_sim+eng" for kw in seen), seen
