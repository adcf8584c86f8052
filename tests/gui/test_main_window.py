"""MainWindow on an empty and on the corpus library: table, filter as you type,
sections and tags, drag-and-drop import, reader tabs, session restore,
Chinese UI, settings dialog. Screenshots go to a temporary folder (conftest.SCREENSHOTS)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from readerapp.core.settings import Settings, load_settings
from readerapp.ui.library_view import PAPER_IDS_MIME
from readerapp.ui.main_window import SESSION_KEY, MainWindow
from conftest import save_screenshot

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks"),
              # the offscreen platform says so for any QMainWindow with docks: harmless
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

REPO = Path(__file__).resolve().parents[2]


def _shot(widget, name: str) -> None:
    save_screenshot(widget, name)  # a temporary folder (conftest.SCREENSHOTS), never the source tree


def paper_id_for(lib, filename: str) -> int:
    for row in lib.all_files():
        if Path(row["path"]).name == filename:
            return row["paper_id"]
    raise KeyError(filename)


@pytest.fixture
def make_window(qtbot):
    """make(library, lang="en"): a shown MainWindow with the app's translation for `lang`."""
    from readerapp.core.paths import user_config_dir
    from readerapp.ui.i18n import install_translation, remove_translation
    from readerapp.ui.main_window import WINDOW_SETTINGS_FILE

    # each test starts without the window layout an earlier test saved
    (user_config_dir() / WINDOW_SETTINGS_FILE).unlink(missing_ok=True)
    opened: list[str] = []

    def make(lib, lang: str = "en", size: tuple | None = (1200, 800)) -> MainWindow:
        assert install_translation(lang) == lang
        w = MainWindow(lib, url_opener=lambda url: opened.append(url.toLocalFile()))
        w.opened_urls = opened
        qtbot.addWidget(w)  # closed (session saved, background work stopped) after the test
        if size:
            w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        return w

    yield make
    remove_translation()


def _drop(qtbot, target, mime: QMimeData, pos: QPoint) -> QDropEvent:
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction | Qt.DropAction.LinkAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction | Qt.DropAction.LinkAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return drop


# ---------------------------------------------------------------------------- library pane
def test_empty_library_shows_how_to_start(qtbot, library, make_window):
    w = make_window(library)
    assert w.model.rowCount() == 0
    assert w.stack.currentWidget() is w.empty_label
    assert "0 paper" in w.count_label.text()
    assert str(library.folder) in w.path_label.text()
    assert [a.text() for a in w.menuBar().actions()] == ["&File", "&Edit", "&View", "&Go", "&Help"]
    _shot(w, "main-empty-library")


def test_corpus_table_sorts_and_filters_as_you_type(qtbot, corpus_library, make_window):
    lib = corpus_library
    w = make_window(lib)
    assert w.model.rowCount() == 12 and w.proxy.rowCount() == 12
    assert w.stack.currentWidget() is w.table
    assert "12 papers" in w.count_label.text()
    _shot(w, "main-corpus-library")

    dropout = paper_id_for(lib, "srivastava-dropout.pdf")
    adam = paper_id_for(lib, "kingma-adam.pdf")
    # sort by title (header click), both orders
    w.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    titles = [w.proxy.index(r, 0).data() for r in range(12)]
    assert titles == sorted(titles, key=lambda t: (t.casefold()))
    w.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    years = [w.proxy.index(r, 2).data() for r in range(12)]
    numeric = [int(y) for y in years if y]
    assert numeric == sorted(numeric, reverse=True)

    # filter as you type: each key press narrows the table at once
    qtbot.keyClicks(w.filter_edit, "dropo")
    assert w.visible_paper_ids() == [dropout]
    assert "1 shown" in w.count_label.text()
    _shot(w, "main-filtered")
    w.filter_edit.clear()
    assert w.proxy.rowCount() == 12
    # authors (case-insensitive), venue, two words in different fields, tags
    author = lib.get_paper(adam).authors[0].split()[-1]
    qtbot.keyClicks(w.filter_edit, author.upper())
    assert adam in w.visible_paper_ids()
    w.filter_edit.setText(lib.get_paper(adam).venue or "")
    assert adam in w.visible_paper_ids() and len(w.visible_paper_ids()) < 12
    lib.set_tags(adam, ["optimizers"])
    qtbot.waitUntil(lambda: "optimizers" in " ".join(w.model.haystacks), timeout=3000)
    w.filter_edit.setText(f"optimizer {author.lower()}")
    assert w.visible_paper_ids() == [adam]
    # narrowing while typing on, widening on backspace, words in any order: same rows as a plain match
    for text in ("n", "ne", "net", "netw", "net", "n", "n s", "n se", "se n", "", "2015", "2015 iclr"):
        w.filter_edit.setText(text)
        words = text.casefold().split()
        expected = {w.model.paper_ids()[i] for i, h in enumerate(w.model.haystacks) if all(x in h for x in words)}
        assert set(w.visible_paper_ids()) == expected, text
    # sorting while filtered keeps exactly the matching papers
    w.filter_edit.setText("neural")
    matching = set(w.visible_paper_ids())
    assert len(matching) >= 2
    for col in (0, 2, 1):
        w.table.sortByColumn(col, Qt.SortOrder.AscendingOrder)
        assert set(w.visible_paper_ids()) == matching and w.proxy.rowCount() == len(matching)
    w.filter_edit.setText("no such paper qqq")
    assert w.proxy.rowCount() == 0 and w.stack.currentWidget() is w.no_match_label
    w.filter_edit.clear()
    assert w.proxy.rowCount() == 12


