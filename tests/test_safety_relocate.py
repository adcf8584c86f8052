"""Issue 12, case 4: `relocate` takes another file for a missing paper only when its
text is the same document (never for a shared title), says why it refused one, and
a replacement can be undone: highlights go back to their original anchors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pymupdf

from readerapp.core.importer import import_paths
from readerapp.core.library import Library
from readerapp.core.models import Highlight
from readerapp.core.relocate import relocate
from test_reliability_files import BN_TITLE, _copy_with_cover_page, _real_highlight


def _cli(folder, *args):
    return subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), *args],
                          capture_output=True, text=True, timeout=180)


def _setup(tmp_path, corpus_dir):
    folder = tmp_path / "lib"
    original = tmp_path / "old" / "bn.pdf"
    original.parent.mkdir()
    shutil.copy(corpus_dir / "ioffe-batch-norm.pdf", original)
    with Library(folder) as lib:
        (r,) = import_paths(lib, [original])
        with pymupdf.open(original) as doc:
            text, quads = _real_highlight(doc, 2, 100, 12)
        hid = lib.add_highlight(Highlight(None, r.paper_id, 2, quads, text, comment="mine"))
        assert lib.get_paper(r.paper_id).title == BN_TITLE
    return folder, original, r.paper_id, hid, (2, quads, text)


def _decoy(path):
    """One page that carries the title and authors of the paper (as a reading-group handout would)."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_textbox(pymupdf.Rect(60, 80, 552, 260), BN_TITLE, fontsize=22, align=1)
    page.insert_textbox(pymupdf.Rect(60, 280, 552, 320), "Sergey Ioffe, Christian Szegedy", fontsize=12, align=1)
    page.insert_textbox(pymupdf.Rect(72, 360, 540, 720), "Reading group handout: questions for Thursday. "
                        "Why does the method help? What would you try next?", fontsize=11)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    doc.close()


def _anchor(lib, hid):
    h = lib.get_highlight(hid)
    return h.page, h.quads, h.text


def test_a_file_sharing_only_the_title_is_refused_with_the_reason(tmp_path, corpus_dir):
    folder, original, pid, hid, anchor = _setup(tmp_path, corpus_dir)
    kept = tmp_path / "kept.pdf"
    original.rename(kept)
    decoy_dir = tmp_path / "downloads"
    _decoy(decoy_dir / "bn-decoy.pdf")
    r = _cli(folder, "relocate", str(decoy_dir), "--json")
    assert r.returncode == 1, r.stderr  # still missing
    report = json.loads(r.stdout)
    assert report["replaced"] == [] and report["still_missing"] == [pid]
    (refused,) = report["refused"]
    assert refused[0] == pid and refused[1].endswith("bn-decoy.pdf") and "text matches" in refused[2]
    with Library(folder) as lib:
        assert _anchor(lib, hid) == anchor  # nothing moved
        assert [row["paper_id"] for row in lib.missing_files()] == [pid]
    # the real PDF put back is re-linked (not "a duplicate")
    shutil.copy(kept, decoy_dir / "the real one.pdf")
    with Library(folder) as lib:
        report = relocate(lib, decoy_dir)
        assert report.relinked == [(pid, str(decoy_dir / "the real one.pdf"))] and not report.still_missing
        assert _anchor(lib, hid) == anchor


def test_a_replacement_can_be_undone_with_the_original_anchors(tmp_path, corpus_dir):
    folder, original, pid, hid, anchor = _setup(tmp_path, corpus_dir)
    other = tmp_path / "publisher"
    other.mkdir()
    _copy_with_cover_page(original, other / "bn-publisher.pdf")
    kept = tmp_path / "kept.pdf"
    original.rename(kept)
    with Library(folder) as lib:
        report = relocate(lib, other)
        assert report.replaced == [(pid, str(other / "bn-publisher.pdf"))]
        moved = _anchor(lib, hid)
        assert moved[0] == anchor[0] + 1 and moved[2] == anchor[2]  # re-anchored one page later
    r = _cli(folder, "relocate", "--undo", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["papers"] == [pid]
    with Library(folder) as lib:
        assert _anchor(lib, hid) == anchor  # page, quads and text exactly as before
        assert lib.get_highlight(hid).comment == "mine"
        assert [row["paper_id"] for row in lib.missing_files()] == [pid]
        assert lib.file_by_sha(report_sha(other / "bn-publisher.pdf")) is None
    r = _cli(folder, "relocate", "--undo")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "nothing to undo" in r.stderr
    back = tmp_path / "back"
    back.mkdir()
    kept.rename(back / "bn.pdf")
    with Library(folder) as lib:
        assert relocate(lib, back).relinked == [(pid, str(back / "bn.pdf"))]


def report_sha(path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
