"""PdfView: a continuous-scroll PDF viewing widget.

Self-contained: knows nothing about the library database. Pages are rendered in worker
processes (render_pool.py, render_worker.py; the images and requests of this view in
render.py); this widget composes them, emits signals for what the user does and draws
what the caller gives it (highlights). Its parts: page geometry (page_geometry.py, pure),
text selection (pdf_selection.py), find (pdf_find.py), navigation history
(pdf_history.py, pdf_navigation.py), overlays (pdf_overlay.py), colour modes (color_modes.py), the link
preview popup (link_preview.py).

Coordinates
-----------
"PDF coordinates" here are PyMuPDF page coordinates: points, origin at the top-left of
``page.rect``, y pointing down (what ``page.search_for``, ``page.get_text`` and
``page.add_highlight_annot`` use). A *quad* is a tuple of 8 floats ``(ul.x, ul.y, ur.x,
ur.y, ll.x, ll.y, lr.x, lr.y)``, i.e. the corner order of ``pymupdf.Quad``. A rect is
``(x0, y0, x1, y1)``. Pages are 0-based everywhere in this API.

Public API
----------
Signals: pageChanged(int), zoomChanged(float), selectionChanged(int, list, str),
areaSelected(int, tuple), highlightClicked(object), externalLinkClicked(str),
linkFollowed(int), documentOpened(int), findFinished(int), tileRendered(int),
colorModeChanged(str).

Methods: open(path, password=None), close_document(), page_count(), page_size(page),
outline(), go_to(page, y=None), current_page(), zoom(), zoom_mode(), set_zoom(z),
zoom_in(), zoom_out(), fit_width(), fit_page(), back(), forward(), find(text) -> int,
start_find(text), find_next(), find_previous(), clear_find(), find_hits(),
find_position(), current_hit(), highlight_at(pos), set_tool("select"|"area"), tool(),
selected_text(), selection(), copy_selection(), clear_selection(), set_highlights(items),
flash_region(page, rect), set_color_mode("normal"|"night"|"sepia"), color_mode(),
set_page_layout("single"|"facing"), page_layout(), outline_targets(), blank_visible_pages(),
set_night_mode(bool), night_mode(), state(), restore_state(d), links(page),
show_link_preview(link), link_preview(), is_page_rendered(page), is_text_loaded(page),
visible_tiles_ready(), page_error(page), cache_bytes(), cache_peak_bytes(), cache_cap(),
release_cache(), render_stats(), shutdown().
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pymupdf
from PySide6.QtCore import QElapsedTimer, QPoint, QPointF, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication, QPainter
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from . import color_modes
from .link_preview import LinkPreview, LinkPreviewMixin
from .page_geometry import GAP, PT_TO_PX, TILE, PageLayout, scale_key
from .pdf_events import PdfEventsMixin
from .pdf_find import FindResults
from .pdf_find_view import PdfFindMixin
from .pdf_history import NavigationHistory
from .pdf_navigation import PdfNavigationMixin
from .pdf_overlay import OverlayPainter
from .pdf_selection import build_lines, quad8, quad_bbox
from .pdf_selection import selection as selection_of
from .render import DEFAULT_CACHE_BYTES, ViewRenderer, stretch_factor
from .render_pool import new_token

ZOOM_MIN, ZOOM_MAX = 0.25, 8.0
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0,
              5.0, 6.0, 8.0)
LINK_PREVIEW_DELAY_MS = 450
FLASH_MS = 1600
TEXT_PREFETCH_IDLE_MS = 150  # the view rests this long: the text of its pages is fetched
TEXT_PAGES_KEPT = 24          # pages whose text (for selection) is kept
_quad8, _quad_bbox = quad8, quad_bbox  # old private names, kept for callers


class PdfOpenError(Exception):
    """The file could not be opened as a document (missing, not a PDF, broken)."""


class PasswordRequiredError(PdfOpenError):
    """The document is encrypted and no (or a wrong) password was given."""


def _get(item, name, default=None):
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


class PdfView(PdfEventsMixin, PdfFindMixin, LinkPreviewMixin, PdfNavigationMixin, QAbstractScrollArea):
    pageChanged = Signal(int)
    zoomChanged = Signal(float)
    selectionChanged = Signal(int, list, str)   # page, quads (8-float tuples, PDF coords), text
    areaSelected = Signal(int, tuple)           # page, (x0, y0, x1, y1) PDF coords
    highlightClicked = Signal(object)           # the id given in set_highlights
    externalLinkClicked = Signal(str)
    linkFollowed = Signal(int)                  # target page of an internal link
    documentOpened = Signal(int)                # page count
    findFinished = Signal(int)                  # total hits
    tileRendered = Signal(int)                  # page (an image of it arrived)
    colorModeChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, cache_bytes: int = DEFAULT_CACHE_BYTES,
                 url_opener: Callable[[QUrl], object] | None = None):
        super().__init__(parent)
        self.url_opener = url_opener or QDesktopServices.openUrl  # injectable (tests)
        self._r = ViewRenderer(self, cache_bytes, on_image=self._on_image, on_failed=self._on_failed)
        self._doc: pymupdf.Document | None = None
        self._layout = PageLayout()
        self._toc: list | None = []
        self._toc_points: list | None = None
        self._zoom_mode = "fit_width"
        self._cur_page = -1
        self._mode = color_modes.NORMAL
        self._tool = "select"
        self._text: dict[int, list] = {}
        self._lines: dict[int, list] = {}
        self._links: dict[int, list] = {}
        self._requested: set = set()             # one-off requests on their way
        self._highlights: list[dict] = []
        self._sel: tuple | None = None          # (page, start_idx, end_idx)
        self._sel_quads: list[tuple] = []
        self._sel_text = ""
        self._press: dict | None = None
        self._last_press: dict | None = None
        self._pending_emit = False
        self._area: tuple | None = None          # (page, rect) being dragged / last
        self._history = NavigationHistory()
        self._find = FindResults()
        self._find_gen = 0
        self._find_running = False
        self._overlay = OverlayPainter()
        self._flash: tuple | None = None         # (page, rect)
        self._flash_clock = QElapsedTimer()
        self._flash_timer = QTimer(self, interval=40)
        self._flash_timer.timeout.connect(self._flash_tick)
        self._sched = QTimer(self, singleShot=True, interval=0)
        self._sched.timeout.connect(self._update_requests)
        self._text_timer = QTimer(self, singleShot=True, interval=TEXT_PREFETCH_IDLE_MS)
        self._text_timer.timeout.connect(self._prefetch_text)
        self._last_v = 0
        self._dir = 0                            # scroll direction: +1 down, -1 up, 0 at rest
        self._rest_timer = QTimer(self, singleShot=True, interval=250)
        self._rest_timer.timeout.connect(self._at_rest)
        self._hover_link: dict | None = None
        self._hover_timer = QTimer(self, singleShot=True, interval=LINK_PREVIEW_DELAY_MS)
        self._hover_timer.timeout.connect(self._request_preview)
        self._preview = LinkPreview(self)
        self._preview_req = 0
        self._preview_pos = QPoint()
        self.max_paint_ms = 0.0  # instrumentation for tests / benchmarks

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        # always there: a fitted zoom does not change (and every page re-render) when the bar
        # appears as a document opens or a zoom makes the pages taller than the view
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.horizontalScrollBar().valueChanged.connect(self._on_scrolled)
        QTimer.singleShot(0, self._r.pool.start)  # workers get ready while the window settles

    # ------------------------------------------------------------------ document
    def open(self, path: str | Path, password: str | None = None) -> None:
        """Open a document. Raises PasswordRequiredError or PdfOpenError with a readable message."""
        path = str(path)
        if not Path(path).is_file():
            raise PdfOpenError(self.tr("File not found: %1").replace("%1", path))
        try:
            doc = pymupdf.open(path)
        except Exception as exc:
            raise PdfOpenError(self.tr("Cannot open %1: %2").replace("%1", Path(path).name)
                               .replace("%2", str(exc) or type(exc).__name__)) from exc
        if doc.needs_pass and not doc.authenticate(password or ""):
            doc.close()
            if password:
                raise PasswordRequiredError(self.tr("Wrong password for %1").replace("%1", Path(path).name))
            raise PasswordRequiredError(self.tr("%1 is password-protected").replace("%1", Path(path).name))
        if doc.page_count == 0:
            doc.close()
            raise PdfOpenError(self.tr("%1 has no pages").replace("%1", Path(path).name))
        spec = (new_token(), path, password)
        if self._r.pool.ready():  # the workers open it while this process reads the page sizes
            self._r.pool.prepare_document(spec, 0)
        sizes = []
        last = (612.0, 792.0)
        for i in range(doc.page_count):
            try:
                r = doc[i].rect
                if r.width > 1 and r.height > 1:
                    last = (float(r.width), float(r.height))
            except Exception:
                pass  # damaged page object: keep the previous size, the tile will show the error
            sizes.append(last)
        self.close_document()
        self._doc = doc
        self._r.open(spec)
        self._r.fallback_doc = doc
        self._layout.sizes = sizes
        self._toc = None  # read on first use (outline()): 10 ms on a paper with bookmarks, not before its first page
        self._toc_points = None
        self._cur_page = -1
        self._apply_fit_zoom()
        self._relayout()
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().maximum() // 2)
        self._dir = 0
        self._update_requests()
        self._update_current_page()
        self.viewport().update()
        self.documentOpened.emit(doc.page_count)

    def close_document(self) -> None:
        self._find_gen += 1
        self._r.close()
        if self._doc is not None:
            self._doc.close()
        self._doc = None
        self._layout.sizes = []
        self._toc = []
        self._toc_points = None
        for d in (self._text, self._lines, self._links, self._requested):
            d.clear()
        self._highlights = []
        self._sel, self._sel_quads, self._sel_text = None, [], ""
        self._area = None
        self._history.clear()
        self._find.clear()
        self._find_running = False
        self._flash = None
        self._preview.hide()
        self._relayout()
        self.viewport().update()

    def shutdown(self) -> None:
        """This view is done: its queued work is dropped, the workers close its document. The
        worker processes are shared by all views and stop when the application quits."""
        self._r.release()

    @property
    def _sizes(self) -> list[tuple[float, float]]:
        return self._layout.sizes

    @property
    def _failed(self) -> dict[int, str]:
        return self._r.failed

    def page_count(self) -> int:
        return len(self._layout.sizes)

    def page_size(self, page: int) -> tuple[float, float]:
        return self._layout.sizes[page]

    # ------------------------------------------------------------------ layout
    def _ppp(self) -> float:
        """Logical pixels per PDF point."""
        return self._layout.ppp

    def _dpr(self) -> float:
        return float(self.viewport().devicePixelRatioF() or 1.0)

    def _relayout(self) -> None:
        lay = self._layout
        lay.layout(self.viewport().width())
        vs, hs = self.verticalScrollBar(), self.horizontalScrollBar()
        vw, vh = self.viewport().width(), self.viewport().height()
        vs.setRange(0, max(0, int(math.ceil(lay.content_h - vh))))
        vs.setPageStep(max(1, vh))
        vs.setSingleStep(20)
        hs.setRange(0, max(0, int(math.ceil(lay.content_w - vw))))
        hs.setPageStep(max(1, vw))
        hs.setSingleStep(20)

    def _page_rect(self, i: int) -> QRectF:
        """Page rect in content coordinates (logical px)."""
        return QRectF(*self._layout.page_rect(i))

    def _view_tuple(self) -> tuple:
        return (float(self.horizontalScrollBar().value()), float(self.verticalScrollBar().value()),
                float(self.viewport().width()), float(self.viewport().height()))

    def _view_rect(self) -> QRectF:
        return QRectF(*self._view_tuple())

    def _pages_in(self, y0: float, y1: float) -> range:
        return self._layout.pages_in(y0, y1)

    def _to_pdf(self, page: int, vp: QPointF) -> tuple[float, float]:
        """Viewport point -> PDF coordinates on `page` (may lie outside the page)."""
        return self._layout.to_pdf(page, vp.x() + self.horizontalScrollBar().value(),
                                   vp.y() + self.verticalScrollBar().value())

    def _to_view(self, page: int, x: float, y: float) -> QPointF:
        cx, cy = self._layout.to_content(page, x, y)
        return QPointF(cx - self.horizontalScrollBar().value(), cy - self.verticalScrollBar().value())

    def _page_at(self, vp: QPointF, nearest: bool = False) -> int:
        return self._layout.page_at(vp.x() + self.horizontalScrollBar().value(),
                                    vp.y() + self.verticalScrollBar().value(), nearest)

    # ------------------------------------------------------------------ position / zoom
    def current_page(self) -> int:
        return max(0, self._cur_page)

    def zoom(self) -> float:
        return self._layout.zoom

    def zoom_mode(self) -> str:
        return self._zoom_mode

    def _anchor(self, vp: QPointF | None) -> tuple[int, float, float, QPointF]:
        vp = vp if vp is not None else QPointF(self.viewport().width() / 2, 0)
        page = self._page_at(vp, nearest=True)
        x, y = self._to_pdf(page, vp)
        return page, x, y, vp

    def _restore_anchor(self, anchor) -> None:
        page, x, y, vp = anchor
        cx, cy = self._layout.to_content(page, x, y)
        self.horizontalScrollBar().setValue(round(cx - vp.x()))
        self.verticalScrollBar().setValue(round(cy - vp.y()))

    def _apply_zoom(self, z: float, mode: str, anchor_vp: QPointF | None = None) -> None:
        z = min(ZOOM_MAX, max(ZOOM_MIN, float(z)))
        self._zoom_mode = mode
        if not self._sizes:
            self._layout.zoom = z
            return
        anchor = self._anchor(anchor_vp)
        changed = abs(z - self._layout.zoom) > 1e-9
        self._layout.zoom = z
        self._relayout()
        self._restore_anchor(anchor)
        self._dir = 0
        self._schedule()
        self.viewport().update()
        if changed:
            self.zoomChanged.emit(z)

    def set_zoom(self, z: float, anchor: QPointF | None = None) -> None:
        """Set zoom (1.0 = 100 %). `anchor` is a viewport point that stays put (default: top centre)."""
        self._apply_zoom(z, "custom", anchor)

    def zoom_in(self, anchor: QPointF | None = None) -> None:
        nxt = next((s for s in ZOOM_STEPS if s > self.zoom() * 1.001), ZOOM_MAX)
        self._apply_zoom(nxt, "custom", anchor)

    def zoom_out(self, anchor: QPointF | None = None) -> None:
        prv = next((s for s in reversed(ZOOM_STEPS) if s < self.zoom() / 1.001), ZOOM_MIN)
        self._apply_zoom(prv, "custom", anchor)

    def _apply_fit_zoom(self) -> None:
        """In a fit mode, the zoom that fits the document just opened, before anything is asked
        of the renderer (not one render at the previous zoom, then another)."""
        if self._zoom_mode in ("fit_width", "fit_page") and self._sizes:
            z = self._fit_zoom(self._zoom_mode)
            if abs(z - self._layout.zoom) > 1e-9:
                self._layout.zoom = z
                self.zoomChanged.emit(z)

    def _fit_zoom(self, mode: str) -> float:
        return self._layout.fit_zoom(mode, self.viewport().width(), self.viewport().height(), self.current_page())

    def set_page_layout(self, mode: str) -> None:
        """"single" (one page per row) or "facing" (two pages side by side); the current page stays."""
        if mode not in ("single", "facing"):
            raise ValueError(f"unknown page layout {mode!r}")
        facing = mode == "facing"
        if facing == self._layout.facing:
            return
        page = self.current_page()
        self._layout.facing = facing
        if self._zoom_mode in ("fit_width", "fit_page") and self._sizes:
            z = self._fit_zoom(self._zoom_mode)
            if abs(z - self._layout.zoom) > 1e-9:
                self._layout.zoom = z
                self.zoomChanged.emit(z)
        self._relayout()
        if self._sizes:
            self._scroll_to(page, None)
        self._dir = 0
        self._schedule()
        self.viewport().update()

    def page_layout(self) -> str:
        return "facing" if self._layout.facing else "single"

    def fit_width(self) -> None:
        self._apply_zoom(self._fit_zoom("fit_width"), "fit_width")

    def fit_page(self) -> None:
        page = self.current_page()
        self._apply_zoom(self._fit_zoom("fit_page"), "fit_page")
        self._scroll_to(page, None, top_margin=GAP)

    def _update_current_page(self) -> None:
        if not self._sizes:
            return
        best = self._layout.most_visible(self._view_tuple())
        if best >= 0 and best != self._cur_page:
            self._cur_page = best
            self.pageChanged.emit(best)

    # ------------------------------------------------------------------ rendering
    def _schedule(self) -> None:
        if not self._sched.isActive():
            self._sched.start()

    def _tile_keys(self, page: int, rect: QRectF | None) -> list[tuple]:
        """Keys of tiles of `page` at the current scale intersecting `rect` (content coords; None = all)."""
        r = None if rect is None else (rect.x(), rect.y(), rect.width(), rect.height())
        return self._r.tile_keys(self._layout, page, self._dpr(), self._mode, r)

    def _at_rest(self) -> None:
        """Scrolling stopped: prepare around the view (both ways, beside) instead of ahead."""
        if self._dir:
            self._dir = 0
            self._schedule()

    def _update_requests(self) -> None:
        if self._r.spec is None:
            return
        self._r.update(self._layout, self._view_tuple(), self._dpr(), self._mode, self._dir)
        self._prefetch_page_data()

    def _prefetch_page_data(self) -> None:
        """Links of the visible pages now (hover and click need them); their text once the view
        rests a moment (selection needs it; not for every page flying past)."""
        v = self._view_tuple()
        for i in self._layout.pages_in(v[1], v[1] + v[3]):
            if i not in self._links:
                self._request(("links", i), (1, 2, i), lambda links, i=i, t=self._r.token: self._on_links(t, i, links))
        self._text_timer.start()

    def _prefetch_text(self) -> None:
        v = self._view_tuple()
        for i in self._layout.pages_in(v[1], v[1] + v[3]):
            if i not in self._text:
                self._request(("text", i), (3, 0, i), lambda chars, i=i, t=self._r.token: self._on_text(t, i, chars))

    def _request(self, what: tuple, prio: tuple, on_result, on_error=None, *, image: bool = False) -> None:
        """A one-off request for this document, not sent twice while one is on its way."""
        key = (what[0], self._r.token, *what[1:])
        pool = self._r.pool
        if self._r.spec is None or pool.in_flight(key) or key in self._requested:
            return
        self._requested.add(key)

        def done(res, key=key):
            self._requested.discard(key)
            on_result(res)

        def failed(msg, key=key):
            self._requested.discard(key)
            if on_error is not None:
                on_error(msg)

        self._r.submit(prio, what, done, failed, image=image, key=key)

    def _on_image(self, key: tuple) -> None:
        self.tileRendered.emit(key[1])
        if key in self._r.wanted:
            v = self._view_tuple()
            if key[1] in self._layout.pages_in(v[1], v[1] + v[3]):
                self.viewport().update()

    def _on_failed(self, page: int, msg: str) -> None:
        self.viewport().update()
        self.tileRendered.emit(page)

    def is_page_rendered(self, page: int) -> bool:
        """All tiles of `page` at the current zoom are in the cache (or the page failed)."""
        return self._r.page_ready(self._layout, page, self._dpr(), self._mode, None)

    def visible_tiles_ready(self) -> bool:
        if not self._sizes:
            return False
        v = self._view_tuple()
        return all(self._r.page_ready(self._layout, i, self._dpr(), self._mode, v)
                   for i in self._layout.pages_in(v[1], v[1] + v[3]))

    def page_thumbnail(self, page: int):
        """The low-resolution image of `page` in the current colour mode (a QImage), or None."""
        return self._r.cache.peek(self._r.low_key(page, self._mode)) if self._r.spec is not None else None

    def request_thumbnails(self, pages: list[int]) -> None:
        """Render the low-resolution images of `pages` (after what the view itself needs);
        tileRendered(page) says when each arrives."""
        self._r.request_lows(self._layout, list(pages), self._mode)

    def blank_visible_pages(self) -> list[int]:
        """Visible pages with nothing of theirs to paint yet: no sharp tile, no low-resolution
        image, no tile of another zoom (what the user would see as an empty page)."""
        if not self._sizes:
            return []
        v = self._view_tuple()
        skey = scale_key(self._layout.device_scale(self._dpr()))
        out = []
        for i in self._layout.pages_in(v[1], v[1] + v[3]):
            if i in self._failed:
                continue
            low, others = self._r.fallback_images(i, self._mode, skey)
            if low is None and not others and not any(k in self._r.cache for k in self._tile_keys(i, None)):
                out.append(i)
        return out

    def page_error(self, page: int) -> str | None:
        return self._r.failed.get(page)

    def cache_bytes(self) -> int:
        return self._r.cache.bytes

    def cache_peak_bytes(self) -> int:
        return self._r.cache.peak_bytes

    def cache_cap(self) -> int:
        return self._r.cache.cap_bytes

    def release_cache(self) -> None:
        """Drop the rendered images (e.g. the view is in a hidden tab); what is visible is
        rendered again when the view is shown."""
        self._r.cache.clear()

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        self._schedule()

    def render_stats(self) -> dict:
        """Longest single request of a render worker so far (ms, in the worker: it does not hold
        the GUI's GIL), the worker pids and how many were replaced after dying."""
        pool = self._r.pool
        return {"longest_call_ms": pool.longest_job_ms, "longest_call_cpu_ms": pool.longest_job_ms,
                "workers": pool.worker_pids(), "restarts": pool.restarts, "images": pool.images,
                "images_cpu_ms": pool.images_cpu_ms,
                "longest_gui_read_ms": pool.longest_read_ms}

    # ------------------------------------------------------------------ colour modes
    def set_color_mode(self, mode: str) -> None:
        """"normal", "night" (dark grey paper, light ink) or "sepia"; highlights adapt."""
        mode = color_modes.check_mode(mode)
        if mode == self._mode:
            return
        self._mode = mode
        self._schedule()
        self.viewport().update()
        self.colorModeChanged.emit(mode)

    def color_mode(self) -> str:
        return self._mode

    def set_night_mode(self, on: bool) -> None:
        self.set_color_mode(color_modes.NIGHT if on else color_modes.NORMAL)

    def night_mode(self) -> bool:
        return self._mode == color_modes.NIGHT

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _ev) -> None:
        t0 = time.perf_counter()
        p = QPainter(self.viewport())
        p.fillRect(self.viewport().rect(), QColor(color_modes.view_background(self._mode)))
        if not self._sizes:
            p.end()
            return
        hv, vv = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        v = self._view_rect()
        dpr = self._dpr()
        paper = QColor(color_modes.paper(self._mode))
        cache = self._r.cache
        skey = scale_key(self._layout.device_scale(dpr))
        cur = self._find.current()
        for i in self._pages_in(v.top(), v.bottom()):
            pr = self._page_rect(i).translated(-hv, -vv)
            if i in self._failed:
                self._overlay.paint_error(p, pr, self.tr("Page %1 could not be rendered: %2").replace(
                    "%1", str(i + 1)).replace("%2", self._failed.get(i, "")))
                continue
            p.fillRect(pr, paper)
            keys = self._tile_keys(i, v)
            if not all(k in cache for k in keys):
                self._paint_fallback(p, i, pr, skey)
            for k in keys:
                img = cache.get(k)
                if img is not None:
                    p.drawImage(QRectF(pr.x() + k[3] * TILE / dpr, pr.y() + k[4] * TILE / dpr,
                                       img.width() / dpr, img.height() / dpr), img)
            flash = None
            if self._flash is not None and self._flash[0] == i:
                flash = (self._flash[1], int(160 * max(0.0, 1.0 - self._flash_clock.elapsed() / FLASH_MS)))
            self._overlay.paint(p, pr, self._ppp(), self.zoom(),
                                highlights=[h for h in self._highlights if h["page"] == i], mode=self._mode,
                                hits=self._find.hits.get(i), current_hit=cur[1] if cur and cur[0] == i else None,
                                selection=self._sel_quads if self._sel is not None and self._sel[0] == i else None,
                                flash=flash)
        if self._area is not None:
            page, rect = self._area
            self._overlay.paint_area_band(p, self._page_rect(page).translated(-hv, -vv), self._ppp(), rect)
        p.end()
        self.max_paint_ms = max(self.max_paint_ms, (time.perf_counter() - t0) * 1000)

    def _paint_fallback(self, p: QPainter, page: int, pr: QRectF, skey: int) -> None:
        """While sharp tiles are missing: the page's low-resolution image, then the tiles of the
        nearest other scale (a zoom in progress), stretched."""
        low, others = self._r.fallback_images(page, self._mode, skey)
        if low is None and not others:
            return
        p.save()
        p.setClipRect(pr)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        if low is not None:
            p.drawImage(pr, low, QRectF(0, 0, low.width(), low.height()))
        if others:
            f = stretch_factor(self._layout, others[0][2])
            cache = self._r.cache
            for k in others:
                img = cache.peek(k)
                tgt = QRectF(pr.x() + k[3] * TILE * f, pr.y() + k[4] * TILE * f, img.width() * f, img.height() * f)
                p.drawImage(tgt, img, QRectF(0, 0, img.width(), img.height()))
        p.restore()

    # ------------------------------------------------------------------ links
    def _follow(self, ln: dict) -> None:
        """Follow a clicked link: the one place where a link leaves the document."""
        if "uri" in ln:
            url = ln["uri"]
            self.externalLinkClicked.emit(url)
            from readerapp.ui.link_policy import open_external

            open_external(self, url, self.url_opener)  # http(s)/mailto/DOI/arXiv open; others asked or refused
            return
        page, x, y = ln["target"]
        self.go_to(page, max(0.0, y - 4))
        self.linkFollowed.emit(page)

    # ------------------------------------------------------------------ text selection
    def set_tool(self, tool: str) -> None:
        if tool not in ("select", "area"):
            raise ValueError(f"unknown tool {tool!r}")
        self._tool = tool
        self._area = None
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if tool == "area" else Qt.CursorShape.IBeamCursor)
        self.viewport().update()

    def tool(self) -> str:
        return self._tool

    def _ensure_text(self, page: int) -> None:
        if self._r.spec is None or page < 0 or page in self._text:
            return
        self._request(("text", page), (0, 1, page),
                      lambda chars, t=self._r.token: self._on_text(t, page, chars),
                      lambda msg, t=self._r.token: self._on_text(t, page, []))

    def is_text_loaded(self, page: int) -> bool:
        return page in self._text

    def _on_text(self, token: int, page: int, chars) -> None:
        if token != self._r.token:
            return
        self._text[page] = chars
        self._lines[page] = build_lines(chars)
        if len(self._text) > TEXT_PAGES_KEPT:  # the oldest, unless it holds the selection
            for old in list(self._text)[: len(self._text) - TEXT_PAGES_KEPT]:
                if self._sel is None or self._sel[0] != old:
                    self._text.pop(old, None)
                    self._lines.pop(old, None)
        if self._press is not None and self._press.get("drag") and self._press["page"] == page:
            self._update_selection()
        elif self._pending_emit:
            self._update_selection(final=True)

    def _set_selection(self, page: int, a: int, b: int, emit: bool) -> None:
        chars = self._text.get(page) or []
        if b <= a:
            self._sel, self._sel_quads, self._sel_text = None, [], ""
            self.viewport().update()
            if emit:
                self.selectionChanged.emit(page, [], "")
            return
        self._sel = (page, a, b)
        self._sel_quads, self._sel_text = selection_of(chars, a, b)
        self.viewport().update()
        if emit:
            self.selectionChanged.emit(page, list(self._sel_quads), self._sel_text)

    def selected_text(self) -> str:
        return self._sel_text

    def selection(self) -> tuple[int, list, str] | None:
        if self._sel is None:
            return None
        return self._sel[0], list(self._sel_quads), self._sel_text

    def copy_selection(self) -> bool:
        if not self._sel_text:
            return False
        QGuiApplication.clipboard().setText(self._sel_text)
        return True

    def clear_selection(self) -> None:
        had = self._sel is not None
        self._sel, self._sel_quads, self._sel_text = None, [], ""
        self._last_press = None
        self.viewport().update()
        if had:
            self.selectionChanged.emit(-1, [], "")

    # ------------------------------------------------------------------ highlights / flash
    def set_highlights(self, items: Iterable) -> None:
        """items: dicts or objects with id, page (0-based), quads (PDF coords; 8 floats, 4 points,
        pymupdf.Quad or a 4-float rect), color ("#ffd400"), kind ("highlight"|"underline"|"area")."""
        out = []
        for it in items or ():
            quads = [quad8(q) for q in (_get(it, "quads") or ())]
            out.append({"id": _get(it, "id"), "page": int(_get(it, "page", 0)), "quads": quads,
                        "color": str(_get(it, "color") or "#ffd400"), "kind": str(_get(it, "kind") or "highlight")})
        self._highlights = out
        self.viewport().update()

    def flash_region(self, page: int, rect) -> None:
        """Scroll `rect` (PDF coords) of `page` into view and mark it briefly."""
        if not self._sizes:
            return
        r = tuple(float(v) for v in (tuple(rect) if not isinstance(rect, pymupdf.Rect) else rect))
        self._ensure_visible(page, r)
        self._flash = (page, r)
        self._flash_clock.restart()
        self._flash_timer.start()
        self.viewport().update()

    def _flash_tick(self) -> None:
        if self._flash_clock.elapsed() > FLASH_MS:
            self._flash = None
            self._flash_timer.stop()
        self.viewport().update()

    def _ensure_visible(self, page: int, r: tuple) -> None:
        pr = self._page_rect(page)
        ppp = self._ppp()
        top, bottom = pr.y() + r[1] * ppp, pr.y() + r[3] * ppp
        v = self._view_rect()
        if top < v.top() + 20 or bottom > v.bottom() - 20:
            self.verticalScrollBar().setValue(round((top + bottom) / 2 - v.height() / 2))
        left, right = pr.x() + r[0] * ppp, pr.x() + r[2] * ppp
        if left < v.left() or right > v.right():
            self.horizontalScrollBar().setValue(round((left + right) / 2 - v.width() / 2))
        self._update_current_page()


__all__ = ["PasswordRequiredError", "PdfOpenError", "PdfView", "PT_TO_PX", "ZOOM_MAX", "ZOOM_MIN"]