def test_sections_and_tags_filter_and_drag_papers_onto_a_section(qtbot, corpus_library, make_window):
    lib = corpus_library
    w = make_window(lib)
    gan, seq = paper_id_for(lib, "goodfellow-gan.pdf"), paper_id_for(lib, "sutskever-seq2seq.pdf")
    nmt = paper_id_for(lib, "bahdanau-align-and-translate.pdf")
    top = w.sidebar.new_section(None, "Generative models")
    sub = w.sidebar.new_section(top, "Seq2seq")
    assert [s.name for s in lib.sections()] == ["Generative models"]
    assert [c.name for c in lib.sections()[0].children] == ["Seq2seq"]

    # drag two rows of the table onto the section in the tree
    mime = w.model.mimeData([w.model.index(w.model.row_of(gan), 0)])
    item = w.sidebar.find_item("section", top)
    pos = w.sidebar.visualItemRect(item).center()
    ev = _drop(qtbot, w.sidebar.viewport(), mime, pos)
    assert ev.isAccepted()
    mime = QMimeData()
    mime.setData(PAPER_IDS_MIME, QByteArray(json.dumps([seq, nmt]).encode()))
    ev = _drop(qtbot, w.sidebar.viewport(), mime, w.sidebar.visualItemRect(w.sidebar.find_item("section", sub)).center())
    assert ev.isAccepted()
    assert lib.sections_of(gan) == [top] and lib.sections_of(seq) == [sub] and lib.sections_of(nmt) == [sub]
    # a drop of papers outside any section does nothing
    ev = _drop(qtbot, w.sidebar.viewport(), mime, w.sidebar.visualItemRect(w.sidebar.all_item).center())
    assert not ev.isAccepted()

    # clicking a section shows its papers (a top-level section includes its subsections)
    w.sidebar.setCurrentItem(w.sidebar.find_item("section", top))
    assert sorted(w.visible_paper_ids()) == sorted([gan, seq, nmt])
    w.sidebar.setCurrentItem(w.sidebar.find_item("section", sub))
    assert sorted(w.visible_paper_ids()) == sorted([seq, nmt])
    # combined with the text filter
    w.filter_edit.setText("sequence")
    assert w.visible_paper_ids() == [seq]
    w.filter_edit.clear()

    # tags with counts; clicking a tag filters
    lib.set_tags(seq, ["rnn", "translation"])
    lib.set_tags(nmt, ["translation"])
    qtbot.waitUntil(lambda: w.sidebar.find_item("tag", "translation") is not None, timeout=3000)
    tag_item = w.sidebar.find_item("tag", "translation")
    assert tag_item.text(0) == "translation (2)"
    w.sidebar.setCurrentItem(tag_item)
    assert sorted(w.visible_paper_ids()) == sorted([seq, nmt])

    # rename and delete (the papers stay)
    w.sidebar.rename_section(sub, "Sequence models")
    assert lib.sections()[0].children[0].name == "Sequence models"
    w.sidebar.setCurrentItem(w.sidebar.find_item("section", sub))
    w.sidebar.delete_section(top, confirm=False)
    assert lib.sections() == [] and lib.count_papers() == 12
    assert w.sidebar.selection() == ("all", None) and w.proxy.rowCount() == 12
    # a bad name is refused with a message, nothing created
    assert w.sidebar.new_section(None, "   ") is None
    assert lib.sections() == []
    assert "name" in w.statusBar().currentMessage()


