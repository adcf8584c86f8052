"""The derived index (index.sqlite3) can be lost: nothing a user made is in it
alone, and `readerapp reindex` brings search back."""

from __future__ import annotations

import subprocess
import sys

from conftest import paper_id_for
from readerapp.core import db
from readerapp.core.library import Library
from readerapp.core.models import Highlight
from reliability_helpers import integrity_ok, user_data


def _cli(folder, *args):
    return subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), *args],
                          capture_output=True, text=True, timeout=300)


def _delete_index(folder) -> None:
    for suffix in ("", "-wal", "-shm"):
        (folder / (db.INDEX_FILE + suffix)).unlink(missing_ok=True)


def test_deleting_the_index_loses_nothing_and_reindex_brings_search_back(corpus_library):
    lib = corpus_library
    folder = lib.folder
    adam = paper_id_for(lib, "kingma-adam.pdf")
    bn = paper_id_for(lib, "ioffe-batch-norm.pdf")
    lib.delete_paper(paper_id_for(lib, "scanned-lisp2-gc.pdf"))  # its OCR takes 8 s; OCR is tested elsewhere
    lib.update_paper(adam, title="Adam (my corrected title)")
    lib.save_note(adam, problem="学习率调节", method="bias-corrected moment estimates")
    lib.add_highlight(Highlight(None, bn, 1, [[72, 100, 300, 100, 72, 112, 300, 112]], "internal covariate shift",
                                comment="the key claim"))
    lib.set_tags(bn, ["normalization", "必读"])
    lib.assign_section(bn, lib.ensure_section_path(["CV", "经典模型"]))
    listed = lib.add_paper(title="A paper from a list, no PDF yet", year=2024)
    lib.save_note(listed, notes="to read")
    made = user_data(lib)
    searches = {
        "adaptive moment estimation": adam,  # page text
        "学习率调节": adam,  # a note, in Chinese
        '"the key claim"': bn,  # a highlight's comment
        "必读": bn,  # a tag
        "paper from a list": listed,  # a paper without a file
    }
    for query, pid in searches.items():
        assert pid in [h.paper_id for h in lib.search(query, limit=5)], query
    lib.close()

    _delete_index(folder)
    with Library(folder) as lib:  # opens fine with an empty index, everything the user made is there
        assert user_data(lib) == made
        assert lib.search("adaptive moment estimation") == []
    r = _cli(folder, "reindex")
    assert r.returncode == 0, r.stderr
    assert integrity_ok(folder)
    with Library(folder) as lib:
        assert user_data(lib) == made
        assert lib.get_paper(adam).title == "Adam (my corrected title)"  # not overwritten by extraction
        for query, pid in searches.items():
            assert pid in [h.paper_id for h in lib.search(query, limit=5)], query
        assert lib.unindexed_papers() == []

    # `reindex --missing` repairs only what is missing (here: everything)
    _delete_index(folder)
    r = _cli(folder, "reindex", "--missing")
    assert r.returncode == 0 and "re-indexed" in r.stdout, r.stderr
    with Library(folder) as lib:
        for query, pid in searches.items():
            assert pid in [h.paper_id for h in lib.search(query, limit=5)], query
