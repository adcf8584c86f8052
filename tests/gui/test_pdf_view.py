"""PdfView on the real corpus: rendering, zoom, navigation, selection, links, find, night mode, limits."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys
import time
from pathlib import Path

import pymupdf
import PySide6
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QImage

from readerapp.ui.pdf_view import PasswordRequiredError, PdfOpenError, PdfView
from conftest import save_screenshot

pytestmark = pytest.mark.gui

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
DROPOUT = CORPUS / "srivastava-dropout.pdf"


def _need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    return path


def _shot(widget, name: str) -> None:
    save_screenshot(widget, name)  # a temporary folder, kept only when the run fails


@pytest.fixture
def view(qtbot):
    opened: list[str] = []
    v = PdfView(url_opener=lambda url: opened.append(url.toString()))
    v.opened_urls = opened
    qtbot.addWidget(v)
    v.resize(900, 1000)
    v.show()
    qtbot.waitExposed(v)
    yield v
    v.shutdown()


def _open(qtbot, v: PdfView, path: Path) -> float:
    t0 = time.perf_counter()
    v.open(_need(path))
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    return (time.perf_counter() - t0) * 1000


def _click(qtbot, v: PdfView, page: int, x: float, y: float) -> None:
    p = v._to_view(page, x, y).toPoint()
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=p)


def _drag(qtbot, v: PdfView, page: int, a: tuple, b: tuple) -> None:
    pa, pb = v._to_view(page, *a).toPoint(), v._to_view(page, *b).toPoint()
    vp = v.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=pa)
    mid = QPoint((pa.x() + pb.x()) // 2, (pa.y() + pb.y()) // 2)
    qtbot.mouseMove(vp, mid)
    qtbot.mouseMove(vp, pb)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=pb)


def test_open_first_page_and_outline(qtbot, view):
    ms = _open(qtbot, view, DROPOUT)
    print(f"\nfirst page visible after open(): {ms:.0f} ms")
    assert ms < 2000  # generous under a loaded CI box; the target (300 ms) is checked by the benchmark
    assert view.page_count() == 30
    assert view.current_page() == 0
    assert view.zoom_mode() == "fit_width"
    out = view.outline()
    assert out[0] == (1, "Introduction", 0)
    assert all(isinstance(t, str) and 0 <= p < 30 for _, t, p in out)
    # the outline's points: "2. Motivation" is a heading about 139 pt from the top of page 4
    targets = view.outline_targets()
    assert [t[:3] for t in targets] == out
    mot = next(t for t in targets if t[1] == "Motivation")
    assert mot[2] == 3 and mot[3] == pytest.approx(139, abs=12)
    view.go_to(mot[2], mot[3])
    assert view._to_view(3, 90, 139).y() == pytest.approx(30 + (139 - mot[3]) * view._ppp(), abs=3)
    view.go_to(0)
    # the tiles really contain ink: some non-white pixels inside the page
    img = view.grab().toImage()
    dark = sum(1 for y in range(100, 600, 7) for x in range(100, 800, 7)
               if QImage.pixelColor(img, x, y).lightness() < 128)
    assert dark > 50
    _shot(view, "01_first_page")


def test_scroll_keys_go_to_and_state(qtbot, view):
    _open(qtbot, view, DROPOUT)
    pages: list[int] = []
    view.pageChanged.connect(pages.append)
    vs = view.verticalScrollBar()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert vs.value() > 0
    v1 = vs.value()
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert vs.value() > v1
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert vs.value() == v1
    qtbot.keyClick(view, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert vs.value() == 0
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert vs.value() == vs.maximum() and view.current_page() == 29
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert vs.value() == 0 and view.current_page() == 0
    view.go_to(12)
    assert view.current_page() == 12 and 12 in pages
    qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
    st = view.state()
    assert st["page"] == 12 and st["zoom_mode"] == "fit_width"
    view.go_to(3)
    view.set_zoom(1.5)
    st2 = view.state()
    view.go_to(20)
    view.restore_state(st)
    assert view.current_page() == 12 and view.zoom_mode() == "fit_width"
    view.restore_state(st2)
    assert view.current_page() == 3 and view.zoom() == pytest.approx(1.5)


def test_facing_view_shows_two_pages_side_by_side(qtbot, view):
    _open(qtbot, view, DROPOUT)
    view.go_to(6)
    view.set_page_layout("facing")
    assert view.page_layout() == "facing" and view.current_page() == 6
    r6, r7 = view._page_rect(6), view._page_rect(7)
    assert r6.top() == r7.top() and r7.left() > r6.right()
    assert r6.width() + r7.width() <= view.viewport().width()  # fit width: the pair fits
    qtbot.waitUntil(view.visible_tiles_ready, timeout=10000)
    img = view.viewport().grab().toImage()
    for r in (r6, r7):  # both pages drawn with ink
        p = r.translated(-view.horizontalScrollBar().value(), -view.verticalScrollBar().value())
        ink = sum(1 for y in range(max(0, int(p.top()) + 40), min(img.height(), int(p.bottom())), 9)
                  for x in range(int(p.left()) + 20, int(p.right()) - 20, 9) if img.pixelColor(x, y).lightness() < 128)
        assert ink > 20
    st = view.state()
    assert st["page_layout"] == "facing"
    _shot(view, "02b_facing")
    view.set_page_layout("single")
    assert view.current_page() == 6 and view._page_rect(7).top() > view._page_rect(6).bottom()
    view.restore_state(st)
    assert view.page_layout() == "facing"
    view.set_page_layout("single")
    with pytest.raises(ValueError):
        view.set_page_layout("triple")


def test_zoom_modes_steps_and_position_kept(qtbot, view):
    _open(qtbot, view, DROPOUT)
    zooms: list[float] = []
    view.zoomChanged.connect(zooms.append)
    vw = view.viewport().width()
    view.go_to(5, 300)
    qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
    # fit width: the page is as wide as the viewport minus margins
    assert view._page_rect(5).width() == pytest.approx(vw - 20, abs=2)
    view.fit_page()
    assert view._page_rect(5).height() <= view.viewport().height()
    assert view.current_page() == 5
    view.fit_width()
    # zoom steps keep the point under the anchor
    anchor = QPointF(300, 400)
    page = view._page_at(anchor, nearest=True)
    before = view._to_pdf(page, anchor)
    view.zoom_in(anchor)
    assert zooms[-1] > zooms[-2] if len(zooms) > 1 else view.zoom() > 1.0
    after = view._to_pdf(page, anchor)
    assert after == pytest.approx(before, abs=1.0)
    z = view.zoom()
    view.zoom_out(anchor)
    assert view.zoom() < z
    # Ctrl+wheel zooms around the cursor
    z = view.zoom()
    before = view._to_pdf(page, anchor)
    from PySide6.QtGui import QWheelEvent
    ev = QWheelEvent(anchor, view.viewport().mapToGlobal(anchor), QPoint(0, 0), QPoint(0, 120),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                     False)
    view.wheelEvent(ev)
    assert view.zoom() > z
    assert view._to_pdf(page, anchor) == pytest.approx(before, abs=1.0)
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.zoom_mode() == "custom"
    for _ in range(30):
        view.zoom_in()
    assert view.zoom() == 8.0
    for _ in range(40):
        view.zoom_out()
    assert view.zoom() == 0.25
    view.set_zoom(2.0)
    view.go_to(0)
    qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
    _shot(view, "02_zoomed_200")


def _word_rect(path: Path, page: int, text: str, below: float = -1.0):
    with pymupdf.open(path) as d:
        hits = [h for h in d[page].search_for(text) if h.y0 > below]
    assert hits, text
    return hits[0]


def test_select_text_by_drag_and_copy(qtbot, view):
    _open(qtbot, view, DROPOUT)
    r1 = _word_rect(DROPOUT, 0, "Deep neural nets")
    r2 = _word_rect(DROPOUT, 0, "machine learning", below=r1.y0 - 2)  # end of the abstract's first line
    got = []
    view.selectionChanged.connect(lambda p, q, t: got.append((p, q, t)))
    # load the page text first (hovering does it), then drag from before "Deep" to the next line
    qtbot.mouseMove(view.viewport(), view._to_view(0, r1.x0 + 5, r1.y0 + 5).toPoint())
    qtbot.waitUntil(lambda: view.is_text_loaded(0), timeout=5000)
    _drag(qtbot, view, 0, (r1.x0 + 0.5, (r1.y0 + r1.y1) / 2), (r2.x1 - 0.5, (r2.y0 + r2.y1) / 2 + 12.5))
    qtbot.waitUntil(lambda: bool(got), timeout=3000)
    page, quads, text = got[-1]
    assert page == 0
    assert text.startswith("Deep neural nets with a large number of parameters")
    assert "systems. However" in text  # crossed into the next line
    assert len(quads) == 2 and all(len(q) == 8 for q in quads)
    # quads are PDF coordinates on the page, the first starts at "Deep"
    assert quads[0][0] == pytest.approx(r1.x0, abs=1.0) and quads[0][1] == pytest.approx(r1.y0, abs=3.0)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == text
    _shot(view, "03_selection")
    # character precision: select exactly "neural"
    r = _word_rect(DROPOUT, 0, "neural nets", below=r1.y0 - 2)
    w = _word_rect(DROPOUT, 0, "neural", below=r1.y0 - 2)
    _drag(qtbot, view, 0, (w.x0 + 0.3, (w.y0 + w.y1) / 2), (w.x1 - 0.3, (w.y0 + w.y1) / 2))
    assert got[-1][2] == "neural"
    assert r.x0 == pytest.approx(w.x0)
    # ligature split for copying: "overﬁtting" copies as "overfitting"
    o = _word_rect(DROPOUT, 0, "is a serious problem")
    _drag(qtbot, view, 0, (o.x0 - 46, (o.y0 + o.y1) / 2), (o.x0 - 1, (o.y0 + o.y1) / 2))
    assert "overfitting" in got[-1][2]


def test_area_selection_signal(qtbot, view):
    _open(qtbot, view, DROPOUT)
    view.set_tool("area")
    got = []
    view.areaSelected.connect(lambda p, r: got.append((p, r)))
    _drag(qtbot, view, 0, (100, 200), (300, 350))
    assert len(got) == 1
    page, rect = got[0]
    assert page == 0
    assert rect == pytest.approx((100, 200, 300, 350), abs=1.5)
    view.set_tool("select")


def test_highlights_drawn_and_clicked(qtbot, view):
    _open(qtbot, view, DROPOUT)
    r = _word_rect(DROPOUT, 0, "Deep neural nets")
    u = _word_rect(DROPOUT, 0, "Dropout is a technique")
    view.set_highlights([
        {"id": 7, "page": 0, "quads": [tuple(r)], "color": "#ffd400", "kind": "highlight"},
        {"id": "u1", "page": 0, "quads": [u.quad], "color": "#2ea8e5", "kind": "underline"},
        {"id": 9, "page": 0, "quads": [(80, 90, 540, 150)], "color": "#5fb236", "kind": "area"},
    ])
    clicked = []
    view.highlightClicked.connect(clicked.append)
    # the highlight is drawn: the pixel in the middle of the word is yellow-ish (multiply)
    qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
    img = view.viewport().grab().toImage()
    # the lightest pixel inside the highlight (paper, not glyph ink) is yellow: multiplied by #ffd400
    a = view._to_view(0, r.x0, r.y0).toPoint()
    b = view._to_view(0, r.x1, r.y1).toPoint()
    colors = [img.pixelColor(x, y) for x in range(a.x() + 1, b.x() - 1) for y in range(a.y() + 1, b.y() - 1)]
    c = max(colors, key=lambda q: q.lightness())
    assert c.blue() < 40 and c.red() > 230 and c.green() > 190, c.name()
    _click(qtbot, view, 0, (r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2)
    _click(qtbot, view, 0, (u.x0 + u.x1) / 2, (u.y0 + u.y1) / 2)
    _click(qtbot, view, 0, 85, 95)
    assert clicked == [7, "u1", 9]
    _shot(view, "04_highlights")
    view.flash_region(3, (72, 300, 540, 340))
    assert view.current_page() == 3
    qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
    _shot(view, "04b_flash")


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen QPA, showing the popup
def test_internal_link_back_forward_and_preview(qtbot, view):
    _open(qtbot, view, DROPOUT)
    qtbot.waitUntil(lambda: view.links(0) is not None, timeout=5000)
    cites = [ln for ln in view.links(0) if "target" in ln and ln["target"][0] == 28]
    assert cites, view.links(0)
    ln = cites[0]
    x0, y0, x1, y1 = ln["rect"]
    view.go_to(0, y0 - 200, record=False)
    qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
    start = view.verticalScrollBar().value()
    # hover -> preview popup with a crop of the reference entry
    qtbot.mouseMove(view.viewport(), view._to_view(0, (x0 + x1) / 2, (y0 + y1) / 2).toPoint())
    qtbot.waitUntil(lambda: view.link_preview().isVisible(), timeout=5000)
    assert not view.link_preview().image().isNull()
    _shot(view.link_preview(), "07_link_preview")
    assert view.link_preview().width() > 200
    followed = []
    view.linkFollowed.connect(followed.append)
    _click(qtbot, view, 0, (x0 + x1) / 2, (y0 + y1) / 2)
    assert followed == [28] and view.current_page() == 28
    # the target (Nowlan & Hinton) is near the top of the view
    pos = view._to_view(28, 90, 204)
    assert 0 <= pos.y() <= 120
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert view.verticalScrollBar().value() == start
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert view.current_page() == 28
    assert view.back() and view.verticalScrollBar().value() == start
    assert not view.back()


def test_external_link_uses_injected_opener(qtbot, view):
    path = _need(CORPUS / "bahdanau-align-and-translate.pdf")
    _open(qtbot, view, path)
    with pymupdf.open(path) as d:
        uris = [(p.number, ln) for p in d for ln in p.get_links() if ln["kind"] == pymupdf.LINK_URI]
    page, ln = uris[0]
    view.go_to(page, max(0, ln["from"].y0 - 100), record=False)
    qtbot.waitUntil(lambda: view.links(page) is not None, timeout=5000)
    got = []
    view.externalLinkClicked.connect(got.append)
    _click(qtbot, view, page, (ln["from"].x0 + ln["from"].x1) / 2, (ln["from"].y0 + ln["from"].y1) / 2)
    assert got == [ln["uri"]]
    assert view.opened_urls == [ln["uri"]]


def test_find_in_document(qtbot, view):
    _open(qtbot, view, DROPOUT)
    n = view.find("dropout")
    with pymupdf.open(DROPOUT) as d:
        expected = sum(len(p.search_for("dropout")) for p in d)
    assert n == expected > 50
    hits = view.find_hits()
    assert sum(len(q) for q in hits.values()) == n
    first = view.current_hit()
    assert first is not None and first[0] == 0
    page, idx = view.find_next()
    assert (page, idx) != (first[0], 0) or n == 1
    qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
    _shot(view, "05_find_hits")
    view.find_previous()
    assert view.current_hit()[0] == first[0]
    # wrap around backwards to the last hit
    last = view.find_previous()
    assert last[0] == max(hits)
    assert view.current_page() == last[0] or abs(view.current_page() - last[0]) <= 1
    assert view.find("zzqxnotthere") == 0
    assert view.find_next() is None


def _contrast(a, b) -> float:
    from readerapp.ui.color_modes import contrast
    return contrast(a.name(), b.name())


def test_color_modes_night_and_sepia_keep_text_and_highlights_readable(qtbot, view):
    """Night is dark grey paper with light ink (not pure black), sepia a warm paper; the ink
    over a yellow highlight keeps a contrast of at least 4.5:1 in every mode."""
    _open(qtbot, view, DROPOUT)
    r = _word_rect(DROPOUT, 0, "Deep neural nets")
    view.set_highlights([{"id": 1, "page": 0, "quads": [tuple(r)], "color": "#ffd400", "kind": "highlight"}])
    modes: list[str] = []
    view.colorModeChanged.connect(modes.append)

    def sample():
        img = view.viewport().grab().toImage()
        dpr = img.devicePixelRatio()
        paper = img.pixelColor(view._to_view(0, 20, 20).toPoint() * dpr)
        a = view._to_view(0, r.x0, r.y0).toPoint() * dpr
        b = view._to_view(0, r.x1, r.y1).toPoint() * dpr
        inside = [img.pixelColor(x, y) for x in range(a.x() + 1, b.x() - 1) for y in range(a.y() + 1, b.y() - 1)]
        return paper, min(inside, key=QColor.lightness), max(inside, key=QColor.lightness)

    paper, dark, light = sample()
    assert paper.lightness() > 240 and _contrast(dark, light) >= 4.5
    for mode in ("night", "sepia"):
        view.set_color_mode(mode)
        qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
        paper, dark, light = sample()
        if mode == "night":
            assert view.night_mode()
            assert 15 < paper.lightness() < 60, paper.name()  # dark, not pure black
            assert light.lightness() > 180  # the ink is light
        else:
            assert not view.night_mode()
            assert paper.red() > paper.blue() + 15 and paper.lightness() > 200, paper.name()
        assert _contrast(dark, light) >= 4.5, (mode, dark.name(), light.name())
        assert view.state()["color_mode"] == mode
        _shot(view, f"06_{mode}_mode")
    assert modes == ["night", "sepia"]
    view.set_night_mode(False)
    qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
    assert sample()[0].lightness() > 240 and view.color_mode() == "normal"
    with pytest.raises(ValueError):
        view.set_color_mode("purple")


def test_bad_input(qtbot, view, tmp_path):
    bad = tmp_path / "garbage.pdf"
    bad.write_bytes(b"this is not a pdf at all" * 10)
    with pytest.raises(PdfOpenError):
        view.open(bad)
    with pytest.raises(PdfOpenError):
        view.open(tmp_path / "missing.pdf")
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    enc = tmp_path / "enc.pdf"
    doc.save(enc, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="own")
    with pytest.raises(PasswordRequiredError, match="password"):
        view.open(enc)
    with pytest.raises(PasswordRequiredError):
        view.open(enc, password="nope")
    view.open(enc, password="pw")
    qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
    assert view.page_count() == 1


def test_damaged_page_renders_error_tile(qtbot, view, tmp_path):
    doc = pymupdf.open()
    for i in range(3):
        doc.new_page().insert_text((72, 72), f"Hello page {i + 1}", fontsize=30)
    cx = doc[1].get_contents()[0]
    doc.update_stream(cx, b"BT /F1 12 Tf 72 72 Td (abc) Tj ET " + b"q " * 100000)  # nesting overflow
    path = tmp_path / "damaged.pdf"
    doc.save(path)
    view.open(path)
    view.set_zoom(0.5)
    qtbot.waitUntil(lambda: all(view.is_page_rendered(i) for i in range(3)), timeout=5000)
    assert view.page_error(1) and "nested" in view.page_error(1)
    assert view.page_error(0) is None and view.page_error(2) is None
    img = view.viewport().grab().toImage()
    p = view._to_view(1, 300, 500).toPoint() * img.devicePixelRatio()
    assert img.pixelColor(p).name() == "#9e9e9e"
    _shot(view, "08_damaged_page")


def test_cache_stays_bounded_at_high_zoom(qtbot, view):
    _open(qtbot, view, DROPOUT)
    cap = view.cache_cap()
    assert cap == 256 * 1024 * 1024
    view.set_zoom(4.0)
    vs = view.verticalScrollBar()
    while vs.value() < vs.maximum():
        vs.setValue(vs.value() + view.viewport().height())
        qtbot.waitUntil(view.visible_tiles_ready, timeout=10000)
        assert view.cache_bytes() <= cap
    print(f"\ncache: {view.cache_bytes() / 2**20:.0f} MB now, peak {view.cache_peak_bytes() / 2**20:.0f} MB, "
          f"cap {cap / 2**20:.0f} MB")
    assert view.cache_peak_bytes() <= cap
    assert PdfView(cache_bytes=2**40).cache_cap() <= 300 * 1024 * 1024


def _gui_gaps(qtbot, action, interval_ms: int = 1) -> tuple[list[float], list[float]]:
    """Gaps (ms) between ticks of an `interval_ms` QTimer while `action()` runs the event loop:
    wall clock, and CPU time of the GUI thread itself (what our code kept it busy, not what
    other processes on a shared machine took from it)."""
    wall: list[float] = []
    cpu: list[float] = []
    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: (wall.append(time.perf_counter()), cpu.append(time.thread_time())))
    timer.start()
    try:
        action()
    finally:
        timer.stop()
    return ([(b - a) * 1000 for a, b in zip(wall, wall[1:])], [(b - a) * 1000 for a, b in zip(cpu, cpu[1:])])


def test_gui_thread_busy_at_most_50ms_at_a_time_scrolling_30_pages(qtbot, view):
    """Scrolling the 30-page paper at ~60 steps/s: the GUI thread never works more than 50 ms
    without returning to the event loop (CPU time; the wall-clock gaps are printed)."""
    _open(qtbot, view, DROPOUT)
    vs = view.verticalScrollBar()
    step = view.viewport().height() // 3

    def scroll():
        while vs.value() < vs.maximum():
            vs.setValue(vs.value() + step)
            qtbot.wait(16)  # ~60 Hz scrolling; renders happen in the workers meanwhile
        qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)

    t0 = time.perf_counter()
    wall, cpu = _gui_gaps(qtbot, scroll, 5)
    print(f"\nscrolled 30 pages in {time.perf_counter() - t0:.1f} s; longest GUI gap {max(wall):.0f} ms wall, "
          f"{max(cpu):.1f} ms GUI-thread CPU; max paint {view.max_paint_ms:.1f} ms")
    assert max(cpu) <= 50


def test_worker_tile_matches_a_direct_render():
    """A tile rendered by a worker (whole, in one call, BGRA) has the pixels of a direct render
    of that part of the page, at 400 % and at an odd scale, and the tiles cover the page."""
    import numpy as np

    from readerapp.ui import render_worker as rw
    from readerapp.ui.page_geometry import PT_TO_PX, TILE, PageLayout

    with pymupdf.open(_need(DROPOUT)) as doc:
        dl = doc[1].get_displaylist()
        r = dl.rect
        for s, (tx, ty) in ((4.0 * PT_TO_PX, (1, 2)), (1.37, (1, 1))):
            pix = rw.render_tile(dl, s, tx, ty)
            x0, y0 = tx * TILE, ty * TILE
            x1, y1 = min(x0 + TILE, r.width * s), min(y0 + TILE, r.height * s)
            whole = dl.get_pixmap(matrix=pymupdf.Matrix(s, s), alpha=False,
                                  clip=pymupdf.Rect(x0 / s, y0 / s, x1 / s, y1 / s))
            assert (pix.width, pix.height, pix.n) == (whole.width, whole.height, 4)
            a = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 4)[:, :, 2::-1].astype(int)
            b = np.frombuffer(whole.samples, np.uint8).reshape(whole.height, whole.width, 3).astype(int)
            assert (b < 128).mean() > 0.01  # real content (text), not a blank tile
            diff = np.abs(a - b)
            assert diff.max() <= 40 and diff.mean() < 0.5, (s, diff.max(), diff.mean())
        # the tile grid of the layout covers the page exactly: the last tiles are cut at the edge
        lay = PageLayout([(r.width, r.height)], zoom=3.0)
        s = lay.device_scale(1.0)
        ntx, nty = lay.tile_grid(0, 1.0)
        assert rw.render_tile(dl, s, ntx, 0) is None and rw.render_tile(dl, s, 0, nty) is None
        last = rw.render_tile(dl, s, ntx - 1, nty - 1)
        assert (ntx - 1) * TILE + last.width == pytest.approx(r.width * s, abs=1)
        assert (nty - 1) * TILE + last.height == pytest.approx(r.height * s, abs=1)


def _heavy_figure_pdf(path: Path, pages: int = 4, layers: int = 400) -> Path:
    """Pages covered by hundreds of overlapping translucent fills (like a dense alpha-blended
    plot): at 400 % one 512 px tile of such a page costs ~100 ms of rasterising, which
    PyMuPDF does holding its process's GIL: done in the GUI process, it stalls the GUI."""
    import random

    rnd = random.Random(3)
    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page(width=612, height=792)
        sh = page.new_shape()
        for _ in range(layers):
            x, y = rnd.uniform(0, 300), rnd.uniform(0, 400)
            sh.draw_rect(pymupdf.Rect(x, y, x + 312, y + 392))
            sh.finish(color=None, fill=(rnd.random(), rnd.random(), 0.5), fill_opacity=0.25)
        sh.commit()
    doc.save(str(path))
    doc.close()
    return path


