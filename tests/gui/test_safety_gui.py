"""Issue 12, cases 5 and 6 in the GUI: PDF and note-preview links under the link policy,
and a 7 MB note that opens without a GUI stall over 100 ms."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc
import time

import pymupdf
import pytest
from PySide6.QtCore import Qt, QTimer, QUrl

from readerapp.ui import heap, link_policy
from readerapp.ui.note_editor import PREVIEW_CAP, MarkdownPreview, NoteEditor
from readerapp.ui.pdf_view import PdfView

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks")]

LINKS = ["https://example.org/a", "smb://evil/share", "ms-msdt:/id PCWDiagnostic", "vscode://x/y",
         "javascript:alert(1)", "data:text/html,x", "ftp://example.org/f", "doi:10.1000/xyz", "mailto:a@b.c",
         "steam://run/1"]
OPENED = ["https://example.org/a", "https://doi.org/10.1000/xyz", "mailto:a@b.c"]


@pytest.fixture
def dialogs(monkeypatch):
    seen = {"ask": [], "tell": [], "answer": False}

    def ask(parent, url, reason):
        seen["ask"].append(url)
        return seen["answer"]

    monkeypatch.setattr(link_policy, "ask", ask)
    monkeypatch.setattr(link_policy, "tell", lambda parent, url, reason: seen["tell"].append(url))
    return seen


def _links_pdf(path):
    d = pymupdf.open()
    page = d.new_page()
    rects = []
    for i, uri in enumerate(LINKS):
        r = pymupdf.Rect(50, 50 + i * 40, 400, 80 + i * 40)
        page.insert_text((55, 70 + i * 40), uri)
        page.insert_link({"kind": pymupdf.LINK_URI, "from": r, "uri": uri})
        rects.append(r)
    d.save(path)
    return rects


def test_pdf_links_open_only_under_the_policy(qtbot, tmp_path, dialogs):
    """Case 5: smb:, ms-msdt:, vscode:, javascript:, data: and custom schemes never reach the opener."""
    rects = _links_pdf(tmp_path / "links.pdf")
    opened = []
    view = PdfView(url_opener=lambda url: opened.append(url.toString()))
    qtbot.addWidget(view)
    view.resize(900, 1000)
    view.show()
    qtbot.waitExposed(view)
    try:
        view.open(tmp_path / "links.pdf")
        qtbot.waitUntil(lambda: view.links(0) is not None, timeout=5000)
        for answer in (False, True):
            dialogs["answer"] = answer
            for r in rects:
                p = view._to_view(0, (r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2).toPoint()
                qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=p)
                qtbot.wait(20)
    finally:
        view.shutdown()
    # ftp: only when the user said yes (second round)
    assert opened == OPENED + [OPENED[0], "ftp://example.org/f", *OPENED[1:]]
    assert dialogs["ask"] == ["ftp://example.org/f"] * 2
    assert sorted(set(dialogs["tell"])) == sorted(u for u in LINKS if u.split(":")[0] in
                                                   ("smb", "ms-msdt", "vscode", "javascript", "data", "steam"))


def test_note_preview_links_follow_the_policy(qtbot, dialogs):
    opened = []
    prev = MarkdownPreview(url_opener=lambda url: opened.append(url.toString()))
    qtbot.addWidget(prev)
    prev.set_markdown("[a](https://example.org) [b](smb://evil/x) [c](javascript:alert(1)) [d](file:///etc/passwd)")
    for url in ("https://example.org", "smb://evil/x", "javascript:alert(1)", "file:///etc/passwd"):
        prev.anchorClicked.emit(QUrl(url))
    assert opened == ["https://example.org"]
    assert len(dialogs["tell"]) == 3


def _big_note(size: int) -> str:
    para = "Some **bold** text, a [link](https://example.org), `code` and a list item. " * 10
    parts, n, i = [], 0, 0
    while n < size:
        block = f"## Heading {i}\n\n{para}\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        parts.append(block)
        n += len(block)
        i += 1
    return "".join(parts)


def _open_and_measure(qtbot, library, pid) -> tuple[float, float, NoteEditor]:
    """Open the note editor of `pid` and wait until the note is loaded and previewed.

    Returns (longest stall as GUI-thread CPU time between two event-loop turns, the longest
    wall-clock gap, the editor). CPU time is what our code spends on the GUI thread; the wall
    clock on a shared, oversubscribed machine also counts time the process waited for a core."""
    ticks = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    timer.start()
    qtbot.wait(30)
    t0 = (time.perf_counter(), time.thread_time())
    ed = NoteEditor(library, pid)
    qtbot.addWidget(ed)
    ed.resize(520, 800)
    ed.show()
    t1 = (time.perf_counter(), time.thread_time())
    edit, prev = ed.edits["notes"], ed.previews["notes"]
    assert edit.loading and edit.isReadOnly()  # no typing into a half-loaded note
    assert ed.flush() and not ed.is_dirty()    # and nothing of it is saved
    qtbot.waitUntil(lambda: not edit.loading and not prev.pending, timeout=120_000)
    qtbot.wait(30)
    timer.stop()
    pairs = [(t0, t1), *zip(ticks, ticks[1:])]
    cpu = max(b[1] - a[1] for a, b in pairs)
    wall = max(b[0] - a[0] for a, b in pairs)
    return cpu, wall, ed


def test_a_7mb_note_opens_without_a_gui_stall_over_100ms(qtbot, library):
    """Case 6: while a 7 MB note opens, the GUI thread never works more than 100 ms between two
    event-loop turns (opening included); the note is loaded whole, never saved half-loaded, and
    the preview is capped. Measured as GUI-thread CPU time (see _open_and_measure); the
    wall-clock gaps are printed beside it. The process's heap is settled first, as the app does
    after start-up (ui/heap.py): CI twice measured 113-115 ms on the second opening, in a
    process that 100 earlier tests had filled, when a full collection fell into that turn."""
    big = _big_note(7_000_000)
    pid = library.add_paper(title="A paper with a very long note")
    library.save_note(pid, notes=big, method="short **method**")
    # the first editor of a process pays for Qt's one-time set-up (fonts, styles): not the note's cost
    small = library.add_paper(title="A short note")
    library.save_note(small, notes="short **note**")
    warm = NoteEditor(library, small)
    qtbot.addWidget(warm)
    warm.show()
    warm.stop()
    # the heap as the app has it once started (readerapp/ui/heap.py): what earlier tests of this
    # process left is not walked by a full collection that falls into the measured turns
    heap.settle()
    runs = []
    try:
        for i in range(2):
            cpu, wall, ed = _open_and_measure(qtbot, library, pid)
            runs.append((cpu, wall))
            if i == 0:
                ed.stop()
                ed.close()
    finally:
        gc.unfreeze()
    print("7 MB note, longest GUI stall per opening: "
          + ", ".join(f"{c * 1000:.0f} ms GUI-thread CPU ({w * 1000:.0f} ms wall clock)" for c, w in runs))
    worst = max(c for c, _w in runs)
    assert worst < 0.100, f"the GUI thread worked {worst * 1000:.0f} ms without returning to the event loop"
    edit, prev = ed.edits["notes"], ed.previews["notes"]
    assert edit.toPlainText() == big and not edit.isReadOnly()
    assert library.get_note(pid).notes == big  # nothing saved while loading
    assert not ed.is_dirty()
    assert "Heading 0" in prev.toPlainText() and f"{PREVIEW_CAP:,}" in prev.toPlainText()
    assert "Heading 5000" not in prev.toPlainText()
    # typing at the end of the loaded note saves the whole note plus the typing
    edit.setFocus()
    cur = edit.textCursor()
    cur.movePosition(cur.MoveOperation.End)
    edit.setTextCursor(cur)
    qtbot.keyClicks(edit, "END")
    assert ed.flush()
    assert library.get_note(pid).notes == big + "END"
    ed.stop()


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_a_damaged_library_shows_a_banner_naming_the_file_and_the_good_backup(qtbot, tmp_path):
    """Case 1 in the GUI: start-up maintenance finds the damaged library and the window says so."""
    from datetime import datetime, timedelta

    from readerapp.app import _start_maintenance
    from readerapp.core.backup import make_backup
    from readerapp.core.library import Library
    from readerapp.ui.main_window import MainWindow
    from test_safety_backup import _damage_two_index_pages, _make_library, _rename_to

    folder = tmp_path / "lib"
    _make_library(folder)
    with Library(folder) as lib:
        good = _rename_to(make_backup(lib, keep=10), datetime.now() - timedelta(hours=9), "auto")
    _damage_two_index_pages(folder)
    lib = Library(folder)
    window = MainWindow(lib, url_opener=lambda url: None)
    qtbot.addWidget(window)
    window.show()
    job = _start_maintenance(lib, window, on_problem=window.show_library_problem)
    try:
        qtbot.waitUntil(lambda: getattr(window, "problem_banner", None) is not None
                        and window.problem_banner.isVisible(), timeout=60_000)
        text = window.problem_banner.label.text()
        assert str(folder / "library.sqlite3") in text and str(good) in text and "damaged" in text
    finally:
        job.wait(60)
        window.shutdown()
        window.close()
        lib.close()
    assert [b.path for b in __import__("readerapp.core.backup", fromlist=["x"]).list_backups(folder)] == [good]


def test_a_settled_heap_makes_a_full_collection_walk_only_what_came_after():
    """ui/heap.settle(), which the app calls once started: 300,000 objects alive before it are
    frozen, and a full collection afterwards takes a fraction of the time it took before."""
    keep = [[i] for i in range(300_000)]  # long-lived containers, like the modules of a window
    try:
        t = time.perf_counter()
        gc.collect()
        before = time.perf_counter() - t
        heap.settle()
        assert gc.get_freeze_count() >= len(keep)
        t = time.perf_counter()
        gc.collect()
        after = time.perf_counter() - t
        print(f"full collection: {before * 1000:.1f} ms before settle(), {after * 1000:.1f} ms after")
        assert after < before / 3, (before, after)
    finally:
        gc.unfreeze()
    del keep