def test_context_menu_actions_status_delete_show_in_folder(qtbot, corpus_library, make_window):
    lib = corpus_library
    w = make_window(lib)
    gan = paper_id_for(lib, "goodfellow-gan.pdf")
    w.set_status([gan], "reading")
    assert lib.get_paper(gan).status == "reading"
    assert w.model.index(w.model.row_of(gan), 4).data() == "Reading"
    w.show_in_folder(gan)
    assert w.opened_urls == [str(Path(lib.get_paper(gan).path).parent)]
    w.open_paper(gan)
    assert w.delete_papers([gan], confirm=False)
    assert gan not in lib.all_paper_ids() and w.model.rowCount() == 11
    assert w.tab_index_of(gan) == -1


def test_context_menu_removes_papers_from_a_section(qtbot, corpus_library, make_window):
    lib = corpus_library
    gan = paper_id_for(lib, "goodfellow-gan.pdf")
    lib.set_field(gan, "section", "Generative/GANs")
    lib.set_field(gan, "section", "To present")
    w = make_window(lib)
    menu = w.table_menu([gan])
    (remove,) = [a.menu() for a in menu.actions() if a.text() == "&Remove from Section"]
    entries = {a.text(): a for a in remove.actions()}
    assert sorted(entries) == ["Generative / GANs", "To present"]
    entries["Generative / GANs"].trigger()
    menu.deleteLater()
    assert [lib.section_path(s) for s in lib.sections_of(gan)] == [["To present"]]
    assert gan in lib.all_paper_ids()


# ---------------------------------------------------------------------------- import
def test_drag_and_drop_of_pdfs_and_a_folder_imports_with_progress_and_summary(qtbot, library, make_window,
                                                                              corpus_dir, tmp_path):
    w = make_window(library)
    inbox = tmp_path / "inbox"
    (inbox / "more").mkdir(parents=True)
    shutil.copy(corpus_dir / "goodfellow-gan.pdf", inbox)
    shutil.copy(corpus_dir / "wang-shazam.pdf", inbox / "more")
    (inbox / "more" / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(inbox / "goodfellow-gan.pdf")), QUrl.fromLocalFile(str(inbox / "more")),
                  QUrl("https://example.org/x.pdf")])
    progress_seen = []
    w.progress.valueChanged.connect(lambda v: progress_seen.append((v, w.progress.maximum())))
    with qtbot.waitSignal(w.importFinished, timeout=120_000) as blocker:
        ev = _drop(qtbot, w, mime, QPoint(300, 300))
        assert ev.isAccepted()
        assert w.progress.isVisible() and w.cancel_button.isVisible()
    results = blocker.args[0]
    assert sorted(r.status for r in results) == ["failed", "imported", "imported"]
    assert progress_seen and progress_seen[-1] == (3, 3)
    assert not w.progress.isVisible() and not w.cancel_button.isVisible()
    assert w.model.rowCount() == 2 and library.count_papers() == 2
    dlg = w.import_summary
    assert dlg is not None and dlg.isVisible()
    assert dlg.counts["imported"] == 2 and dlg.counts["failed"] == 1
    lines = dlg.failed_lines()
    assert len(lines) == 1 and lines[0].startswith("broken.pdf: ") and len(lines[0]) > len("broken.pdf: ")
    _shot(dlg, "import-summary")
    _shot(w, "main-after-import")

    # the same files again: duplicates, nothing new
    with qtbot.waitSignal(w.importFinished, timeout=120_000) as blocker:
        _drop(qtbot, w, mime, QPoint(300, 300))
    assert sorted(r.status for r in blocker.args[0]) == ["duplicate", "duplicate", "failed"]
    assert w.import_summary.counts["duplicate"] == 2 and library.count_papers() == 2

    # things that are not PDFs or folders are refused at drag-enter
    junk = tmp_path / "notes.txt"
    junk.write_text("x")
    mime2 = QMimeData()
    mime2.setUrls([QUrl.fromLocalFile(str(junk))])
    assert not _drop(qtbot, w, mime2, QPoint(300, 300)).isAccepted()
    assert not w.import_running()