def test_gui_thread_busy_at_most_50ms_at_a_time_scrolling_heavy_pages_at_400_percent(qtbot, view, tmp_path):
    """At 400 % one tile of these pages is ~100 ms of rasterising (one PyMuPDF call holding its
    process's GIL): done in the worker processes, it never keeps the GUI thread busy more than
    50 ms at a time (GUI-thread CPU time), and the view ends showing the last page rendered."""
    pdf = _heavy_figure_pdf(tmp_path / "heavy.pdf")
    _open(qtbot, view, pdf)
    view.set_zoom(4.0)
    qtbot.waitUntil(view.visible_tiles_ready, timeout=20000)
    vs = view.verticalScrollBar()
    step = view.viewport().height() // 2

    def scroll():
        while vs.value() < vs.maximum():
            vs.setValue(vs.value() + step)
            qtbot.wait(16)  # ~60 Hz
        qtbot.waitUntil(view.visible_tiles_ready, timeout=20000)

    t0 = time.perf_counter()
    wall, cpu = _gui_gaps(qtbot, scroll)
    stats = view.render_stats()
    print(f"\nscrolled 4 heavy pages at 400 % in {time.perf_counter() - t0:.1f} s: longest GUI gap {max(wall):.0f} ms "
          f"wall, {max(cpu):.1f} ms GUI-thread CPU; longest worker request {stats['longest_call_ms']:.0f} ms; "
          f"max paint {view.max_paint_ms:.1f} ms")
    img = view.viewport().grab().toImage()
    assert img.pixelColor(img.width() // 2, img.height() // 2).name() not in ("#ffffff", "#8a8a8a")
    assert stats["longest_call_ms"] > 50  # the work really is long: the workers took it
    assert max(cpu) <= 50


_BROKEN_PYSIDE = PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12)


@pytest.mark.xfail(_BROKEN_PYSIDE, strict=True,
                   reason="PySide6 6.12.0 on Python 3.11 drops a reference to None on every void method "
                          "call (e.g. QImage.setDevicePixelRatio) and to False on every signal emit; "
                          "the interpreter aborts (none_dealloc/bool_dealloc). 6.11.2 is fine.")
def test_no_refcount_drift_while_viewing(qtbot, view):
    refs0 = sys.getrefcount(None), sys.getrefcount(False)
    _open(qtbot, view, DROPOUT)
    vs = view.verticalScrollBar()
    while vs.value() < vs.maximum():
        vs.setValue(vs.value() + view.viewport().height())
        qtbot.waitUntil(view.visible_tiles_ready, timeout=5000)
    view.find("the")
    refs1 = sys.getrefcount(None), sys.getrefcount(False)
    assert refs1[0] > refs0[0] - 500 and refs1[1] > refs0[1] - 100, (refs0, refs1)
