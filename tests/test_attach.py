"""relocate.attach_file / check_file_for_paper: the GUI's "Locate…" and "Attach PDF…" on one paper."""

from __future__ import annotations

import shutil

import pytest

from readerapp.core.errors import InvalidValue
from readerapp.core.importer import import_paths
from readerapp.core.models import Highlight
from readerapp.core.relocate import attach_file, check_file_for_paper
from tests.pdfgen import make_pdf


def test_locate_same_bytes_relinks(library, tmp_path):
    pdf = make_pdf(tmp_path / "a" / "paper.pdf", ["Attention is computed by a softmax over keys."],
                   title="A Study of Attention")
    [res] = import_paths(library, [pdf], workers=1)
    moved = tmp_path / "b" / "renamed.pdf"
    moved.parent.mkdir()
    pdf.rename(moved)
    assert check_file_for_paper(library, res.paper_id, moved).kind == "same"
    out = attach_file(library, res.paper_id, moved)
    assert out.status == "relinked"
    assert library.get_paper(res.paper_id).path == str(moved)
    assert len(library.files_of(res.paper_id)) == 1


def test_attach_to_entry_without_file_fills_metadata_and_index(library, tmp_path):
    pid = library.add_paper(title="A Study of Attention")
    pdf = make_pdf(tmp_path / "paper.pdf", ["Attention weights come from a softmax over keys."],
                   title="A Study of Attention")
    events = []
    library.add_listener(lambda kind, p: events.append((kind, p)))
    out = attach_file(library, pid, pdf)
    assert out.status == "attached" and out.reanchored == 0 and out.unanchored == []
    p = library.get_paper(pid)
    assert p.path == str(pdf.absolute()) and p.pages == 1
    assert p.authors  # filled from the PDF (the entry had none)
    assert ("paper", pid) in events
    assert any(h.paper_id == pid and h.page == 0 for h in library.search("softmax"))


def test_attach_another_copy_reanchors_highlights(library, tmp_path):
    text = "The encoder maps the input sentence to a sequence of annotations."
    old = make_pdf(tmp_path / "old.pdf", [text], title="Alignment Models")
    [res] = import_paths(library, [old], workers=1)
    import pymupdf
    with pymupdf.open(old) as doc:
        quads = [[q.ul.x, q.ul.y, q.ur.x, q.ur.y, q.ll.x, q.ll.y, q.lr.x, q.lr.y]
                 for q in doc[0].search_for("sequence of annotations", quads=True)]
    hid = library.add_highlight(Highlight(None, res.paper_id, 0, quads, "sequence of annotations", comment="key"))
    old.unlink()
    # another copy: a cover page in front, so the quote moves to page 2
    new = make_pdf(tmp_path / "new.pdf", ["Cover page of the repository copy.", text], title="Alignment Models")
    assert check_file_for_paper(library, res.paper_id, new).kind == "different"
    out = attach_file(library, res.paper_id, new)
    assert out.status == "attached" and out.reanchored == 1 and out.unanchored == []
    h = library.get_highlight(hid)
    assert h.page == 1 and h.comment == "key"
    assert library.get_paper(res.paper_id).path == str(new.absolute())


def test_refused_files_change_nothing(library, tmp_path):
    a = make_pdf(tmp_path / "a.pdf", ["First paper body."], title="First Paper Title")
    b = make_pdf(tmp_path / "b.pdf", ["Second paper body."], title="Second Paper Title")
    ra, rb = import_paths(library, [a, b], workers=1)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf" * 50)
    assert check_file_for_paper(library, ra.paper_id, junk).kind == "bad"
    with pytest.raises(InvalidValue, match="not a PDF"):
        attach_file(library, ra.paper_id, junk)
    copy = tmp_path / "copy-of-b.pdf"
    shutil.copy(b, copy)
    chk = check_file_for_paper(library, ra.paper_id, copy)
    assert chk.kind == "other-paper" and chk.other_paper == rb.paper_id
    with pytest.raises(InvalidValue, match="Second Paper Title"):
        attach_file(library, ra.paper_id, copy)
    assert [r["path"] for r in library.files_of(ra.paper_id)] == [str(a)]
