"""ReaderTab on the real corpus: reading, highlights with undo, notes with autosave and a safe preview,
links, find, bad files (moved, damaged, password, no PDF), state, threads."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import hashlib
import http.server
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from readerapp.core.models import Highlight
from readerapp.ui.highlights_panel import COLORS
from readerapp.ui.note_editor import HIGHLIGHT_MIME
from readerapp.ui.reader_tab import SIDE_HIGHLIGHTS, SIDE_NOTE, SIDE_OUTLINE, ReaderTab
from tests.conftest import paper_id_for
from tests.pdfgen import make_encrypted_pdf, make_pdf
from conftest import save_screenshot

pytestmark = [pytest.mark.gui,
              # offscreen QPA: a top-level test window whose minimum size changes
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
DROPOUT = "srivastava-dropout.pdf"


def _shot(widget, name: str) -> None:
    for _ in range(3):  # let pending layout requests run, as the event loop would before a repaint
        QApplication.processEvents()
    save_screenshot(widget, f"reader_{name}")  # a temporary folder (conftest.SCREENSHOTS)


def _our_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("readerapp-") and t.is_alive()}


@pytest.fixture
def make_tab(qtbot):
    tabs: list[ReaderTab] = []

    def make(lib, paper_id: int, size=(1300, 900)) -> ReaderTab:
        tab = ReaderTab(lib, paper_id)
        qtbot.addWidget(tab)
        tab.resize(*size)
        tab.show()
        qtbot.waitExposed(tab)
        if tab.view is not None:
            qtbot.waitUntil(tab.view.visible_tiles_ready, timeout=8000)
        tabs.append(tab)
        return tab

    yield make
    for t in tabs:
        t.shutdown()


@pytest.fixture
def dropout_tab(corpus_library, make_tab):
    return make_tab(corpus_library, paper_id_for(corpus_library, DROPOUT))


def _word_rect(page: int, text: str, below: float = -1.0, name: str = DROPOUT) -> pymupdf.Rect:
    with pymupdf.open(CORPUS / name) as d:
        hits = [h for h in d[page].search_for(text) if h.y0 > below]
    assert hits, text
    return hits[0]


def _select(qtbot, tab: ReaderTab, page: int, text: str) -> tuple:
    """Drag over `text` on `page` like a user; returns the view's selection."""
    v = tab.view
    r = _word_rect(page, text)
    v.go_to(page, max(0.0, r.y0 - 100), record=False)
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    a = v._to_view(page, r.x0 + 0.5, (r.y0 + r.y1) / 2).toPoint()
    b = v._to_view(page, r.x1 - 0.5, (r.y0 + r.y1) / 2).toPoint()
    vp = v.viewport()
    qtbot.mouseMove(vp, a)
    qtbot.waitUntil(lambda: v.is_text_loaded(page), timeout=5000)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(vp, QPoint((a.x() + b.x()) // 2, a.y()))
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=b)
    qtbot.waitUntil(lambda: v.selected_text() == text, timeout=3000)
    return v.selection()


def _type_text(widget, text: str) -> None:
    """Type non-Latin text (QTest cannot): one key event carrying the text, like an input method."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, text))


def _drag(qtbot, tab, page, a, b):
    v = tab.view
    pa, pb = v._to_view(page, *a).toPoint(), v._to_view(page, *b).toPoint()
    qtbot.mousePress(v.viewport(), Qt.MouseButton.LeftButton, pos=pa)
    qtbot.mouseMove(v.viewport(), QPoint((pa.x() + pb.x()) // 2, (pa.y() + pb.y()) // 2))
    qtbot.mouseMove(v.viewport(), pb)
    qtbot.mouseRelease(v.viewport(), Qt.MouseButton.LeftButton, pos=pb)


# ---------------------------------------------------------------- reading
def test_open_scroll_zoom_outline_and_toolbar(qtbot, dropout_tab, corpus_library):
    tab = dropout_tab
    v = tab.view
    assert tab.state_name == "pdf" and v.page_count() == 30
    assert tab.title().startswith("Dropout: A Simple Way to Prevent Neural Networks")
    assert tab.page_edit.text() == "1" and tab.page_total.text().strip() == "/ 30"
    assert tab.zoom_box.currentText().endswith("%") and tab.act_fit_width.isChecked()
    # outline: the PDF's table of contents; a click jumps
    from PySide6.QtWidgets import QTreeWidgetItemIterator
    items = []
    it = QTreeWidgetItemIterator(tab.outline_tree)
    while it.value():
        items.append(it.value())
        it += 1
    assert items[0].text(0) == "Introduction" and len(items) == len(v.outline()) > 20
    assert [i.text(0) for i in items] == [t for _l, t, _p in v.outline()]  # same order, nested by level
    item = next(i for i in items if i.data(0, Qt.ItemDataRole.UserRole) >= 5)
    tab._outline_clicked(item)
    page = item.data(0, Qt.ItemDataRole.UserRole)
    target = next(t for t in v.outline_targets() if t[1] == item.text(0) and t[2] == page)
    assert target[3] is not None  # the heading's point, near the top of the view (issue 14)
    assert 0 <= v._to_view(page, 0, target[3]).y() <= 60
    # page box: type a page and Enter
    tab.page_edit.setFocus()
    tab.page_edit.selectAll()
    qtbot.keyClicks(tab.page_edit, "12")
    qtbot.keyClick(tab.page_edit, Qt.Key.Key_Return)
    assert v.current_page() == 11
    # the page box follows scrolling by keys (PdfView keys still work inside the tab)
    v.setFocus()
    qtbot.keyClick(v, Qt.Key.Key_End)
    assert tab.page_edit.text() == "30"
    qtbot.keyClick(v, Qt.Key.Key_Home)
    assert tab.page_edit.text() == "1"
    # zoom: buttons and typed percentage; fit page / fit width toggles
    z0 = v.zoom()
    tab.act_zoom_in.trigger()
    assert v.zoom() > z0 and not tab.act_fit_width.isChecked()
    assert tab.zoom_box.currentText() == f"{round(v.zoom() * 100)}%"
    tab.zoom_box.setEditText("150%")
    tab._zoom_entered(tab.zoom_box.currentText())
    assert v.zoom() == pytest.approx(1.5)
    tab.act_fit_page.trigger()
    assert v.zoom_mode() == "fit_page" and tab.act_fit_page.isChecked() and not tab.act_fit_width.isChecked()
    tab.act_fit_width.trigger()
    assert v.zoom_mode() == "fit_width"
    # a hidden tab (another one in front) gives its tile memory back; shown again, it renders
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    assert v.cache_bytes() > 0
    tab.hide()
    assert v.cache_bytes() == 0
    tab.show()
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    assert v.cache_bytes() > 0
    tab.act_night.trigger()
    assert v.night_mode()
    tab.act_night.trigger()
    assert not v.night_mode()
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    _shot(tab, "01_reading")


def test_highlight_kinds_comment_undo_redo_delete(qtbot, dropout_tab, corpus_library):
    tab, v, lib = dropout_tab, dropout_tab.view, corpus_library
    pid = tab.paper_id
    words = ["Deep neural nets", "serious problem", "Dropout is a technique", "large number of parameters", "thinned"]
    # keys 1..5: each colour
    for n, w in enumerate(words, 1):
        _select(qtbot, tab, 0, w)
        v.setFocus()
        qtbot.keyClick(v, getattr(Qt.Key, f"Key_{n}"))
        assert v.selection() is None  # the selection became a highlight
    hs = lib.highlights(pid)
    assert [(h.text, h.color, h.kind, h.page) for h in sorted(hs, key=lambda h: h.id)] == \
        [(w, COLORS[n][0], "highlight", 0) for n, w in enumerate(words)]
    # quads are the words' places on the page
    r = _word_rect(0, "Deep neural nets")
    first = min(hs, key=lambda h: h.id)
    assert first.quads[0][0] == pytest.approx(r.x0, abs=1.0) and first.quads[0][1] == pytest.approx(r.y0, abs=3)
    # right-click on a selection: highlight / underline / copy
    _select(qtbot, tab, 0, "Large networks")
    r = _word_rect(0, "Large networks")
    texts = [a.text() for a in tab.page_menu(v._to_view(0, r.x0 + 3, (r.y0 + r.y1) / 2).toPoint()).actions()]
    assert "Highlight in red\t2" in texts and "Underline\tU" in texts and "Copy" in texts
    v.clear_selection()
    # underline with U (current colour: the last one used)
    _select(qtbot, tab, 1, "posterior probability")
    qtbot.keyClick(v, Qt.Key.Key_U)
    under = max(lib.highlights(pid), key=lambda h: h.id)
    assert (under.kind, under.text, under.page, under.color) == ("underline", "posterior probability", 1, COLORS[4][0])
    # area tool: drag a rectangle
    tab.act_area.trigger()
    assert v.tool() == "area"
    v.go_to(2, 0, record=False)
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    _drag(qtbot, tab, 2, (100, 150), (400, 330))
    area = max(lib.highlights(pid), key=lambda h: h.id)
    assert area.kind == "area" and area.page == 2
    assert area.quads[0] == pytest.approx([100, 150, 400, 150, 100, 330, 400, 330], abs=1.5)
    tab.act_area.trigger()
    assert v.tool() == "select"
    assert tab.highlights.count() == 7 and tab.side.tabText(SIDE_HIGHLIGHTS) == "Highlights (7)"
    # drawn in the view from the stored quads
    assert len(v._highlights) == 7
    # comment and colour change, then undo/redo them
    assert tab.set_highlight_comment(first.id, "the main claim")
    assert lib.get_highlight(first.id).comment == "the main claim"
    assert tab.set_highlight_color(first.id, COLORS[3][0])
    v.setFocus()
    qtbot.keyClick(v, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lib.get_highlight(first.id).color == COLORS[0][0]
    qtbot.keyClick(v, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lib.get_highlight(first.id).comment == ""
    qtbot.keyClick(v, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert lib.get_highlight(first.id).comment == "the main claim"
    # keys 1-5 in the list recolour the selected highlight (undoable like the menu)
    tab.highlights.select_id(first.id)
    tab.highlights.setFocus()
    qtbot.keyClick(tab.highlights, Qt.Key.Key_3)
    assert lib.get_highlight(first.id).color == COLORS[2][0]
    qtbot.keyClick(tab.highlights, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lib.get_highlight(first.id).color == COLORS[0][0]
    # delete from the list with the Delete key; undo brings it back with its id and data
    tab.highlights.select_id(first.id)
    tab.highlights.setFocus()
    qtbot.keyClick(tab.highlights, Qt.Key.Key_Delete)
    assert first.id not in {h.id for h in lib.highlights(pid)} and tab.highlights.count() == 6
    qtbot.keyClick(tab.highlights, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    back = lib.get_highlight(first.id)
    assert (back.text, back.comment, back.quads) == ("Deep neural nets", "the main claim", first.quads)
    # undo of a create deletes it; redo re-creates it with the same id
    while tab.undo_stack.canUndo() and any(h.kind == "area" for h in lib.highlights(pid)):
        tab.undo_stack.undo()
    assert not any(h.kind == "area" for h in lib.highlights(pid))
    tab.undo_stack.redo()
    assert lib.get_highlight(area.id).kind == "area"
    # clicking a highlight in the page selects it in the list; Delete removes it
    tab.side.setCurrentIndex(SIDE_HIGHLIGHTS)
    under_bb = under.quads[0]
    v.go_to(1, max(0, under_bb[1] - 100), record=False)
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    p = v._to_view(1, (under_bb[0] + under_bb[2]) / 2, (under_bb[1] + under_bb[5]) / 2).toPoint()
    # right-click on it: the highlight's menu
    menu = tab.page_menu(p)
    assert menu is not None and "Send to Method" in [a.text() for a in menu.actions()]
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=p)
    assert tab.highlights.current_id() == under.id
    qtbot.keyClick(v, Qt.Key.Key_Delete)
    assert under.id not in {h.id for h in lib.highlights(pid)}
    # the list: click jumps and flashes
    tab.highlights.select_id(first.id)
    v.go_to(20, record=False)
    it = tab.highlights.item_for(first.id)
    qtbot.mouseClick(tab.highlights.viewport(), Qt.MouseButton.LeftButton,
                     pos=tab.highlights.visualItemRect(it).center())
    assert v.current_page() == 0 and v._flash is not None
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    _shot(tab, "02_highlights")
    tab.side.setCurrentIndex(SIDE_HIGHLIGHTS)
    _shot(tab.side, "03_highlights_list")


def test_send_to_method_and_drop_on_results(qtbot, dropout_tab, corpus_library):
    tab, lib = dropout_tab, corpus_library
    _select(qtbot, tab, 0, "Dropout is a technique")
    hid = tab.highlight_selection(COLORS[2][0])
    lib.save_note(tab.paper_id, method="We read this first.")  # an existing paragraph (the event reloads it)
    qtbot.waitUntil(lambda: tab.note.edits["method"].toPlainText() == "We read this first.", timeout=2000)
    menu = tab.highlights.build_menu(hid)
    send = next(a for a in menu.actions() if a.text() == "Send to Method")
    side_before = tab.side.currentIndex()
    send.trigger()
    expected = "We read this first.\n\n> Dropout is a technique (p. 1)\n"
    assert tab.note.edits["method"].toPlainText() == expected
    assert lib.get_note(tab.paper_id).method == expected  # saved at once, no waiting
    assert tab.side.currentIndex() == side_before  # issue 14: the side panel stays where the user is
    # drag from the list onto the Results field
    it = tab.highlights.item_for(hid)
    mime = tab.highlights.mimeData([it])
    assert mime.text() == "> Dropout is a technique (p. 1)" and mime.hasFormat(HIGHLIGHT_MIME)
    edit = tab.note.edits["results"]
    pos = QPointF(edit.viewport().rect().center())
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent
    QApplication.sendEvent(edit.viewport(), QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                                                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    QApplication.sendEvent(edit.viewport(), QDragMoveEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                                                           Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    QApplication.sendEvent(edit.viewport(), drop)
    assert edit.toPlainText().strip() == "> Dropout is a technique (p. 1)"
    qtbot.waitUntil(lambda: lib.get_note(tab.paper_id).results.strip() == "> Dropout is a technique (p. 1)",
                    timeout=1500)


def test_note_autosave_fields_and_flush(qtbot, dropout_tab, corpus_library):
    tab, lib = dropout_tab, corpus_library
    pid = tab.paper_id
    tab.side.setCurrentIndex(SIDE_NOTE)
    ed = tab.note.edits["problem"]
    ed.setFocus()
    qtbot.keyClicks(ed, "Large nets overfit; ensembles are too slow.")
    t0 = time.monotonic()
    # committed to the library file (checked from a separate connection) within ~1 s of the last key
    db = lib.lib_path

    def on_disk() -> str:
        with sqlite3.connect(db) as c:
            row = c.execute("SELECT problem FROM notes WHERE paper_id = ?", (pid,)).fetchone()
        return row[0] if row else ""
    # (debounce 500 ms; 1.5 s leaves room for a loaded 2-core CI box)
    qtbot.waitUntil(lambda: on_disk() == "Large nets overfit; ensembles are too slow.", timeout=1500)
    assert time.monotonic() - t0 < 1.5
    assert tab.note.save_label.text() == "All changes saved"
    # reading fields
    tab.note.fields["summary"].setFocus()
    _type_text(tab.note.fields["summary"], "随机丢弃神经元以防止过拟合")  # as an input method commits it
    qtbot.keyClicks(tab.note.fields["model_name"], "MNIST, CIFAR-10")
    qtbot.keyClicks(tab.note.fields["code_url"], "https://github.com/example/dropout")
    tab.note.tags_edit.setFocus()
    qtbot.keyClicks(tab.note.tags_edit, "regularization, ")
    _type_text(tab.note.tags_edit, "正则化")
    tab.note.status_combo.setCurrentIndex(tab.note.status_combo.findData("reading"))
    qtbot.waitUntil(lambda: not tab.note.is_dirty(), timeout=1500)
    p = lib.get_paper(pid)
    assert (p.summary, p.model_name, p.code_url, p.status) == (
        "随机丢弃神经元以防止过拟合", "MNIST, CIFAR-10", "https://github.com/example/dropout", "reading")
    assert sorted(p.tags) == sorted(["regularization", "正则化"])
    # a pause after a space does not eat the space (the library strips stored values)
    venue = tab.note.fields["venue"]
    venue.setFocus()
    venue.selectAll()
    qtbot.keyClicks(venue, "NeurIPS ")
    qtbot.waitUntil(lambda: not tab.note.is_dirty(), timeout=1500)
    assert lib.get_paper(pid).venue == "NeurIPS"
    qtbot.wait(50)  # the library's change event arrives
    qtbot.keyClicks(venue, "2014")
    assert venue.text() == "NeurIPS 2014"
    # focus-out saves at once (no waiting for the timer)
    ed2 = tab.note.edits["notes"]
    ed2.setFocus()
    qtbot.keyClicks(ed2, "Try it on transformers.")
    tab.note.fields["venue"].setFocus()
    assert lib.get_note(pid).notes == "Try it on transformers."
    # typed just before the tab closes: shutdown saves it
    ed.setFocus()
    qtbot.keyClicks(ed, " More.")
    tab.shutdown()
    assert lib.get_note(pid).problem.endswith("too slow. More.")


def test_markdown_preview_renders_and_fetches_nothing(qtbot, dropout_tab, corpus_library):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    try:
        url = f"http://127.0.0.1:{srv.server_port}"
        tab = dropout_tab
        tab.side.setCurrentIndex(SIDE_NOTE)
        ed = tab.note.edits["method"]
        md = (f"## Idea\n\nRandomly **drop** units with p = 0.5.\n\n- train thinned nets\n- average at test\n\n"
              f"![fig]({url}/fig.png) <img src=\"{url}/raw.png\"> <script>alert(1)</script>\n\n"
              f"> quoted (p. 2)\n\n[paper]({url}/link)\n\n`code`")
        ed.setPlainText(md)
        prev = tab.note.previews["method"]
        qtbot.waitUntil(lambda: "Idea" in prev.toPlainText(), timeout=2000)
        text = prev.toPlainText()
        assert "##" not in text and "**" not in text and "drop" in text
        html = prev.toHtml()
        assert "font-weight:700" in html or "font-weight:600" in html  # heading / bold rendered
        assert "<img" not in html.lower()
        assert "[fig]" in text                       # the image is shown as its alt text
        assert "<script>alert(1)</script>" in text   # raw HTML shown as text, not run or rendered
        # links are neither followed nor opened; nothing was even asked for; a resource is refused
        assert not prev.openLinks() and not prev.openExternalLinks()
        qtbot.waitUntil(prev.isVisible, timeout=1000)
        qtbot.wait(200)  # time for any (wrong) fetch to reach the server
        assert hits == [] and prev.refused == []
        from PySide6.QtCore import QUrl
        assert prev.loadResource(2, QUrl(f"{url}/x.png")) is None
        assert hits == [] and prev.refused == [f"{url}/x.png"]
        tab.note.edits["problem"].setPlainText("Overfitting in **large** networks.")
        qtbot.waitUntil(lambda: not tab.note.is_dirty(), timeout=1500)
        tab.note.ensureWidgetVisible(tab.note.previews["method"])
        _shot(tab.side, "04_note_preview")
        _shot(tab, "05_note_tab")
    finally:
        srv.shutdown()
        srv.server_close()


# ---------------------------------------------------------------- links and find
@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support propagateSizeHints")
def test_follow_link_and_come_back(qtbot, dropout_tab):
    tab, v = dropout_tab, dropout_tab.view
    qtbot.waitUntil(lambda: v.links(0) is not None, timeout=5000)
    ln = next(ln for ln in v.links(0) if "target" in ln and ln["target"][0] == 28)
    x0, y0, x1, y1 = ln["rect"]
    v.go_to(0, y0 - 200, record=False)
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    start = v.verticalScrollBar().value()
    msgs = []
    tab.statusMessage.connect(msgs.append)
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton,
                     pos=v._to_view(0, (x0 + x1) / 2, (y0 + y1) / 2).toPoint())
    assert v.current_page() == 28 and tab.page_edit.text() == "29"
    assert any("page 29" in m for m in msgs)
    tab.act_back.trigger()
    assert v.verticalScrollBar().value() == start and tab.page_edit.text() == "1"
    tab.act_forward.trigger()
    assert v.current_page() == 28


def test_find_in_document(qtbot, dropout_tab):
    tab, v = dropout_tab, dropout_tab.view
    v.setFocus()
    tab.act_find.trigger()
    assert tab.find_edit.hasFocus() or QApplication.focusWidget() is tab.find_edit
    n = tab.find("dropout")
    with pymupdf.open(CORPUS / DROPOUT) as d:
        expected = sum(len(p.search_for("dropout")) for p in d)
    assert n == expected > 50
    assert tab.find_label.text() == f"1 / {n}"
    tab.find_next()
    assert tab.find_label.text() == f"2 / {n}"
    qtbot.keyClick(tab.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert tab.find_label.text() == f"1 / {n}"
    tab.find_previous()
    assert tab.find_label.text() == f"{n} / {n}" and v.current_page() >= 25
    # typing in the box searches by itself
    tab.find_edit.clear()
    tab.find_edit.setFocus()
    qtbot.keyClicks(tab.find_edit, "zzqxnotthere")
    qtbot.waitUntil(lambda: tab.find_label.text() == "No hits", timeout=5000)
    qtbot.keyClick(tab.find_edit, Qt.Key.Key_Escape)
    assert tab.find_edit.text() == "" and v.find_hits() == {}
    tab.find("Hinton")
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    _shot(tab, "06_find")


# ---------------------------------------------------------------- bad input
def _add_file_paper(lib, path: Path, title: str, sha: str | None = None) -> int:
    pid = lib.add_paper(title=title)
    data = path.read_bytes() if path.is_file() else b""
    lib.add_file(pid, sha256=sha or hashlib.sha256(data).hexdigest(), path=str(path), size=len(data), pages=1)
    return pid


def test_moved_file_shows_locate_and_relinks(qtbot, library, make_tab, tmp_path):
    src = CORPUS / "goodfellow-gan.pdf"
    gone = tmp_path / "old place" / "gan.pdf"
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    pid = _add_file_paper(library, gone, "Generative Adversarial Nets", sha)
    library.add_highlight(Highlight(None, pid, 1, [[72, 100, 300, 100, 72, 112, 300, 112]], "adversarial", comment="c"))
    tab = make_tab(library, pid)
    assert tab.view is None and tab.state_name == "moved"
    assert tab.message.headline_text() == f"The file was moved or deleted: {gone}"
    assert tab.message.button_texts() == ["Locate…"]
    assert not tab.toolbar.isVisible() and tab.highlights.count() == 1  # highlights still listed
    tab.note.edits["notes"].setPlainText("still editable")
    assert tab.note.flush() and library.get_note(pid).notes == "still editable"
    _shot(tab, "07_moved")
    # the user picks the file in its new place: same bytes -> re-linked, the PDF opens
    new = tmp_path / "new place" / "GAN.pdf"
    new.parent.mkdir()
    shutil.copy(src, new)
    tab.use_file(str(new))
    qtbot.waitUntil(lambda: tab.state_name == "pdf", timeout=10000)
    assert library.get_paper(pid).path == str(new) and tab.view.page_count() == 9
    assert len(tab.view._highlights) == 1


def test_locate_other_copy_asks_then_attaches(qtbot, library, make_tab, tmp_path):
    pid = _add_file_paper(library, tmp_path / "gone.pdf", "Show and Tell", "0" * 64)
    tab = make_tab(library, pid)
    asked = []
    other = tmp_path / "copy.pdf"
    shutil.copy(CORPUS / "vinyals-show-and-tell.pdf", other)
    tab.use_file(str(other), confirm=lambda p: asked.append(p) or False)  # the user says no
    qtbot.waitUntil(lambda: tab.state_name == "moved", timeout=10000)
    assert asked == [str(other)] and library.get_paper(pid).path == str(tmp_path / "gone.pdf")
    tab.use_file(str(other), confirm=lambda p: True)
    qtbot.waitUntil(lambda: tab.state_name == "pdf", timeout=30000)
    assert library.get_paper(pid).path == str(other.absolute()) and tab.view.page_count() == 9
    # a file that is no PDF is refused with a clear line, the tab stays as it was
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"nope" * 100)
    msgs = []
    tab.statusMessage.connect(msgs.append)
    tab.use_file(str(junk), confirm=lambda p: True)
    qtbot.waitUntil(lambda: tab.state_name == "pdf" and not tab.attach_busy(), timeout=10000)
    qtbot.waitUntil(lambda: any("not a PDF" in m for m in msgs), timeout=3000)
    assert library.get_paper(pid).path == str(other.absolute())


def test_paper_without_pdf_then_attach(qtbot, library, make_tab, tmp_path):
    pid = library.add_paper(title="Attention Is All You Need", authors=["Ashish Vaswani", "Noam Shazeer"],
                            year=2017, venue="NeurIPS 2017", arxiv_id="1706.03762")
    tab = make_tab(library, pid)
    assert tab.view is None and tab.state_name == "no-pdf"
    assert tab.message.headline_text() == "Attention Is All You Need"
    assert "Ashish Vaswani" in tab.message.detail_text() and "1706.03762" in tab.message.detail_text()
    assert tab.message.button_texts() == ["Attach PDF…"]
    assert tab.side.currentIndex() == SIDE_NOTE and not tab.toolbar.isVisible()
    tab.note.edits["problem"].setPlainText("Recurrence is slow to train.")
    qtbot.waitUntil(lambda: library.get_note(pid).problem == "Recurrence is slow to train.", timeout=1500)
    tab.go_to(3, (0, 0, 10, 10))  # None-safe
    assert tab.state()["side_tab"] == SIDE_NOTE and "page" not in tab.state()
    _shot(tab, "08_no_pdf")
    # "Attach PDF…": the file is read in a worker, then the tab shows it; the note stays
    pdf = make_pdf(tmp_path / "attention.pdf", ["Scaled dot-product attention and multi-head attention."],
                   title="Attention Is All You Need")
    tab.use_file(str(pdf), confirm_different=False)
    assert tab.state_name == "attaching" and tab.message.progress.isVisibleTo(tab.message)
    qtbot.waitUntil(lambda: tab.state_name == "pdf", timeout=30000)
    assert tab.view.page_count() == 1 and tab.toolbar.isVisibleTo(tab)
    assert library.get_paper(pid).path == str(pdf.absolute())
    assert library.get_note(pid).problem == "Recurrence is slow to train."


def test_damaged_and_password_pdfs(qtbot, library, make_tab, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 200)
    pid = _add_file_paper(library, bad, "Broken")
    tab = make_tab(library, pid)
    assert tab.view is None and tab.state_name == "error"
    assert tab.message.headline_text() == "This PDF cannot be opened"
    assert "broken.pdf" in tab.message.detail_text()
    assert tab.message.button_texts() == ["Try again", "Choose another file…"]
    _shot(tab, "09_damaged")
    enc = make_encrypted_pdf(tmp_path / "locked.pdf", "pw")
    pid2 = _add_file_paper(library, enc, "Locked")
    tab2 = make_tab(library, pid2)
    assert tab2.state_name == "password" and tab2.message.button_texts() == ["Enter password…"]
    assert tab.state_name == "error"  # the other tab is untouched
    tab2.open_with_password("wrong")
    assert tab2.state_name == "password" and tab2.message.headline_text() == "Wrong password"
    _shot(tab2, "10_password")
    tab2.open_with_password("pw")
    assert tab2.state_name == "pdf" and tab2.view.page_count() == 1


# ---------------------------------------------------------------- state, threads
def test_state_round_trip(qtbot, corpus_library, make_tab):
    pid = paper_id_for(corpus_library, DROPOUT)
    tab = make_tab(corpus_library, pid)
    tab.view.set_zoom(1.25)
    tab.view.go_to(7, 300)
    tab.side.setCurrentIndex(SIDE_NOTE)
    tab.splitter.setSizes([800, 500])
    tab.act_night.trigger()
    st = tab.state()
    import json
    st = json.loads(json.dumps(st))  # JSON-able
    assert st["page"] == 7 and st["zoom"] == pytest.approx(1.25) and st["zoom_mode"] == "custom"
    tab.shutdown()
    tab2 = make_tab(corpus_library, pid)
    tab2.restore_state(st)
    assert tab2.view.current_page() == 7 and tab2.view.zoom() == pytest.approx(1.25)
    assert tab2.zoom_box.currentText() == "125%" and tab2.page_edit.text() == "8"
    assert tab2.side.currentIndex() == SIDE_NOTE and tab2.view.night_mode() and tab2.act_night.isChecked()
    assert abs(tab2.state()["y"] - st["y"]) < 0.01
    assert tab2.splitter.sizes() == st["splitter"]
    # restored before the tab is shown or laid out (as a main window restoring its session does)
    tab3 = ReaderTab(corpus_library, pid)
    qtbot.addWidget(tab3)
    tab3.restore_state(st)
    tab3.resize(1300, 900)
    tab3.show()
    qtbot.waitExposed(tab3)
    qtbot.waitUntil(tab3.view.visible_tiles_ready, timeout=5000)
    assert tab3.view.current_page() == 7 and tab3.view.zoom() == pytest.approx(1.25)
    assert tab3.side.currentIndex() == SIDE_NOTE
    tab3.shutdown()
    tab2.restore_state({"page": "x", "splitter": "nope", "side_tab": 99})  # junk from settings: ignored
    tab2.restore_state(None)
    assert tab2.view.current_page() == 7


def test_no_thread_left_after_close(qtbot, corpus_library, make_tab):
    before = _our_threads()
    tab = make_tab(corpus_library, paper_id_for(corpus_library, "kingma-adam.pdf"))
    tab.find("gradient")
    tab.view.go_to(5)
    qtbot.waitUntil(tab.view.visible_tiles_ready, timeout=5000)
    view = tab.view
    pool = view._r.pool
    assert pool.worker_pids()  # pages rendered in the worker processes (shared by all tabs, not threads)
    tab.note.edits["notes"].setPlainText("x")
    tab.shutdown()
    tab.shutdown()  # twice is fine
    tab.close()
    assert not (_our_threads() - before)
    assert pool.pending(view) == 0  # nothing of the closed tab is left queued for the workers
    from PySide6.QtCore import QThread
    assert not [t for t in tab.findChildren(QThread) if t.isRunning()]
    assert corpus_library.get_note(tab.paper_id).notes == "x"
    # the tab no longer listens to the library
    corpus_library.save_note(tab.paper_id, notes="y")
    QApplication.processEvents()
    assert tab.note.edits["notes"].toPlainText() == "x"


def test_refused_save_keeps_text_and_rescues_it_on_close(qtbot, library, make_tab, monkeypatch, tmp_path):
    from readerapp.core.errors import LibraryError

    pid = library.add_paper(title="Full Disk Paper")
    tab = make_tab(library, pid)

    def full(*a, **k):
        raise LibraryError("the disk holding the library is full: the change was not saved")
    monkeypatch.setattr(library, "save_note", full)
    ed = tab.note.edits["method"]
    ed.setPlainText("precious idea")
    assert not tab.note.flush()
    assert "disk" in tab.note.save_label.text() and ed.toPlainText() == "precious idea"
    msgs = []
    tab.statusMessage.connect(msgs.append)
    tab.shutdown()
    rescued = [m for m in msgs if "written to" in m]
    assert rescued, msgs
    path = Path(rescued[0].rsplit(" ", 1)[1])
    assert "precious idea" in path.read_text(encoding="utf-8")
    path.unlink()


def test_pages_panel_shows_thumbnails_and_navigates(qtbot, dropout_tab, library, make_tab, tmp_path):
    """The side panel's Pages tab: one thumbnail per page from the render workers; a click shows
    that page. A tab without a PDF (a moved file) has no Pages tab."""
    from readerapp.ui.reader_states import SIDE_PAGES

    tab = dropout_tab
    assert tab.side.isTabVisible(SIDE_PAGES) and tab.side.tabText(SIDE_PAGES) == "Pages"
    tab.side.setCurrentIndex(SIDE_PAGES)
    thumbs = tab.thumbnails
    assert thumbs is not None and thumbs.count() == 30
    qtbot.waitUntil(lambda: thumbs.thumbnail_loaded(0) and thumbs.thumbnail_loaded(1), timeout=15000)
    _shot(tab, "09_pages_panel")
    # one centred column: each page's cell spans the panel, its picture in the middle
    vw = thumbs.viewport().width()
    for i in (0, 1):
        cell = thumbs.visualItemRect(thumbs.item(i))
        assert cell.width() >= vw - 12 and abs(cell.center().x() - vw / 2) <= 6, (cell, vw)
    assert thumbs.visualItemRect(thumbs.item(1)).top() >= thumbs.visualItemRect(thumbs.item(0)).bottom()
    thumbs.scrollToItem(thumbs.item(12))
    qtbot.waitUntil(lambda: thumbs.thumbnail_loaded(12), timeout=15000)
    qtbot.mouseClick(thumbs.viewport(), Qt.MouseButton.LeftButton, pos=thumbs.visualItemRect(thumbs.item(12)).center())
    qtbot.waitUntil(lambda: tab.view.current_page() == 12, timeout=5000)
    assert tab.page_edit.text() == "13"
    # no PDF, no pages
    pid = _add_file_paper(library, tmp_path / "gone.pdf", "A paper whose file is gone")
    moved = make_tab(library, pid)
    assert moved.view is None and moved.thumbnails is None and not moved.side.isTabVisible(SIDE_PAGES)


def test_opening_a_paper_leaves_the_note_editor_and_the_outline_for_later(qtbot, corpus_library):
    """A tab shows its PDF first: the note editor is built when its tab is shown (or a quote is
    sent to it), the outline on the next event-loop turn or when its tab is shown; a note typed
    after that is saved when the tab closes, and one never opened is left alone."""
    lib = corpus_library
    pid = paper_id_for(lib, DROPOUT)
    lib.save_note(pid, problem="stored problem")
    tab = ReaderTab(lib, pid)
    qtbot.addWidget(tab)
    assert tab.state_name == "pdf" and tab._note is None  # noqa: SLF001 (what is built, not what shows)
    assert tab.outline_tree.topLevelItemCount() == 0  # not read yet
    tab.side.setCurrentIndex(SIDE_OUTLINE)  # shown before the next turn: filled at once
    assert tab.outline_tree.topLevelItem(0).text(0) == "Introduction"
    tab.side.setCurrentIndex(SIDE_NOTE)
    assert tab._note is not None and tab.note.edits["problem"].toPlainText() == "stored problem"
    assert tab.state()["note_preview"] is True
    tab.note.edits["problem"].setPlainText("typed, then the tab closed")
    tab.shutdown()
    assert lib.get_note(pid).problem == "typed, then the tab closed"
    # a tab never showing its note: the outline comes on the next turn, closing saves nothing
    other = ReaderTab(lib, pid)
    qtbot.addWidget(other)
    other.restore_state({"note_preview": False})
    qtbot.waitUntil(lambda: other.outline_tree.topLevelItemCount() > 0, timeout=2000)
    assert other._note is None and other.state()["note_preview"] is False
    other.shutdown()
    assert other._note is None and lib.get_note(pid).problem == "typed, then the tab closed"
    other.side.setCurrentIndex(SIDE_NOTE)  # closed: nothing is built any more
    assert other._note is None
