"""Editing title, authors, year, venue, ids and URLs in the window: inline in the library table
and in the reader's side panel, with undo; a field set by hand stays protected from re-extraction.
Screenshots of the states go to a temporary folder (tests/gui/shots.py)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from readerapp.ui.reader_states import SIDE_NOTE
from readerapp.ui.main_window import MainWindow
from tests.gui.shots import shot

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks"),
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def _paper_id(lib, filename: str) -> int:
    return next(r["paper_id"] for r in lib.all_files() if Path(r["path"]).name == filename)


@pytest.fixture
def window(corpus_library, new_window):
    return new_window(corpus_library, size=(1200, 800))


def _cell(w, pid: int, column: str):
    row = w.model.row_of(pid)
    return w.proxy.mapFromSource(w.model.index(row, w.model.COLUMNS.index(column)))


def _edit_inline(qtbot, w, pid: int, column: str, text: str) -> None:
    idx = _cell(w, pid, column)
    w.table.setCurrentIndex(idx)
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_F2)  # the table's edit key
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.parent() is not None, editor
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits in a queued call
    qtbot.waitUntil(lambda: w.table.state() != w.table.State.EditingState, timeout=2000)


def test_inline_edit_in_the_table_with_undo_and_protection(qtbot, window, corpus_library):
    w, lib = window, corpus_library
    pid = _paper_id(lib, "goodfellow-gan.pdf")
    old_title = lib.get_paper(pid).title
    _edit_inline(qtbot, w, pid, "title", "Generative Adversarial Networks (fixed)")
    assert lib.get_paper(pid).title == "Generative Adversarial Networks (fixed)"
    assert "title" in lib.get_paper(pid).user_fields
    assert _cell(w, pid, "title").data() == "Generative Adversarial Networks (fixed)"  # shown at once
    _edit_inline(qtbot, w, pid, "authors", "Ian Goodfellow; Yoshua Bengio")
    _edit_inline(qtbot, w, pid, "year", "2014")
    p = lib.get_paper(pid)
    assert (p.authors, p.year) == (["Ian Goodfellow", "Yoshua Bengio"], 2014)
    # the hidden columns (arXiv id, DOI, URL, code URL) are editable once shown
    w.table.setColumnHidden(w.model.COLUMNS.index("doi"), False)
    _edit_inline(qtbot, w, pid, "doi", "10.5555/2969033.2969125")
    assert lib.get_paper(pid).doi == "10.5555/2969033.2969125"
    shot(w, "metadata-table-edited")
    # a refused value: one line, the stored year stays
    _edit_inline(qtbot, w, pid, "year", "soon")
    assert lib.get_paper(pid).year == 2014
    qtbot.waitUntil(lambda: getattr(w, "last_error_box", None) is not None, timeout=2000)  # opened after the editor closed
    assert "Year not saved" in w.last_error_box.text() and "whole number" in w.last_error_box.text()
    w.last_error_box.close()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    # re-extraction leaves fields set by hand alone
    lib.apply_extracted_metadata(pid, {"title": "Wrong Title From The PDF", "year": 1999}, overwrite=True)
    assert (lib.get_paper(pid).title, lib.get_paper(pid).year) == ("Generative Adversarial Networks (fixed)", 2014)
    # Ctrl+Z in the table undoes the edits one by one (newest first), Ctrl+Shift+Z redoes
    w.table.setFocus()
    assert w.act_undo_meta.text().lower().startswith("undo edit doi")
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lib.get_paper(pid).doi is None
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lib.get_paper(pid).year is None
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lib.get_paper(pid).title == old_title
    qtbot.waitUntil(lambda: _cell(w, pid, "title").data() == old_title, timeout=2000)
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert lib.get_paper(pid).title == "Generative Adversarial Networks (fixed)"
    # double-click still opens the paper (editing is F2 or a click on the selected cell)
    assert not (w.model.flags(w.model.index(0, w.model.COLUMNS.index("status"))) & Qt.ItemFlag.ItemIsEditable)


def test_side_panel_details_edit_with_undo(qtbot, window, corpus_library):
    w, lib = window, corpus_library
    pid = _paper_id(lib, "goodfellow-gan.pdf")
    tab = w.open_paper(pid)
    qtbot.waitUntil(lambda: w.current_reader() is not None, timeout=5000)
    tab = w.current_reader()
    tab.side.setCurrentIndex(SIDE_NOTE)
    form = tab.note.details
    qtbot.mouseClick(form.toggle, Qt.MouseButton.LeftButton)
    assert form.body.isVisible()
    assert form.edits["title"].text() == lib.get_paper(pid).title
    for name, text in (("title", "GAN, fixed in the side panel"), ("authors", "Ian J. Goodfellow; Aaron Courville"),
                       ("year", "2014"), ("arxiv_id", "1406.2661"), ("url", "https://arxiv.org/abs/1406.2661")):
        e = form.edits[name]
        e.setFocus()
        e.selectAll()
        qtbot.keyClicks(e, text)
        qtbot.keyClick(e, Qt.Key.Key_Return)
    p = lib.get_paper(pid)
    assert (p.title, p.authors, p.year, p.arxiv_id, p.url) == (
        "GAN, fixed in the side panel", ["Ian J. Goodfellow", "Aaron Courville"], 2014, "1406.2661",
        "https://arxiv.org/abs/1406.2661")
    assert {"title", "authors", "year", "arxiv_id", "url"} <= set(p.user_fields)
    qtbot.waitUntil(lambda: tab.note.title_label.text() == "GAN, fixed in the side panel", timeout=2000)
    # the library table shows the new title too
    qtbot.waitUntil(lambda: _cell(w, pid, "title").data() == "GAN, fixed in the side panel", timeout=3000)
    # a bad year: the typed text stays in the field, a red line says why, nothing is written
    e = form.edits["year"]
    e.setFocus()
    e.selectAll()
    qtbot.keyClicks(e, "20x4")
    qtbot.keyClick(e, Qt.Key.Key_Return)
    assert e.text() == "20x4" and lib.get_paper(pid).year == 2014
    assert form.error_label.isVisible() and "whole number" in form.error_label.text()
    shot(tab, "metadata-side-panel-details")
    e.setText("2014")
    e.setModified(True)
    assert form.commit("year")
    # the venue (autosaved in the note's form) is undoable through the same stack
    venue = tab.note.fields["venue"]
    venue.setFocus()
    qtbot.keyClicks(venue, "NeurIPS 2014")
    qtbot.waitUntil(lambda: lib.get_paper(pid).venue == "NeurIPS 2014", timeout=3000)
    # Ctrl+Z with the focus in the form (not in a line edit, which keeps its own undo)
    form.toggle.setFocus()
    qtbot.keyClick(form.toggle, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lib.get_paper(pid).venue in (None, "")
    qtbot.keyClick(form.toggle, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lib.get_paper(pid).url is None
    qtbot.waitUntil(lambda: form.edits["url"].text() == "", timeout=2000)
    qtbot.keyClick(form.toggle, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert lib.get_paper(pid).url == "https://arxiv.org/abs/1406.2661"


def test_a_table_layout_saved_with_fewer_columns_keeps_the_new_columns_hidden(qtbot, corpus_library):
    """A window.ini from before the arXiv/DOI/URL/code columns: they stay hidden, the old widths come back."""
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from readerapp.core.paths import user_config_dir
    from readerapp.ui.main_window import WINDOW_SETTINGS_FILE

    old = QTableView()
    qtbot.addWidget(old)
    old.setModel(QStandardItemModel(1, 6, old))
    old.setColumnWidth(1, 333)
    path = user_config_dir() / WINDOW_SETTINGS_FILE
    path.unlink(missing_ok=True)
    s = QSettings(str(path), QSettings.Format.IniFormat)
    s.setValue("header", old.horizontalHeader().saveState())
    s.sync()
    w = MainWindow(corpus_library, url_opener=lambda url: None)
    qtbot.addWidget(w)
    assert [w.table.isColumnHidden(c) for c in w.model.OPTIONAL_COLUMNS] == [True] * 4
    assert w.table.columnWidth(1) == 333
    path.unlink(missing_ok=True)