def test_open_pdf_imports_it_and_opens_it(qtbot, library, make_window, corpus_dir):
    w = make_window(library)
    with qtbot.waitSignal(w.importFinished, timeout=120_000):
        w.open_path(str(corpus_dir / "wang-shazam.pdf"))
    assert w.tabs.count() == 2 and w.current_reader() is not None
    pid = w.current_reader().paper_id
    w.close_tab(1)
    import threading

    import readerapp.core.importer as importer

    hashed_in = []
    real_sha = importer.sha256_file

    def sha(path):
        hashed_in.append(threading.current_thread())
        return real_sha(path)

    importer.sha256_file = sha
    try:
        job = w.open_path(str(corpus_dir / "wang-shazam.pdf"))  # already in the library: opened directly
        qtbot.waitUntil(lambda: not job.is_running(), timeout=10_000)
    finally:
        importer.sha256_file = real_sha
    # the file was hashed off the GUI thread
    assert hashed_in and all(t is not threading.main_thread() for t in hashed_in)
    assert w.current_reader().paper_id == pid and library.count_papers() == 1


# ---------------------------------------------------------------------------- tabs and session
def test_open_papers_in_tabs_focus_go_to_and_close(qtbot, corpus_library, make_window, tmp_path):
    lib = corpus_library
    w = make_window(lib)
    dropout, lampson = paper_id_for(lib, "srivastava-dropout.pdf"), paper_id_for(lib, "lampson-hints.pdf")
    # double-click a row
    idx = w.proxy.mapFromSource(w.model.index(w.model.row_of(dropout), 0))
    rect = w.table.visualRect(idx)
    qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(w.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.tabs.count() == 2 and w.current_reader().paper_id == dropout
    # Ctrl+F in the library focuses the filter
    w.show_library()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.filter_edit.hasFocus()
    # Enter on a row
    idx = w.proxy.mapFromSource(w.model.index(w.model.row_of(lampson), 0))
    sel = w.table.selectionModel()
    sel.setCurrentIndex(idx, sel.SelectionFlag.ClearAndSelect | sel.SelectionFlag.Rows)
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_Return)
    assert w.tabs.count() == 3 and w.current_reader().paper_id == lampson
    assert w.tabs.tabsClosable() and w.tabs.isMovable()
    # opening an open paper focuses its tab and goes to the page
    tab = w.open_paper(dropout, page0=12)
    assert w.tabs.count() == 3 and w.current_reader() is tab
    qtbot.waitUntil(lambda: tab.view.current_page() == 12, timeout=3000)
    qtbot.waitUntil(tab.view.visible_tiles_ready, timeout=5000)
    assert lib.get_paper(dropout).title[:20] in w.windowTitle()
    _shot(w, "main-paper-open")
    # Go back returns to where the reader was
    w.go_back()
    qtbot.waitUntil(lambda: tab.view.current_page() == 0, timeout=3000)
    # the library tab cannot be closed; reader tabs can
    w.close_tab(0)
    assert w.tabs.widget(0) is w.library_page
    w.close_tab(w.tab_index_of(lampson))
    assert w.tabs.count() == 2 and w.tab_index_of(lampson) == -1
    # a paper whose PDF is gone, or that has none, opens as a tab with a message, no crash
    # (never delete a corpus file: the library's paths point at the shared corpus)
    gone = lib.add_paper(title="Moved away")
    lib.add_file(gone, sha256="0" * 64, path=str(tmp_path / "moved-away.pdf"), size=1, pages=1)
    broken = w.open_paper(gone)
    assert broken.view is None and w.tabs.count() == 3
    no_pdf = w.open_paper(lib.add_paper(title="Only a list entry"))
    assert no_pdf.view is None and w.tabs.count() == 4


