"""A keyword hit opens at its words, not at the page top: core.passage.locate gives page-level hits the
box of their first marked words (in the search worker), and a click centres it at the reader's zoom with
the hit's page in the counter. Screenshot in a temporary folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import pymupdf
import pytest
from PySide6.QtCore import Qt

from readerapp.core import passage
from readerapp.core.search import keyword_search
from readerapp.ui.search_panel import HIT_ROLE
from tests.gui.shots import shot

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks"),
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def test_locate_finds_the_marked_words_on_the_page(corpus_library):
    hits = keyword_search(corpus_library, '"internal covariate shift"', limit=10)
    assert hits and all(h.bbox is None for h in hits)
    assert passage.locate(corpus_library, hits) >= 1
    h = next(h for h in hits if h.bbox)
    path = corpus_library.get_paper(h.paper_id).path
    with pymupdf.open(path) as doc:
        words = doc[h.page].get_text("text", clip=pymupdf.Rect(h.bbox)).lower()
    assert "internal" in words or "covariate" in words or "shift" in words
    assert passage.marked_terms("a <mark>b&amp;c</mark> <mark>x</mark> <mark>b&amp;c</mark>") == ["b&c"]


def test_a_keyword_hit_opens_centred_on_its_words(qtbot, corpus_library, new_window):
    w = new_window(corpus_library)
    w.install_semantic_search(start_embedding=False)
    w.act_search.trigger()
    panel = w.search_panel
    panel.set_mode("keyword")
    panel.query.setText("co-adaptation")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.results.topLevelItemCount() > 0, timeout=20_000)
    panel.wait_idle()
    shot(w, "search-overlay-keyword-results")
    group = panel.results.topLevelItem(0)
    hit = next(group.child(i) for i in range(group.childCount())
               if group.child(i).data(0, HIT_ROLE) and group.child(i).data(0, HIT_ROLE)[1] > 0
               and group.child(i).data(0, HIT_ROLE)[2])
    pid, page0, bbox = hit.data(0, HIT_ROLE)
    panel._activate(hit)
    tab = w.current_reader()
    assert tab is not None and tab.paper_id == pid
    qtbot.waitUntil(lambda: tab.view is not None and tab.view.visible_tiles_ready(), timeout=10_000)
    v = tab.view
    assert v.current_page() == page0 and tab.page_edit.text() == str(page0 + 1)
    centre = v._to_view(page0, (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    sb = v.verticalScrollBar()
    assert 0 <= centre.y() <= v.viewport().height()
    if 0 < sb.value() < sb.maximum():
        assert abs(centre.y() - v.viewport().height() / 2) <= 2
    shot(w, "search-keyword-hit-centred")
