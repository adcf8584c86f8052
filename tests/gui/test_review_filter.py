"""The "Needs review" item of the library sidebar lists papers with doubtful
metadata; correcting the field takes the paper off the list."""

from __future__ import annotations

import pytest

from readerapp.core.paths import user_config_dir
from readerapp.ui.main_window import WINDOW_SETTINGS_FILE, MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks"),
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def test_needs_review_filter_shows_flagged_papers_until_fixed(qtbot, library):
    (user_config_dir() / WINDOW_SETTINGS_FILE).unlink(missing_ok=True)
    ok = library.add_paper(title="Adam: A Method for Stochastic Optimization", year=2015)
    doubtful = library.add_paper(title="Untitled — Deep Nets", year=None)
    library.set_review(doubtful, "title", "no title found, and the file name is not one")
    w = MainWindow(library, url_opener=lambda url: None)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    item = w.sidebar.review_item
    assert item.text(0) == "Needs review (1)"
    w.sidebar.setCurrentItem(item)
    qtbot.waitUntil(lambda: w.proxy.rowCount() == 1)
    shown = w.model.paper_at(w.proxy.mapToSource(w.proxy.index(0, 0)).row())
    assert shown.id == doubtful and shown.id != ok
    library.set_field(doubtful, "title", "Deep Nets for Everyone")
    qtbot.waitUntil(lambda: w.proxy.rowCount() == 0, timeout=5000)
    qtbot.waitUntil(lambda: w.sidebar.review_item.text(0) == "Needs review (0)", timeout=5000)