def test_tabs_page_and_zoom_are_restored_after_a_restart(qtbot, corpus_library, make_window):
    lib = corpus_library
    dropout, lampson = paper_id_for(lib, "srivastava-dropout.pdf"), paper_id_for(lib, "lampson-hints.pdf")
    w1 = make_window(lib)
    w1.resize(760, 540)  # inside the offscreen screen (800x600): restoreGeometry keeps a window on screen
    t1 = w1.open_paper(dropout)
    t1.view.set_zoom(1.5)
    t1.view.go_to(9)
    t2 = w1.open_paper(lampson)
    t2.view.go_to(4)
    w1.open_paper(dropout)  # current tab
    w1.sidebar_dock.hide()
    qtbot.waitUntil(lambda: t1.view.current_page() == 9, timeout=3000)
    w1.close()
    assert lib.get_setting(SESSION_KEY) == {"tabs": [dropout, lampson], "current": dropout}

    w2 = make_window(lib, size=None)  # geometry from the saved window state
    w2.restore_session()
    assert [t.paper_id for t in w2.reader_tabs()] == [dropout, lampson]
    assert w2.current_reader().paper_id == dropout
    r1 = w2.reader_tabs()[0]
    assert r1.view.zoom() == pytest.approx(1.5)
    qtbot.waitUntil(lambda: r1.view.current_page() == 9, timeout=3000)
    w2.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: w2.reader_tabs()[1].view.current_page() == 4, timeout=3000)
    assert (w2.size().width(), w2.size().height()) == (760, 540)
    assert not w2.sidebar_dock.isVisible()
    # a paper deleted in between is skipped
    w2.close()
    lib.delete_paper(lampson)
    w3 = make_window(lib)
    w3.restore_session()
    assert [t.paper_id for t in w3.reader_tabs()] == [dropout]


def test_night_mode_applies_to_open_and_new_tabs(qtbot, corpus_library, make_window):
    lib = corpus_library
    w = make_window(lib)
    t = w.open_paper(paper_id_for(lib, "goodfellow-gan.pdf"))
    w.act_night.trigger()
    assert w.night_mode() and t.view.night_mode()
    t2 = w.open_paper(paper_id_for(lib, "wang-shazam.pdf"))
    assert t2.view.night_mode()
    w.act_night.trigger()
    assert not t.view.night_mode() and not t2.view.night_mode()


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen QPA, showing a dialog
def test_ctrl_e_opens_the_export_dialog_on_this_library(qtbot, library, reference_lists, make_window):
    from readerapp.core.listimport import import_list
    from readerapp.ui.export_dialog import ExportDialog

    import_list(library, reference_lists / "dated-list.md")
    w = make_window(library)
    w.act_export.trigger()
    dialogs = [d for d in w.findChildren(ExportDialog) if d.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].library is library
    assert w.act_export.shortcut().toString() == "Ctrl+E"
    title = "Deep Visual-Semantic Alignments for Generating Image Descriptions"  # the list's first entry
    try:
        qtbot.waitUntil(lambda: title in dialogs[0].preview.toPlainText(), timeout=10_000)
    finally:
        dialogs[0].reject()


def test_search_panel_hook_opens_the_hit(qtbot, corpus_library, make_window):
    from PySide6.QtCore import Signal
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    class FakeSearchPanel(QWidget):  # the interface of readerapp.ui.search_panel.SearchPanel
        hitActivated = Signal(int, int, object)

        def __init__(self):
            super().__init__()
            self.query = QLineEdit(self)
            QVBoxLayout(self).addWidget(self.query)

        def focus_query(self):
            self.query.setFocus()

    lib = corpus_library
    w = make_window(lib)
    panel = FakeSearchPanel()
    dock = w.attach_search_panel(panel)
    dropout = paper_id_for(lib, "srivastava-dropout.pdf")
    panel.hitActivated.emit(dropout, 7, (72.0, 300.0, 400.0, 340.0))
    tab = w.current_reader()
    assert tab is not None and tab.paper_id == dropout
    qtbot.waitUntil(lambda: tab.view.current_page() == 7, timeout=3000)
    panel.hitActivated.emit(paper_id_for(lib, "kingma-adam.pdf"), -1, None)  # a paper-level hit
    assert w.current_reader().paper_id == paper_id_for(lib, "kingma-adam.pdf") and w.tabs.count() == 3
    dock.hide()
    w.act_search.trigger()
    assert dock.isVisible()


