"""The review queue (doubtful metadata listed until the user sets the field),
garbled text layers, and titles for PDFs whose page gives none."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pymupdf

from pdfgen import make_image_only_pdf, make_pdf
from readerapp.core.importer import import_paths
from readerapp.core.pdftext import extract_file, page_quality, text_quality

PROSE = ("We study how deep networks learn from data. The method is simple and it works well on the standard "
         "benchmarks that are used in this field. In this paper we show that the model can be trained with "
         "little memory, and we report the results of each experiment on the test set of the data. ") * 6


def _garbled(text: str) -> str:
    """Glyphs mapped to the wrong characters, as a broken font map gives them (a fixed shuffle of letters)."""
    rng = random.Random(7)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    shuffled = letters[:]
    rng.shuffle(shuffled)
    table = str.maketrans("".join(letters) + "".join(letters).upper(),
                          "".join(shuffled) + "".join(shuffled).upper())
    return text.translate(table)


def run(args, library):
    cmd = [sys.executable, "-m", "readerapp", "--library", str(library), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ), timeout=300)


def test_page_quality_tells_prose_from_wrong_glyphs_and_private_use():
    assert page_quality(PROSE) == "ok"
    assert page_quality(_garbled(PROSE)) == "garbled"
    pua = "".join(chr(0xE000 + ord(c) % 200) if c.isalpha() else c for c in PROSE)
    assert page_quality(pua) == "garbled"
    assert page_quality("2.31 4.55 0.12 " * 80) is None  # a table of numbers: cannot tell
    assert page_quality("深度学习模型在图像识别任务上表现出色。" * 30) is None  # CJK: no spaces between words
    assert page_quality("short page") is None
    # a document is garbled when most pages that can be judged are
    assert text_quality([PROSE, _garbled(PROSE), _garbled(PROSE)]) == "garbled"
    assert text_quality([PROSE, PROSE, _garbled(PROSE)]) == "ok"


def test_corpus_text_layers_are_not_called_garbled(corpus_dir, manifest):
    for row in manifest:
        with pymupdf.open(corpus_dir / row["file"]) as doc:
            assert text_quality([p.get_text() for p in doc]) == "ok", row["file"]


def test_garbled_pdf_is_flagged_not_ok(tmp_path):
    path = make_pdf(tmp_path / "garbled.pdf", [_garbled(PROSE), _garbled(PROSE)],
                    title=_garbled("Learning Deep Features for Everything"))
    result = extract_file(str(path), ocr=False)
    assert result["text_status"] == "garbled"
    assert "title" in result["metadata"]["review"]


def test_review_queue_from_import_to_set(tmp_path):
    """A hash-named PDF with nothing on page one, a garbled one and a clean one: the first two are
    listed by `list --needs-review`; setting the title by hand takes a paper off the list."""
    folder = tmp_path / "in"
    folder.mkdir()
    make_image_only_pdf(folder / ("3f" * 20 + ".pdf"))
    make_pdf(folder / "g.pdf", [_garbled(PROSE)] * 2, title=_garbled("Sparse Attention for Everyone"))
    make_pdf(folder / "clean.pdf", ["Published as a conference paper at ICLR 2019\n\n" + PROSE],
             title="Sparse Mixtures of Experts", authors="Grace Hopper and Ada Lovelace")
    lib = tmp_path / "lib"
    r = run(["import", "--json", str(folder)], lib)
    assert r.returncode == 0, r.stderr
    results = {os.path.basename(x["path"]): x for x in json.loads(r.stdout)}
    assert "garbled text layer" in results["g.pdf"]["reason"]

    r = run(["list", "--needs-review", "--json"], lib)
    listed = {p["title"]: p for p in json.loads(r.stdout)}
    assert "Untitled" in listed and "Sparse Mixtures of Experts" not in listed
    assert not any("3f3f3f" in t for t in listed), "a hash is shown as a title"
    assert len(listed) == 2

    hid = listed["Untitled"]["id"]
    shown = json.loads(run(["show", str(hid), "--json"], lib).stdout)
    assert shown["review"]["title"].startswith("no title found") and shown["text_status"] == "no-text"
    gid = results["g.pdf"]["paper_id"]
    assert json.loads(run(["show", str(gid), "--json"], lib).stdout)["text_status"] == "garbled"

    r = run(["list", "--needs-review"], lib)
    assert "review: title" in r.stdout

    assert run(["set", str(hid), "title", "LISP II Garbage Collector"], lib).returncode == 0
    shown = json.loads(run(["show", str(hid), "--json"], lib).stdout)
    assert "title" not in shown["review"]
    remaining = {p["id"] for p in json.loads(run(["list", "--needs-review", "--json"], lib).stdout)}
    assert hid not in remaining and gid in remaining


def test_set_by_hand_clears_only_that_field_and_reextraction_keeps_it_clear(library, tmp_path):
    path = make_pdf(tmp_path / ("ab" * 16 + ".pdf"), ["Nothing printed here that says a year."],
                    title="A Study of Things", authors="")
    (res,) = import_paths(library, [path], workers=1)
    paper = library.get_paper(res.paper_id)
    assert "authors" in paper.review and "year" in paper.review
    library.set_field(paper.id, "authors", "Grace Hopper")
    paper = library.get_paper(paper.id)
    assert "authors" not in paper.review and "year" in paper.review
    # re-extraction (reindex --metadata) never flags a field the user set
    library.apply_extracted_metadata(paper.id, {"title": "A Study of Things", "review": {"authors": "x"}},
                                     overwrite=True)
    assert "authors" not in library.get_paper(paper.id).review
    library.set_review(paper.id, "year", None)
    assert library.get_paper(paper.id).review == {}
    assert [p.id for p in library.papers_needing_review()] == []


def test_reindex_metadata_keeps_the_flag_of_a_title_still_not_found(library, tmp_path):
    from readerapp.core.importer import reindex

    path = make_image_only_pdf(tmp_path / ("c0" * 20 + ".pdf"))
    (res,) = import_paths(library, [path], workers=1)
    assert library.get_paper(res.paper_id).title == "Untitled" and "title" in library.get_paper(res.paper_id).review
    reindex(library, [res.paper_id], metadata=True, workers=1)
    assert "title" in library.get_paper(res.paper_id).review
