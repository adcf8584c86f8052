"""The small items of issue 14: no "Preparing semantic search: 0 of 1" on an empty library or stale
progress text; Ctrl+, opens Settings (X11 has no standard Preferences key) and the menu shows it; Send to
Problem leaves the side panel where it was; the comment dialog wraps; Settings names the library really
in use under $READERAPP_LIBRARY. Screenshots in a temporary folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from readerapp.core.models import Highlight
from tests.gui.shots import shot

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks"),
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.mark.semantic  # the real background run loads the embedding model
def test_no_stale_or_empty_embedding_progress(qtbot, library, new_window):
    w = new_window(library)
    w.install_semantic_search(start_embedding=False)
    shown: list[str] = []
    w.statusBar().messageChanged.connect(lambda m: shown.append(m) if m else None)
    # the real background run on an empty library: nothing to prepare, nothing said
    with qtbot.waitSignal(w.embedding.finished, timeout=60_000, raising=False):
        w.embedding.start()
    qtbot.wait(50)
    assert not w.embed_label.isVisible()
    assert not [m for m in shown if "Preparing semantic search" in m], shown
    # a short run (one changed note) does not flash "0 of 1"
    w._embedding_progress("queue", 0, 1)
    assert not w.embed_label.isVisible()
    # a run that lasts shows its progress, and the line goes away when it ends
    w._embed_started = time.monotonic() - 2
    w._embedding_progress("queue", 3, 40)
    assert w.embed_label.isVisible() and w.embed_label.text() == "Preparing semantic search: 3 of 40"
    shot(w.statusBar(), "embedding-progress")
    w.embedding.finished.emit(None)
    assert not w.embed_label.isVisible() and not w.embed_label.text()
    w._embedding_progress("queue", 40, 40)
    assert not w.embed_label.isVisible()


def test_ctrl_comma_opens_settings_and_the_menu_shows_it(qtbot, library, new_window):
    w = new_window(library)
    assert w.act_settings.shortcut().toString() == "Ctrl+,"
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=3000)
    qtbot.keyClick(w, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    from readerapp.ui.settings_dialog import SettingsDialog

    qtbot.waitUntil(lambda: any(isinstance(x, SettingsDialog) and x.isVisible()
                                for x in QApplication.topLevelWidgets()), timeout=3000)
    dialog = next(x for x in QApplication.topLevelWidgets() if isinstance(x, SettingsDialog))
    dialog.reject()
    w.file_menu.adjustSize()
    shot(w.file_menu, "file-menu-settings-shortcut")  # the menu as it draws itself: "Settings…  Ctrl+,"


def test_settings_names_the_library_in_use_under_READERAPP_LIBRARY(qtbot, tmp_path, monkeypatch):
    from readerapp.core.paths import default_library_dir
    from readerapp.core.settings import Settings
    from readerapp.ui.settings_dialog import SettingsDialog

    real = tmp_path / "env-library"
    monkeypatch.setenv("READERAPP_LIBRARY", str(real))
    d = SettingsDialog(Settings(), current_library=real)
    qtbot.addWidget(d)
    d.show()
    assert d.library_in_use.isVisible()
    assert str(real) in d.library_in_use.text() and "$READERAPP_LIBRARY" in d.library_in_use.text()
    assert str(default_library_dir()) in d.library.placeholderText()
    shot(d, "settings-library-in-use")
    # on the folder the settings name, nothing extra is said
    monkeypatch.delenv("READERAPP_LIBRARY")
    d2 = SettingsDialog(Settings(), current_library=default_library_dir())
    qtbot.addWidget(d2)
    assert not d2.library_in_use.text()


def _pid(lib, name: str) -> int:
    return next(r["paper_id"] for r in lib.all_files() if Path(r["path"]).name == name)


def test_send_to_problem_stays_on_the_highlights_and_the_comment_dialog_wraps(qtbot, corpus_library, new_window,
                                                                               monkeypatch):
    from readerapp.ui import comment_dialog
    from readerapp.ui.reader_tab import SIDE_HIGHLIGHTS

    lib = corpus_library
    pid = _pid(lib, "goodfellow-gan.pdf")
    hid = lib.add_highlight(Highlight(id=0, paper_id=pid, page=0, quads=[[72, 100, 300, 100, 72, 112, 300, 112]],
                                      text="a generative model G that captures the data distribution",
                                      color="#ffd400", kind="highlight"))
    w = new_window(lib)
    tab = w.open_paper(pid)
    tab.side.setCurrentIndex(SIDE_HIGHLIGHTS)
    tab.send_to_note(hid, "problem")
    assert tab.side.currentIndex() == SIDE_HIGHLIGHTS
    assert "captures the data distribution" in lib.get_note(pid).problem
    # the comment dialog wraps a long comment at its width
    long = ("This is the central idea of the paper and it is worth a long comment that runs well past the "
            "width of the dialog, so it has to wrap instead of scrolling sideways out of sight.")
    seen = {}

    def fake_exec(self):
        self.show()
        qtbot.waitExposed(self)
        self.edit.setPlainText(long)
        layout = self.edit.document().firstBlock().layout()
        seen["lines"] = layout.lineCount()
        seen["hscroll"] = self.edit.horizontalScrollBar().maximum()
        shot(self, "comment-dialog-wraps")
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(comment_dialog.CommentDialog, "exec", fake_exec)
    tab.edit_comment_dialog(hid)
    assert seen["lines"] >= 2 and seen["hscroll"] == 0, seen
    assert lib.get_highlight(hid).comment == long


def test_view_menu_sets_two_pages_side_by_side_kept_per_paper(qtbot, corpus_library, new_window):
    """View > Two Pages Side by Side: disabled on the library tab, shows the current paper in
    pairs of pages, is kept with that paper's view (closed and opened again), and follows the
    tab shown (another paper stays one page per row)."""
    lib = corpus_library
    w = new_window(lib)
    act = w.act_facing
    assert act in w.view_menu.actions()
    w.show_library()
    assert not act.isEnabled()
    pid, other = _pid(lib, "srivastava-dropout.pdf"), _pid(lib, "goodfellow-gan.pdf")
    tab = w.open_paper(pid)
    qtbot.waitUntil(tab.view.visible_tiles_ready, timeout=8000)
    assert act.isEnabled() and not act.isChecked()
    act.trigger()
    assert tab.view.page_layout() == "facing" and act.isChecked()
    qtbot.waitUntil(tab.view.visible_tiles_ready, timeout=8000)
    r0, r1 = tab.view._layout.page_rect(0), tab.view._layout.page_rect(1)
    assert r0[1] == r1[1] and r1[0] > r0[0] + r0[2] - 1  # pages 1 and 2 in one row
    shot(w, "view-two-pages-side-by-side")
    second = w.open_paper(other)
    assert second.view.page_layout() == "single" and not act.isChecked()
    w.tabs.setCurrentWidget(tab)
    assert act.isChecked()
    w.close_tab(w.tabs.indexOf(tab))
    again = w.open_paper(pid)
    assert again.view.page_layout() == "facing" and act.isChecked()
    act.trigger()
    assert again.view.page_layout() == "single" and not act.isChecked()