# ---------------------------------------------------------------------------- translations
def _cjk_font() -> None:
    """This test machine has no CJK font: give Qt the one PyMuPDF ships so the screenshot shows the glyphs."""
    import pymupdf
    from PySide6.QtGui import QFontDatabase

    if not any("Droid Sans Fallback" in f for f in QFontDatabase.families()):
        QFontDatabase.addApplicationFontFromData(QByteArray(pymupdf.Font("cjk").buffer))


def test_chinese_ui(qtbot, corpus_library, make_window):
    _cjk_font()
    w = make_window(corpus_library, "zh_CN")
    menus = [a.text() for a in w.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "视图(&V)", "转到(&G)", "帮助(&H)"]
    assert w.tabs.tabText(0) == "文献库"
    assert "12 篇论文" in w.count_label.text()
    # Qt's own strings (standard buttons) come from qtbase_zh_CN.qm
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    box.deleteLater()
    w.open_paper(paper_id_for(corpus_library, "goodfellow-gan.pdf"))
    w.show_library()
    _shot(w, "main-chinese")


def test_language_follows_setting_and_system_locale():
    from PySide6.QtCore import QLocale

    from readerapp.ui.i18n import resolve_language

    assert resolve_language("en", QLocale("zh_CN")) == "en"
    assert resolve_language("zh_CN", QLocale("en_US")) == "zh_CN"
    assert resolve_language("system", QLocale("zh_CN")) == "zh_CN"
    assert resolve_language("system", QLocale("zh_SG")) == "zh_CN"
    assert resolve_language("system", QLocale("zh_TW")) == "en"
    assert resolve_language("system", QLocale("de_DE")) == "en"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_committed_qm_is_compiled_from_the_ts(tmp_path, lang):
    ts = REPO / "resources" / "translations" / f"readerapp_{lang}.ts"
    qm = ts.with_suffix(".qm")
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    out = tmp_path / "check.qm"
    r = subprocess.run([str(lrelease), str(ts), "-qm", str(out)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert out.read_bytes() == qm.read_bytes(), "run packaging/update_translations.py and commit the .qm"
    text = ts.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text and "<translation></translation>" not in text


@pytest.mark.parametrize("lang,forms", [("zh_CN", 1), ("en", 2)])
def test_every_translation_message_is_finished(lang, forms):
    import re
    import xml.etree.ElementTree as ET

    ts = REPO / "resources" / "translations" / f"readerapp_{lang}.ts"
    bad = []
    messages = list(ET.parse(ts).getroot().iter("message"))
    assert messages
    for m in messages:
        src = m.findtext("source") or ""
        tr = m.find("translation")
        if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete"):
            if tr is None or tr.get("type") == "unfinished":
                bad.append(src)
            continue
        if m.get("numerus") == "yes":
            texts = [f.text or "" for f in tr.findall("numerusform")]
            if len(texts) != forms or not all(t.strip() and "%n" in t for t in texts):
                bad.append(src)
        elif lang != "en":
            text = tr.text or ""
            # Same placeholders as the source, each translated string non-empty.
            if not text.strip() or sorted(re.findall(r"%\d", text)) != sorted(re.findall(r"%\d", src)):
                bad.append(src)
    assert not bad, f"{len(bad)} unfinished or broken message(s) in {ts.name}: {bad[:5]}"


# ---------------------------------------------------------------------------- settings
def test_settings_dialog_validates_and_saves(qtbot, tmp_path):
    from readerapp.ui.settings_dialog import SettingsDialog
    from readerapp.ui.theme import apply_theme

    dlg = SettingsDialog(Settings())
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.model.setText("not a model!")
    dlg.accept()
    assert dlg.error.isVisible() and "not a model name" in dlg.error.text()
    assert dlg.result() == 0
    dlg.model.setText("/no/such/model/folder")
    dlg.accept()
    assert "does not exist" in dlg.error.text()
    dlg.model.setText("sentence-transformers/all-MiniLM-L6-v2")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    dlg.library.setText(str(a_file))
    dlg.accept()
    assert "is a file" in dlg.error.text()
    dlg.library.setText("relative/folder")
    dlg.accept()
    assert "absolute" in dlg.error.text()
    _shot(dlg, "settings-validation")
    assert not Path(os.environ["READERAPP_CONFIG_DIR"], "settings.json").exists() or \
        load_settings().embedding_model != "sentence-transformers/all-MiniLM-L6-v2"

    dlg.library.setText(str(tmp_path / "newlib"))
    dlg.language.setCurrentIndex(dlg.language.findData("zh_CN"))
    dlg.theme.setCurrentIndex(dlg.theme.findData("dark"))
    dlg.accept()
    assert dlg.result() == 1
    saved = load_settings()
    try:
        assert (saved.language, saved.theme, saved.embedding_model, saved.library_path) == \
            ("zh_CN", "dark", "sentence-transformers/all-MiniLM-L6-v2", str(tmp_path / "newlib"))
        assert dlg.changed == {"language", "theme", "embedding_model", "library_path"}
        # the dark theme is really applied
        apply_theme("dark")
        assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
        QApplication.processEvents()
        assert dlg.palette().color(QPalette.ColorRole.Window).lightness() < 80  # widgets follow
        assert not dlg.error.isVisible()
        _shot(dlg, "settings-dark-theme")
        apply_theme("light")
        assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 180
    finally:
        apply_theme("system")
        from readerapp.core.settings import save_settings

        save_settings(Settings())


@pytest.mark.semantic
def test_search_pane_is_installed_and_opens_hits(qtbot, embedded_corpus_library, make_window):
    from conftest import paper_id_for
    from readerapp.ui.search_panel import HIT_ROLE

    w = make_window(embedded_corpus_library)
    w.install_semantic_search(start_embedding=False)
    assert not w.search_dock.isVisible()
    w.act_search.trigger()  # Ctrl+K
    assert w.search_dock.isVisible() and w.act_search.shortcut().toString() == "Ctrl+K"
    panel = w.search_panel
    bn = paper_id_for(embedded_corpus_library, "ioffe-batch-norm.pdf")
    panel.query.setText("normalizing the inputs of each layer over a mini-batch")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.results.topLevelItemCount() > 0, timeout=60_000)
    panel.wait_idle()
    top = panel.results.topLevelItem(0)
    paper_id, page0, _bbox = top.child(0).data(0, HIT_ROLE)
    assert paper_id == bn
    panel.results.setCurrentItem(top.child(0))
    qtbot.keyClick(panel.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.current_reader() is not None and w.current_reader().paper_id == bn, timeout=10_000)
    assert w.current_reader().view.current_page() == page0  # the passage's page, centred in the view
    w.act_similar.trigger()  # papers like the open one
    qtbot.waitUntil(lambda: panel.results.topLevelItemCount() > 0
                    and bn not in [panel.results.topLevelItem(i).data(0, HIT_ROLE)[0]
                                   for i in range(panel.results.topLevelItemCount())], timeout=30_000)


# ---------------------------------------------------------------------------- quitting
def test_quit_with_embedding_and_maintenance_running_takes_at_most_1_s(qtbot, corpus_library, make_window,
                                                                        monkeypatch):
    """Closing the window cancels every background job and waits for them together at most
    1 s, even when a model load and the start-up maintenance cannot be interrupted."""
    import threading
    import time

    import readerapp.core.maintenance as maintenance
    import readerapp.core.semantic.model as model
    from readerapp.app import _start_maintenance

    release = threading.Event()
    entered = {"model": threading.Event(), "maintenance": threading.Event()}

    def slow_model(*_a, **_k):  # a model load does not look at any cancel flag
        entered["model"].set()
        release.wait(30)
        raise RuntimeError("model load interrupted by the test")

    def slow_startup(*_a, **_k):
        entered["maintenance"].set()
        release.wait(30)
        return maintenance.StartupReport()

    monkeypatch.setattr(model, "load_model", slow_model)
    monkeypatch.setattr(maintenance, "startup", slow_startup)
    w = make_window(corpus_library)
    try:
        w.install_semantic_search(start_embedding=False)
        w.embedding.start()
        job = _start_maintenance(corpus_library, w)
        assert entered["model"].wait(10) and entered["maintenance"].wait(10)
        assert w.embedding.is_running() and job.is_running()
        t0 = time.monotonic()
        w.close()
        elapsed = time.monotonic() - t0
        assert elapsed <= 1.0, f"quitting took {elapsed:.2f} s"
        assert job.cancelled()
    finally:
        release.set()
    from readerapp.ui.workers import wait_all

    assert wait_all(10)
