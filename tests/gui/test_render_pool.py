"""The render worker pool: crashes, priorities, stale requests, shared memory."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import signal
from pathlib import Path

import pytest

from readerapp.ui import render_worker as rw
from readerapp.ui.page_geometry import PageLayout, scale_key
from readerapp.ui.pdf_view import PdfView
from readerapp.ui.render import LOW, ViewRenderer
from readerapp.ui.render_pool import Job, RenderPool, new_token

pytestmark = pytest.mark.gui

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
DROPOUT = CORPUS / "srivastava-dropout.pdf"


def _need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    return path


@pytest.fixture
def view(qtbot):
    v = PdfView()
    qtbot.addWidget(v)
    v.resize(900, 1000)
    v.show()
    qtbot.waitExposed(v)
    yield v
    v.shutdown()


def test_killing_a_worker_mid_scroll_replaces_it_and_the_pages_still_render(qtbot, view):
    view.open(_need(DROPOUT))
    view.set_zoom(2.0)
    qtbot.waitUntil(view.visible_tiles_ready, timeout=10000)
    pool = view._r.pool
    qtbot.waitUntil(lambda: len(pool.worker_pids()) == pool.size, timeout=10000)
    pids = pool.worker_pids()
    restarts = pool.restarts
    vs = view.verticalScrollBar()
    step = view.viewport().height() // 2
    killed = False
    for n in range(40):
        vs.setValue(vs.value() + step)
        qtbot.wait(16)
        if n == 5:
            os.kill(pids[0], signal.SIGKILL)  # in the middle of the scroll, requests on their way
            killed = True
    assert killed
    qtbot.waitUntil(lambda: pool.restarts > restarts, timeout=10000)
    qtbot.waitUntil(view.visible_tiles_ready, timeout=10000)
    assert pids[0] not in pool.worker_pids() and len(pool.worker_pids()) == pool.size
    assert not any(view.page_error(i) for i in range(view.page_count()))  # re-rendered, no page lost
    view.go_to(0)
    qtbot.waitUntil(view.visible_tiles_ready, timeout=10000)
    assert view.isVisible()


def test_a_request_that_kills_every_worker_fails_with_one_line(qtbot):
    """A page that crashes MuPDF is tried on a second worker, then reported; the pool goes on."""
    pool = RenderPool.shared()
    pool.start()
    errors, results = [], []
    pool.submit(Job("boom", (0,), ("crash",), results.append, errors.append))
    qtbot.waitUntil(lambda: bool(errors), timeout=15000)
    assert errors == ["the renderer crashed on this page"] and not results
    spec = (new_token(), str(_need(DROPOUT)), None)
    pool.submit(Job("ok", (0,), ("text", spec, 0), results.append, errors.append))
    qtbot.waitUntil(lambda: bool(results), timeout=15000)
    assert any(c[4] == "D" for c in results[0])
    pool.forget_document(spec[0])


def test_damaged_page_reports_its_error_from_the_worker(qtbot, tmp_path):
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "fine")
    path = tmp_path / "x.pdf"
    doc.save(path)
    pool = RenderPool.shared()
    errors = []
    spec = (new_token(), str(path), None)
    pool.submit(Job("t", (0,), ("tile", spec, 7, 1000, 0, 0, "normal"), None, errors.append, image=True))
    qtbot.waitUntil(lambda: bool(errors), timeout=15000)
    assert len(errors) == 1 and "\n" not in errors[0] and errors[0]


class _FakePool:
    """Records what a ViewRenderer asks for, sends nothing."""

    _closed = False

    def __init__(self):
        self.jobs: list[Job] = []

    def start(self):
        pass

    def ready(self):
        return True

    def set_jobs(self, owner, group, jobs):
        self.jobs = sorted(jobs, key=lambda j: j.prio)

    def cancel(self, *a, **k):
        pass

    def forget_document(self, token):
        pass


def test_requests_come_low_resolution_first_then_visible_then_ahead_and_stale_ones_are_dropped(qapp):
    r = ViewRenderer(object())
    fake = r._pool = _FakePool()
    r.open((new_token(), "unused.pdf", None))
    lay = PageLayout([(612.0, 792.0)] * 20, zoom=4.0)
    lay.layout(1000)
    view = (0.0, lay.page_y[3] + 500.0, 1000.0, 900.0)
    r.update(lay, view, 1.0, "normal", +1)
    jobs = fake.jobs
    kinds = [(j.msg[0], j.prio[0]) for j in jobs]
    visible_pages = set(lay.pages_in(view[1], view[1] + view[3]))
    # 0: the low-resolution image of the visible page(s), before any tile
    assert jobs[0].msg[0] == "low" and jobs[0].key[1] in visible_pages and jobs[0].key[2] == LOW
    first_tile = next(n for n, k in enumerate(kinds) if k[0] == "tile")
    assert all(k[0] == "low" for k in kinds[:first_tile])
    # 1: every visible tile before anything else
    vis = set(r.tile_keys(lay, 3, 1.0, "normal", view))
    n_vis = len(vis)
    assert {j.key for j in jobs[first_tile: first_tile + n_vis]} == vis
    # 2: then ahead (below, scrolling down); nothing behind or beside while scrolling
    def split(jobs):
        rest = [j for j in jobs if j.msg[0] == "tile" and j.key not in vis]
        below = [j for j in rest if lay.tile_rect(j.key[1], j.key[3], j.key[4], 1.0)[1] > view[1] + view[3] - 1]
        above = [j for j in rest if lay.tile_rect(j.key[1], j.key[3], j.key[4], 1.0)[1] < view[1]]
        return rest, below, above

    rest, below, above = split(jobs)
    assert below and not above and len(below) == len(rest)
    assert sum(lay.tile_rect(j.key[1], j.key[3], j.key[4], 1.0)[3] for j in below) >= 1.5 * view[3]
    r.update(lay, view, 1.0, "normal", 0)  # at rest: around the view, both ways
    rest, below, above = split(fake.jobs)
    assert below and above
    assert any(j.msg[0] == "low" and j.key[1] > 3 for j in jobs)  # pages ahead get their placeholder
    # the view jumps: nothing of the old place is asked for any more
    r.update(lay, (0.0, lay.page_y[15], 1000.0, 900.0), 1.0, "normal", +1)
    assert not {j.key for j in fake.jobs} & vis
    assert all(j.key[1] >= 13 for j in fake.jobs)
    # the same place in night mode: everything again, in night
    r.update(lay, view, 1.0, "night", 0)
    assert {j.key[5] for j in fake.jobs} == {"night"}


def _below(lay, jobs, view) -> float:
    """How far below the view (content px) the requested tiles reach."""
    bottoms = [lay.tile_rect(j.key[1], j.key[3], j.key[4], 1.0) for j in jobs if j.msg[0] == "tile"]
    return max(y + h for _x, y, _w, h in bottoms) - (view[1] + view[3])


def test_a_fast_scroll_prepares_what_the_next_300ms_show_a_slow_one_1_5_views(qapp, monkeypatch):
    """At 37,500 px/s (600 px a frame, bench_gui at 200 %) tiles are asked for as far as the view
    goes in AHEAD_LEAD_S = 0.3 s, at most MAX_AHEAD_VIEWS = 6 views, with the low-resolution
    image of every page on the way; at 60 px a frame, 1.5 views as before."""
    from readerapp.ui import render

    clock = [100.0]
    monkeypatch.setattr(render.time, "monotonic", lambda: clock[0])
    lay = PageLayout([(612.0, 792.0)] * 60, zoom=2.0)
    lay.layout(1000)
    for step_px, least, most in ((600.0, 6 * 900.0 - 512, 6 * 900.0 + 2 * 512), (60.0, 1.5 * 900 - 512, 1.5 * 900 + 600)):
        r = ViewRenderer(object())
        fake = r._pool = _FakePool()
        r.open((new_token(), "unused.pdf", None))
        y = lay.page_y[2]
        for _ in range(8):
            clock[0] += 0.016
            y += step_px
            view = (0.0, y, 1000.0, 900.0)
            r.update(lay, view, 1.0, "normal", +1)
        reach = _below(lay, fake.jobs, view)
        assert least <= reach <= most, (step_px, reach)
        lows = {j.key[1] for j in fake.jobs if j.msg[0] == "low"}
        far = lay.pages_in(view[1] + view[3], view[1] + view[3] + reach)
        assert set(far) <= lows  # every page the tiles reach has its placeholder asked for
    # a pause resets the speed: the next step prepares 1.5 views again
    clock[0] += 1.0
    r.update(lay, (0.0, y + 60, 1000.0, 900.0), 1.0, "normal", +1)
    assert _below(lay, fake.jobs, (0.0, y + 60, 1000.0, 900.0)) <= 1.5 * 900 + 600


def test_before_the_workers_are_up_a_scroll_meets_no_blank_page(qapp, tmp_path):
    """The first document opened after start is drawn by the GUI's own renderer until the
    workers are up: besides the first page, each update gives one more page (the other visible
    pages, then the next page down) its low-resolution image."""
    import pymupdf

    src = pymupdf.open()
    for i in range(6):
        src.new_page(width=612, height=792).insert_text((72, 100), f"page {i + 1} " * 20)
    src.save(tmp_path / "six.pdf")

    class NotReady(_FakePool):
        def ready(self):
            return False

    r = ViewRenderer(object())
    r._pool = NotReady()
    r.open((new_token(), str(tmp_path / "six.pdf"), None))
    r.fallback_doc = pymupdf.open(tmp_path / "six.pdf")
    lay = PageLayout([(612.0, 792.0)] * 6, zoom=1.0)
    lay.layout(800)
    view = (0.0, 0.0, 800.0, 900.0)
    r.update(lay, view, 1.0, "normal", 0)  # opened, at rest: page 0 sharp, page 1 (next down) low
    assert r.page_ready(lay, 0, 1.0, "normal", view)
    assert r.low_key(1, "normal") in r.cache
    view = (0.0, lay.page_y[1] + 300, 800.0, 900.0)  # a scroll at once: pages 1 and 2 on screen
    r.update(lay, view, 1.0, "normal", +1)
    for i in lay.pages_in(view[1], view[1] + view[3]):
        assert r.page_ready(lay, i, 1.0, "normal", view) or r.low_key(i, "normal") in r.cache, i


def test_low_resolution_page_fits_a_slot():
    for w, h in ((612, 792), (842, 595), (100, 4000), (5000, 50)):
        s = rw.low_scale(w, h)
        assert w * s * h * s * 4 <= rw.SLOT_BYTES


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen QPA, showing the popup
def test_find_text_links_and_previews_never_run_pymupdf_in_the_gui_process(qtbot, view, monkeypatch):
    """Issue 18: find, text for selection, links and link previews come from the workers."""
    import pymupdf

    pool = view._r.pool
    pool.start()
    qtbot.waitUntil(pool.ready, timeout=15000)

    def forbidden(*a, **k):
        raise AssertionError("PyMuPDF work on the GUI process")

    for name in ("search_for", "get_text", "get_links", "get_displaylist", "get_pixmap"):
        monkeypatch.setattr(pymupdf.Page, name, forbidden)
    monkeypatch.setattr(pymupdf.DisplayList, "get_pixmap", forbidden)
    view.open(_need(DROPOUT))
    qtbot.waitUntil(view.visible_tiles_ready, timeout=15000)
    assert view.find("dropout") > 50
    qtbot.waitUntil(lambda: view.links(0) is not None, timeout=10000)
    view._ensure_text(0)
    qtbot.waitUntil(lambda: view.is_text_loaded(0), timeout=10000)
    link = next(ln for ln in view.links(0) if "target" in ln)
    view.show_link_preview(link)
    qtbot.waitUntil(lambda: view.link_preview().isVisible(), timeout=10000)
    assert not view.link_preview().image().isNull()


def test_shutdown_takes_under_1s_even_with_a_long_request_running(qtbot):
    import time

    pool = RenderPool(workers=2)
    pool.start()
    qtbot.waitUntil(pool.ready, timeout=15000)
    pool.submit(Job("slow", (0,), ("sleep", 20.0), None))
    qtbot.wait(100)
    pids = pool.worker_pids()
    t = time.perf_counter()
    pool.shutdown()
    took = time.perf_counter() - t
    assert took < 1.0, took
    for pid in pids:
        with pytest.raises(OSError):
            os.kill(pid, 0)  # gone


def test_thumbnails_come_from_the_workers_and_navigate(qtbot, view):
    from PySide6.QtCore import Qt

    from readerapp.ui.thumbnails import PageThumbnails

    thumbs = PageThumbnails(view)
    qtbot.addWidget(thumbs)
    thumbs.resize(160, 700)
    thumbs.show()
    qtbot.waitExposed(thumbs)
    view.open(_need(DROPOUT))
    assert thumbs.count() == 30
    rows = list(thumbs.visible_rows())
    assert 0 in rows and len(rows) < 30  # only what is in sight is asked for
    qtbot.waitUntil(lambda: all(thumbs.thumbnail_loaded(i) for i in rows), timeout=15000)
    img = thumbs.item(1).icon().pixmap(thumbs.iconSize()).toImage()
    assert img.width() > 60
    light = [img.pixelColor(x, y).lightness() for y in range(0, img.height(), 3) for x in range(0, img.width(), 3)]
    # a real page: white paper and grey text, not the uniform grey placeholder
    assert sum(v > 245 for v in light) > len(light) / 3 and sum(v < 200 for v in light) > 20
    thumbs.scrollToItem(thumbs.item(25))
    qtbot.waitUntil(lambda: thumbs.thumbnail_loaded(25), timeout=15000)
    rect = thumbs.visualItemRect(thumbs.item(25))
    qtbot.mouseClick(thumbs.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.current_page() == 25
    view.go_to(3)
    assert thumbs.currentRow() == 3


def test_requests_gone_stale_on_their_way_are_cancelled_not_rendered(qtbot):
    """The view moved while tiles waited in a busy worker's pipe: they are skipped, their
    shared-memory slots come back, and nothing is delivered."""
    pool = RenderPool(workers=1)
    try:
        pool.start()
        qtbot.waitUntil(pool.ready, timeout=15000)
        owner = object()
        spec = (new_token(), str(_need(DROPOUT)), None)
        got = []
        pool.submit(Job("busy", (0,), ("sleep", 0.5), got.append, owner=owner))
        tiles = [Job(("t", n), (1, n), ("tile", spec, 1, 2000, n % 2, n // 2, "normal"), got.append,
                     owner=owner, image=True) for n in range(3)]
        pool.set_jobs(owner, "view", tiles)
        assert pool.pending(owner) == 4 and all(pool.in_flight(j.key) for j in tiles)
        pool.set_jobs(owner, "view", [])  # scrolled away
        qtbot.waitUntil(lambda: pool.pending(owner) == 0, timeout=10000)
        assert got == [None]  # only the sleep answered
        assert pool.images == 0
        (proc,) = [p for p in pool._procs if p is not None]
        assert sorted(proc.free_slots) == list(range(4))
        # the worker goes on serving
        pool.submit(Job("again", (0,), ("tile", spec, 1, 2000, 0, 0, "normal"), got.append, image=True))
        qtbot.waitUntil(lambda: len(got) == 2, timeout=10000)
        assert got[1].width() == 512 and pool.images == 1
    finally:
        pool.shutdown()


def test_a_paper_opened_at_fit_width_is_rendered_at_one_scale_by_both_workers(qtbot, view, monkeypatch):
    """Opening at fit width asks for tiles at the fitted scale only (none at the previous zoom,
    none at a width before the scroll bar showed), and both workers, which interpret the first
    page as the document opens, take its visible tiles from the start: neither first renders
    another page's placeholder while the first page waits."""
    pool = view._r.pool
    pool.start()
    qtbot.waitUntil(lambda: all(p is not None and p.ready for p in pool._procs), timeout=15000)
    first_jobs: dict[int, tuple] = {}
    scales: set[int] = set()
    real_next = RenderPool._next_job

    def spy(self, p):
        job = real_next(self, p)
        if job is not None and job.msg[0] in ("tile", "low"):
            first_jobs.setdefault(p.idx, job.key)
            if job.msg[0] == "tile":
                scales.add(job.key[2])
        return job

    monkeypatch.setattr(RenderPool, "_next_job", spy)
    view.open(_need(DROPOUT))
    qtbot.waitUntil(view.visible_tiles_ready, timeout=10000)
    assert view.zoom_mode() == "fit_width" and view.zoom() == pytest.approx(view._fit_zoom("fit_width"))
    assert scales == {scale_key(view._layout.device_scale(view._dpr()))}, scales
    assert len(first_jobs) == pool.size >= 2
    assert all(key[1] == 0 for key in first_jobs.values()), first_jobs  # page 0, in every worker
