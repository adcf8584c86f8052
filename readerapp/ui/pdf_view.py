"""PdfView: a continuous-scroll PDF viewing widget.

Self-contained: knows nothing about the library database. It renders pages in
worker threads (see render.py), emits signals for what the user does and
draws what the caller gives it (highlights).

Coordinates
-----------
"PDF coordinates" here are PyMuPDF page coordinates: points, origin at the
top-left of ``page.rect``, y pointing down (what ``page.search_for``,
``page.get_text`` and ``page.add_highlight_annot`` use). A *quad* is a tuple of
8 floats ``(ul.x, ul.y, ur.x, ur.y, ll.x, ll.y, lr.x, lr.y)``, i.e. the corner
order of ``pymupdf.Quad``: ``pymupdf.Quad(q[0:2], q[2:4], q[4:6], q[6:8])``.
A rect is ``(x0, y0, x1, y1)``. Pages are 0-based everywhere.

Public API
----------
Signals: pageChanged(int), zoomChanged(float), selectionChanged(int, list, str),
areaSelected(int, tuple), highlightClicked(object), externalLinkClicked(str),
linkFollowed(int), documentOpened(int), findFinished(int).

Methods: open(path, password=None), close_document(), page_count(), outline(),
go_to(page, y=None), current_page(), zoom(), zoom_mode(), set_zoom(z),
zoom_in(), zoom_out(), fit_width(), fit_page(), back(), forward(),
find(text) -> int, start_find(text), find_next(), find_previous(), clear_find(),
find_hits(), find_position(), highlight_at(pos), set_tool("select"|"area"), selected_text(), copy_selection(),
clear_selection(), set_highlights(items), flash_region(page, rect),
set_night_mode(bool), night_mode(), state(), restore_state(d),
is_page_rendered(page), visible_tiles_ready(), cache_bytes(), cache_cap(), release_cache(),
render_stats().
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pymupdf
from PySide6.QtCore import (QElapsedTimer, QEventLoop, QPoint, QPointF, QRectF, QTimer, QUrl, Qt,
                            Signal)
from PySide6.QtGui import (QColor, QDesktopServices, QGuiApplication, QImage, QKeySequence, QPainter,
                           QPainterPath, QPen, QPolygonF)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from . import color_modes
from .link_preview import LinkPreview
from .render import (DEFAULT_CACHE_BYTES, TILE, DocSpec, Renderer, find_all, key_scale, page_crop, page_links,
                     page_text, qimage_from_rgb, scale_key)

MARGIN = 10      # logical px around the pages
GAP = 10         # logical px between pages
ZOOM_MIN, ZOOM_MAX = 0.25, 8.0
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0,
              5.0, 6.0, 8.0)
PT_TO_PX = 96.0 / 72.0  # zoom 1.0 (100 %) = the page's physical size at 96 logical dpi
LINK_PREVIEW_DELAY_MS = 450
FLASH_MS = 1600


class PdfOpenError(Exception):
    """The file could not be opened as a document (missing, not a PDF, broken)."""


class PasswordRequiredError(PdfOpenError):
    """The document is encrypted and no (or a wrong) password was given."""


def _quad8(q) -> tuple:
    """Normalise a quad-like (8 floats, 4 points, pymupdf.Quad, or a 4-float rect) to 8 floats."""
    if isinstance(q, pymupdf.Quad):
        return tuple(q.ul) + tuple(q.ur) + tuple(q.ll) + tuple(q.lr)
    if isinstance(q, pymupdf.Rect):
        q = tuple(q)
    q = list(q)
    if len(q) == 4 and all(isinstance(v, (int, float)) for v in q):
        x0, y0, x1, y1 = q
        return (x0, y0, x1, y0, x0, y1, x1, y1)
    if len(q) == 4:  # four points
        return tuple(float(c) for pt in q for c in pt)
    if len(q) == 8:
        return tuple(float(v) for v in q)
    raise ValueError(f"not a quad: {q!r}")


def _quad_bbox(q: tuple) -> tuple:
    xs, ys = q[0::2], q[1::2]
    return (min(xs), min(ys), max(xs), max(ys))


def _get(item, name, default=None):
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


class PdfView(QAbstractScrollArea):
    pageChanged = Signal(int)
    zoomChanged = Signal(float)
    selectionChanged = Signal(int, list, str)   # page, quads (8-float tuples, PDF coords), text
    areaSelected = Signal(int, tuple)           # page, (x0, y0, x1, y1) PDF coords
    highlightClicked = Signal(object)           # the id given in set_highlights
    externalLinkClicked = Signal(str)
    linkFollowed = Signal(int)                  # target page of an internal link
    documentOpened = Signal(int)                # page count
    findFinished = Signal(int)                  # total hits
    tileRendered = Signal(int)                  # page (a tile of it arrived)

    def __init__(self, parent: QWidget | None = None, *, cache_bytes: int = DEFAULT_CACHE_BYTES,
                 url_opener: Callable[[QUrl], object] | None = None):
        super().__init__(parent)
        self.url_opener = url_opener or QDesktopServices.openUrl  # injectable (tests)
        self._r = Renderer(cache_bytes)
        # Worker results are polled (see render.py for why workers never touch Qt).
        self._pump_timer = QTimer(self, interval=4)
        self._pump_timer.timeout.connect(self._pump)

        self._doc: pymupdf.Document | None = None
        self._spec: DocSpec | None = None
        self._token = 0
        self._sizes: list[tuple[float, float]] = []
        self._toc: list = []
        self._zoom = 1.0
        self._zoom_mode = "fit_width"
        self._page_y: list[float] = []
        self._content_w = 0.0
        self._content_h = 0.0
        self._cur_page = -1
        self._night = False
        self._tool = "select"
        self._failed: dict[int, str] = {}
        self._text: dict[int, list] = {}
        self._lines: dict[int, list] = {}
        self._text_pending: set[int] = set()
        self._links: dict[int, list] = {}
        self._links_pending: set[int] = set()
        self._highlights: list[dict] = []
        self._sel: tuple | None = None          # (page, start_idx, end_idx)
        self._sel_quads: list[tuple] = []
        self._sel_text = ""
        self._press: dict | None = None
        self._last_press: dict | None = None
        self._pending_emit = False
        self._area: tuple | None = None          # (page, rect) being dragged / last
        self._hist_back: list[tuple] = []
        self._hist_fwd: list[tuple] = []
        self._find_gen = 0
        self._find_text = ""
        self._find_hits: dict[int, list] = {}
        self._find_order: list[tuple[int, int]] = []
        self._find_cur = -1
        self._find_total = 0
        self._find_running = False
        self._flash: tuple | None = None         # (page, rect)
        self._flash_clock = QElapsedTimer()
        self._flash_timer = QTimer(self, interval=40)
        self._flash_timer.timeout.connect(self._flash_tick)
        self._sched = QTimer(self, singleShot=True, interval=0)
        self._sched.timeout.connect(self._update_requests)
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
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.horizontalScrollBar().valueChanged.connect(self._on_scrolled)

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
        try:
            toc = doc.get_toc(simple=True)
        except Exception:
            toc = []
        self.close_document()
        self._token += 1
        self._doc = doc
        self._spec = DocSpec(self._token, path, password)
        self._sizes = sizes
        self._toc = toc
        self._cur_page = -1
        self._relayout()
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().maximum() // 2)
        self._update_requests()
        self._update_current_page()
        self.viewport().update()
        self.documentOpened.emit(doc.page_count)

    def close_document(self) -> None:
        self._r.state.wanted = frozenset()
        self._r.state.find_gen += 1
        if self._spec is not None:
            self._r.set_tile_queue([])
        self._r.cache.clear()
        if self._doc is not None:
            self._doc.close()
        self._doc = None
        self._spec = None
        self._sizes = []
        self._toc = []
        for d in (self._failed, self._text, self._lines, self._links, self._find_hits):
            d.clear()
        self._text_pending.clear()
        self._links_pending.clear()
        self._highlights = []
        self._sel, self._sel_quads, self._sel_text = None, [], ""
        self._area = None
        self._hist_back.clear()
        self._hist_fwd.clear()
        self._find_order, self._find_cur, self._find_total = [], -1, 0
        self._flash = None
        self._preview.hide()
        self._relayout()
        self.viewport().update()

    def shutdown(self) -> None:
        """Stop the workers (call before the application quits)."""
        self._r.shutdown()

    def page_count(self) -> int:
        return len(self._sizes)

    def page_size(self, page: int) -> tuple[float, float]:
        return self._sizes[page]

    def outline(self) -> list[tuple[int, str, int]]:
        """(level, title, page) with 0-based pages; entries without a target have page -1."""
        return [(int(lvl), str(title), int(pno) - 1) for lvl, title, pno, *_ in self._toc]

    # ------------------------------------------------------------------ layout
    def _ppp(self) -> float:
        """Logical pixels per PDF point."""
        return self._zoom * PT_TO_PX

    def _dpr(self) -> float:
        return float(self.viewport().devicePixelRatioF() or 1.0)

    def _relayout(self) -> None:
        ppp = self._ppp()
        y = MARGIN
        self._page_y = []
        maxw = 0.0
        for w, h in self._sizes:
            self._page_y.append(float(round(y)))
            y += round(h * ppp) + GAP
            maxw = max(maxw, w * ppp)
        vw = self.viewport().width()
        self._content_w = max(float(vw), maxw + 2 * MARGIN)
        self._content_h = (y - GAP + MARGIN) if self._sizes else 0.0
        vs, hs = self.verticalScrollBar(), self.horizontalScrollBar()
        vh = self.viewport().height()
        vs.setRange(0, max(0, int(math.ceil(self._content_h - vh))))
        vs.setPageStep(max(1, vh))
        vs.setSingleStep(20)
        hs.setRange(0, max(0, int(math.ceil(self._content_w - vw))))
        hs.setPageStep(max(1, vw))
        hs.setSingleStep(20)

    def _page_rect(self, i: int) -> QRectF:
        """Page rect in content coordinates (logical px)."""
        w, h = self._sizes[i]
        ppp = self._ppp()
        pw, ph = round(w * ppp), round(h * ppp)
        x = round((self._content_w - pw) / 2)
        return QRectF(x, self._page_y[i], pw, ph)

    def _view_rect(self) -> QRectF:
        return QRectF(self.horizontalScrollBar().value(), self.verticalScrollBar().value(),
                      self.viewport().width(), self.viewport().height())

    def _pages_in(self, y0: float, y1: float) -> range:
        if not self._sizes:
            return range(0)
        a = max(0, bisect.bisect_right(self._page_y, y0) - 1)
        b = bisect.bisect_right(self._page_y, y1)
        return range(a, min(b, len(self._sizes)))

    def _to_pdf(self, page: int, vp: QPointF) -> tuple[float, float]:
        """Viewport point -> PDF coordinates on `page` (may lie outside the page)."""
        r = self._page_rect(page)
        ppp = self._ppp()
        cx = vp.x() + self.horizontalScrollBar().value()
        cy = vp.y() + self.verticalScrollBar().value()
        return ((cx - r.x()) / ppp, (cy - r.y()) / ppp)

    def _to_view(self, page: int, x: float, y: float) -> QPointF:
        r = self._page_rect(page)
        ppp = self._ppp()
        return QPointF(r.x() + x * ppp - self.horizontalScrollBar().value(),
                       r.y() + y * ppp - self.verticalScrollBar().value())

    def _page_at(self, vp: QPointF, nearest: bool = False) -> int:
        cy = vp.y() + self.verticalScrollBar().value()
        cx = vp.x() + self.horizontalScrollBar().value()
        for i in self._pages_in(cy, cy):
            if self._page_rect(i).contains(QPointF(cx, cy)):
                return i
        if nearest and self._sizes:
            i = max(0, bisect.bisect_right(self._page_y, cy) - 1)
            if i + 1 < len(self._sizes) and cy > self._page_rect(i).bottom():
                # in the gap: the closer page
                if self._page_y[i + 1] - cy < cy - self._page_rect(i).bottom():
                    i += 1
            return i
        return -1

    # ------------------------------------------------------------------ position / zoom
    def current_page(self) -> int:
        return max(0, self._cur_page)

    def zoom(self) -> float:
        return self._zoom

    def zoom_mode(self) -> str:
        return self._zoom_mode

    def _anchor(self, vp: QPointF | None) -> tuple[int, float, float, QPointF]:
        vp = vp if vp is not None else QPointF(self.viewport().width() / 2, 0)
        page = self._page_at(vp, nearest=True)
        x, y = self._to_pdf(page, vp)
        return page, x, y, vp

    def _restore_anchor(self, anchor) -> None:
        page, x, y, vp = anchor
        r = self._page_rect(page)
        ppp = self._ppp()
        self.horizontalScrollBar().setValue(round(r.x() + x * ppp - vp.x()))
        self.verticalScrollBar().setValue(round(r.y() + y * ppp - vp.y()))

    def _apply_zoom(self, z: float, mode: str, anchor_vp: QPointF | None = None) -> None:
        z = min(ZOOM_MAX, max(ZOOM_MIN, float(z)))
        self._zoom_mode = mode
        if not self._sizes:
            self._zoom = z
            return
        anchor = self._anchor(anchor_vp)
        changed = abs(z - self._zoom) > 1e-9
        self._zoom = z
        self._relayout()
        self._restore_anchor(anchor)
        self._schedule()
        self.viewport().update()
        if changed:
            self.zoomChanged.emit(z)

    def set_zoom(self, z: float, anchor: QPointF | None = None) -> None:
        """Set zoom (1.0 = 100 %). `anchor` is a viewport point that stays put (default: top centre)."""
        self._apply_zoom(z, "custom", anchor)

    def zoom_in(self, anchor: QPointF | None = None) -> None:
        nxt = next((s for s in ZOOM_STEPS if s > self._zoom * 1.001), ZOOM_MAX)
        self._apply_zoom(nxt, "custom", anchor)

    def zoom_out(self, anchor: QPointF | None = None) -> None:
        prv = next((s for s in reversed(ZOOM_STEPS) if s < self._zoom / 1.001), ZOOM_MIN)
        self._apply_zoom(prv, "custom", anchor)

    def _fit_zoom(self, mode: str) -> float:
        if not self._sizes:
            return self._zoom
        vw = max(50, self.viewport().width() - 2 * MARGIN)
        if mode == "fit_width":
            return vw / (max(w for w, _ in self._sizes) * PT_TO_PX)
        w, h = self._sizes[self.current_page()]
        vh = max(50, self.viewport().height() - 2 * GAP)
        return min(vw / (w * PT_TO_PX), vh / (h * PT_TO_PX))

    def fit_width(self) -> None:
        self._apply_zoom(self._fit_zoom("fit_width"), "fit_width")

    def fit_page(self) -> None:
        page = self.current_page()
        self._apply_zoom(self._fit_zoom("fit_page"), "fit_page")
        self._scroll_to(page, None, top_margin=GAP)

    def _scroll_to(self, page: int, y: float | None, top_margin: float = GAP) -> None:
        r = self._page_rect(page)
        yy = r.y() + (y * self._ppp() if y is not None else 0) - top_margin
        self.verticalScrollBar().setValue(round(yy))
        self._update_current_page()

    def _position(self) -> tuple[int, float]:
        """(page, y in PDF points) at the top edge of the view; in a gap, the page below (y < 0)."""
        if not self._sizes:
            return 0, 0.0
        cy = float(self.verticalScrollBar().value())
        page = max(0, bisect.bisect_right(self._page_y, cy) - 1)
        if cy >= self._page_rect(page).bottom() and page + 1 < len(self._sizes):
            page += 1
        return page, (cy - self._page_y[page]) / self._ppp()

    def go_to(self, page: int, y: float | None = None, *, record: bool = True) -> None:
        """Show `page` (0-based) at the top; `y` (PDF points from the page top) is put near the top."""
        if not self._sizes:
            return
        page = max(0, min(int(page), len(self._sizes) - 1))
        if record:
            self._hist_back.append(self._position())
            self._hist_fwd.clear()
        self._scroll_to(page, y, top_margin=GAP if y is None else 30)

    def back(self) -> bool:
        if not self._hist_back:
            return False
        self._hist_fwd.append(self._position())
        page, y = self._hist_back.pop()
        self._scroll_to(page, y, top_margin=0)
        return True

    def forward(self) -> bool:
        if not self._hist_fwd:
            return False
        self._hist_back.append(self._position())
        page, y = self._hist_fwd.pop()
        self._scroll_to(page, y, top_margin=0)
        return True

    def state(self) -> dict:
        page, y = self._position()
        h = self._sizes[page][1] if self._sizes else 1.0
        return {"page": page, "offset": y / h if h else 0.0, "zoom_mode": self._zoom_mode,
                "zoom": self._zoom, "night": self._night}

    def restore_state(self, st: dict) -> None:
        mode = st.get("zoom_mode", "custom")
        if mode in ("fit_width", "fit_page"):
            self._apply_zoom(self._fit_zoom(mode), mode)
        else:
            self._apply_zoom(float(st.get("zoom", 1.0)), "custom")
        if "night" in st:
            self.set_night_mode(bool(st["night"]))
        if self._sizes:
            page = max(0, min(int(st.get("page", 0)), len(self._sizes) - 1))
            self._scroll_to(page, float(st.get("offset", 0.0)) * self._sizes[page][1], top_margin=0)
        self._schedule()

    def _update_current_page(self) -> None:
        if not self._sizes:
            return
        v = self._view_rect()
        best, best_area = -1, -1.0
        for i in self._pages_in(v.top(), v.bottom()):
            inter = self._page_rect(i).intersected(v)
            a = inter.width() * inter.height() if not inter.isEmpty() else 0.0
            if a > best_area + 1e-6:
                best, best_area = i, a
        if best >= 0 and best != self._cur_page:
            self._cur_page = best
            self.pageChanged.emit(best)

    # ------------------------------------------------------------------ rendering
    def _schedule(self) -> None:
        if not self._sched.isActive():
            self._sched.start()

    def _tile_keys(self, page: int, rect: QRectF | None) -> list[tuple]:
        """Keys of tiles of `page` at the current scale intersecting `rect` (content coords; None = all)."""
        s = self._ppp() * self._dpr()
        skey = scale_key(s)
        w, h = self._sizes[page]
        dw, dh = w * s, h * s
        ntx, nty = max(1, math.ceil(dw / TILE)), max(1, math.ceil(dh / TILE))
        if rect is None:
            txr, tyr = range(ntx), range(nty)
        else:
            pr = self._page_rect(page)
            inter = pr.intersected(rect)
            if inter.isEmpty():
                return []
            dpr = self._dpr()
            x0 = (inter.left() - pr.left()) * dpr
            x1 = (inter.right() - pr.left()) * dpr
            y0 = (inter.top() - pr.top()) * dpr
            y1 = (inter.bottom() - pr.top()) * dpr
            txr = range(max(0, int(x0 // TILE)), min(ntx, int(x1 // TILE) + 1))
            tyr = range(max(0, int(y0 // TILE)), min(nty, int(y1 // TILE) + 1))
        return [(self._token, page, skey, tx, ty, self._night) for ty in tyr for tx in txr]

    def _update_requests(self) -> None:
        if self._spec is None:
            return
        v = self._view_rect()
        ext = v.adjusted(-v.width() * 0.25, -v.height(), v.width() * 0.25, v.height())
        visible: list[tuple] = []
        for i in self._pages_in(v.top(), v.bottom()):
            if i not in self._failed:
                visible += self._tile_keys(i, v)
        around: list[tuple] = []
        for i in self._pages_in(ext.top(), ext.bottom()):
            if i not in self._failed:
                around += [k for k in self._tile_keys(i, ext) if k not in visible]
        cache = self._r.cache
        cache.set_pinned(visible)
        self._r.state.wanted = frozenset(visible) | frozenset(around)
        # Links of visible pages: cheap, needed for hover/click.
        for i in self._pages_in(v.top(), v.bottom()):
            if i not in self._links and i not in self._links_pending:
                self._links_pending.add(i)
                self._submit(page_links, self._spec, i, priority=1)
        running = set(self._r.state.running)
        cy = v.center().y()

        def dist(k):
            r = self._page_rect(k[1])
            return abs(r.y() + (k[4] + 0.5) * TILE / self._dpr() - cy)

        groups: list = []
        for group in (visible, around):
            missing = sorted((k for k in group if k not in cache and k not in running), key=dist)
            by_page: dict[int, list] = {}
            for k in missing:
                by_page.setdefault(k[1], []).append(k)
            groups += [(self._spec, page, keys) for page, keys in by_page.items()]
        self._r.set_tile_queue(groups)
        if groups:
            self._pump_timer.start()

    def _submit(self, fn, *args, priority: int = 0) -> None:
        self._r.submit(fn, *args, priority=priority)
        self._pump_timer.start()

    def _pump(self) -> None:
        """Take worker results on the GUI thread, within a small time budget per tick."""
        t0 = time.perf_counter()
        dirty = False
        while True:
            batch = self._r.poll(limit=4)
            if not batch:
                break
            for res in batch:
                kind = res[0]
                if kind == "tile":
                    dirty |= self._on_tile(*res[1:])
                elif kind == "tile_failed":
                    self._on_tile_failed(*res[1:])
                elif kind == "text":
                    self._on_text(*res[1:])
                elif kind == "links":
                    self._on_links(*res[1:])
                elif kind == "crop":
                    self._on_crop(*res[1:])
                elif kind == "find_page":
                    self._on_find_page(*res[1:])
                elif kind == "find_done":
                    self._on_find_done(*res[1:])
            if time.perf_counter() - t0 > 0.012:
                break
        if dirty:
            self.viewport().update()
        if not self._r.busy():
            self._pump_timer.stop()

    def _on_tile(self, key, w: int, h: int, stride: int, samples: bytes) -> bool:
        if key[0] != self._token:
            return False
        img = qimage_from_rgb(w, h, stride, samples, self._dpr())
        self._r.cache.put(key, img)
        self.tileRendered.emit(key[1])
        return key in self._r.state.wanted


    def _on_tile_failed(self, token: int, page: int, msg: str) -> None:
        if token != self._token:
            return
        self._failed[page] = msg
        self.viewport().update()
        self.tileRendered.emit(page)

    def is_page_rendered(self, page: int) -> bool:
        """All tiles of `page` at the current zoom are in the cache (or the page failed)."""
        if page in self._failed:
            return True
        return all(k in self._r.cache for k in self._tile_keys(page, None))

    def visible_tiles_ready(self) -> bool:
        if not self._sizes:
            return False
        v = self._view_rect()
        for i in self._pages_in(v.top(), v.bottom()):
            if i in self._failed:
                continue
            if not all(k in self._r.cache for k in self._tile_keys(i, v)):
                return False
        return True

    def page_error(self, page: int) -> str | None:
        return self._failed.get(page)

    def cache_bytes(self) -> int:
        return self._r.cache.bytes

    def cache_peak_bytes(self) -> int:
        return self._r.cache.peak_bytes

    def release_cache(self) -> None:
        """Drop the rendered tiles (e.g. the view is in a hidden tab); what is visible is
        rendered again when the view is shown."""
        self._r.cache.clear()

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        self._schedule()

    def cache_cap(self) -> int:
        return self._r.cache.cap_bytes

    def render_stats(self) -> dict:
        """Longest single render call of the tile worker so far, in ms: wall clock and thread CPU
        time (PyMuPDF holds the GIL during a call, so the GUI thread can wait that long)."""
        st = self._r.state
        return {"longest_call_ms": st.longest_call_ms, "longest_call_cpu_ms": st.longest_call_cpu_ms}

    def set_night_mode(self, on: bool) -> None:
        on = bool(on)
        if on == self._night:
            return
        # Convert the visible tiles right away (no flash of placeholders), the rest re-render on demand.
        v = self._view_rect()
        self._night = on
        cache = self._r.cache
        for i in self._pages_in(v.top(), v.bottom()):
            for k in self._tile_keys(i, v):
                old = cache.peek(k[:5] + (not on,))
                if old is not None and k not in cache:
                    img = old.copy()
                    img.invertPixels()
                    img.setDevicePixelRatio(old.devicePixelRatio())
                    cache.put(k, img)
        self._schedule()
        self.viewport().update()

    def night_mode(self) -> bool:
        return self._night

    # Minimal colour modes (desk branch, issue 14): night wraps the night flag, sepia tints the
    # normal tiles as they are painted. The render helper's set_color_mode replaces this.
    def set_color_mode(self, mode: str) -> None:
        self._color_mode = color_modes.check_mode(mode)
        self.set_night_mode(mode == "night")
        self.viewport().update()

    def color_mode(self) -> str:
        if self._night:
            return "night"
        return "sepia" if getattr(self, "_color_mode", "normal") == "sepia" else "normal"

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _ev) -> None:
        t0 = time.perf_counter()
        p = QPainter(self.viewport())
        p.fillRect(self.viewport().rect(), QColor("#2b2b2b") if self._night else QColor("#8a8a8a"))
        if not self._sizes:
            p.end()
            return
        hv, vv = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        v = self._view_rect()
        dpr = self._dpr()
        page_bg = QColor("#000000") if self._night else QColor("#ffffff")
        cache = self._r.cache
        for i in self._pages_in(v.top(), v.bottom()):
            pr = self._page_rect(i).translated(-hv, -vv)
            if i in self._failed:
                self._paint_error(p, pr, i)
                continue
            p.fillRect(pr, page_bg)
            keys = self._tile_keys(i, v)
            if not all(k in cache for k in keys):
                self._paint_fallback(p, i, pr)
            for k in keys:
                img = cache.get(k)
                if img is not None:
                    p.drawImage(QPointF(pr.x() + k[3] * TILE / dpr, pr.y() + k[4] * TILE / dpr), img)
            color_modes.paint_page_filter(p, QRectF(pr), self.color_mode())
            self._paint_overlays(p, i, pr)
        if self._area is not None:
            page, rect = self._area
            self._paint_area_band(p, page, rect)
        p.end()
        self.max_paint_ms = max(self.max_paint_ms, (time.perf_counter() - t0) * 1000)

    def _paint_fallback(self, p: QPainter, page: int, pr: QRectF) -> None:
        """While the current scale is missing, stretch tiles of another scale (zoom in progress)."""
        cache = self._r.cache
        best = None
        for k in cache.keys_for_page(self._token, page):
            if k[5] == self._night and (best is None or abs(k[2] - scale_key(self._ppp() * self._dpr()))
                                        < abs(best - scale_key(self._ppp() * self._dpr()))):
                best = k[2]
        if best is None:
            return
        s_old = key_scale(best)
        f = self._ppp() / s_old  # logical px per old device px
        p.save()
        p.setClipRect(pr)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for k in cache.keys_for_page(self._token, page):
            if k[2] == best and k[5] == self._night:
                img = cache.peek(k)
                tgt = QRectF(pr.x() + k[3] * TILE * f, pr.y() + k[4] * TILE * f, img.width() * f, img.height() * f)
                p.drawImage(tgt, img, QRectF(0, 0, img.width(), img.height()))
        p.restore()

    def _paint_error(self, p: QPainter, pr: QRectF, page: int) -> None:
        p.fillRect(pr, QColor("#9e9e9e"))
        p.setPen(QColor("#202020"))
        msg = self.tr("Page %1 could not be rendered: %2").replace("%1", str(page + 1)).replace(
            "%2", self._failed.get(page, ""))
        p.drawText(pr.adjusted(12, 12, -12, -12), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, msg)

    def _poly(self, pr: QRectF, q: tuple) -> QPolygonF:
        ppp = self._ppp()
        return QPolygonF([QPointF(pr.x() + q[0] * ppp, pr.y() + q[1] * ppp),
                          QPointF(pr.x() + q[2] * ppp, pr.y() + q[3] * ppp),
                          QPointF(pr.x() + q[6] * ppp, pr.y() + q[7] * ppp),
                          QPointF(pr.x() + q[4] * ppp, pr.y() + q[5] * ppp)])

    def _rectf(self, pr: QRectF, r: tuple) -> QRectF:
        ppp = self._ppp()
        return QRectF(pr.x() + r[0] * ppp, pr.y() + r[1] * ppp, (r[2] - r[0]) * ppp, (r[3] - r[1]) * ppp)

    def _paint_overlays(self, p: QPainter, page: int, pr: QRectF) -> None:
        p.save()
        p.setPen(Qt.PenStyle.NoPen)
        multiply = QPainter.CompositionMode.CompositionMode_Multiply
        # caller's highlights
        for h in self._highlights:
            if h["page"] != page:
                continue
            c = QColor(h["color"])
            if h["kind"] == "underline":
                pen = QPen(c, max(1.5, 1.2 * self._zoom))
                p.setPen(pen)
                for q in h["quads"]:
                    p.drawLine(QPointF(pr.x() + q[4] * self._ppp(), pr.y() + q[5] * self._ppp()),
                               QPointF(pr.x() + q[6] * self._ppp(), pr.y() + q[7] * self._ppp()))
                p.setPen(Qt.PenStyle.NoPen)
            elif h["kind"] == "area":
                fill = QColor(c)
                fill.setAlpha(40)
                for q in h["quads"]:
                    p.setBrush(fill)
                    p.setPen(QPen(c, 2))
                    p.drawPolygon(self._poly(pr, q))
                p.setPen(Qt.PenStyle.NoPen)
            else:
                if not self._night:
                    p.setCompositionMode(multiply)
                    fill = QColor(c)
                else:
                    fill = QColor(c)
                    fill.setAlpha(110)
                p.setBrush(fill)
                for q in h["quads"]:
                    p.drawPolygon(self._poly(pr, q))
                p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        # find hits
        hits = self._find_hits.get(page)
        if hits:
            cur = self._find_order[self._find_cur] if 0 <= self._find_cur < len(self._find_order) else None
            p.setBrush(QColor(255, 200, 0, 110))
            for n, q in enumerate(hits):
                if cur == (page, n):
                    continue
                p.drawPolygon(self._poly(pr, q))
            if cur is not None and cur[0] == page:
                p.setBrush(QColor(255, 100, 0, 150))
                p.setPen(QPen(QColor(220, 60, 0), 1.5))
                p.drawPolygon(self._poly(pr, hits[cur[1]]))
                p.setPen(Qt.PenStyle.NoPen)
        # selection
        if self._sel is not None and self._sel[0] == page:
            p.setBrush(QColor(40, 110, 230, 80))
            for q in self._sel_quads:
                p.drawPolygon(self._poly(pr, q))
        # flash
        if self._flash is not None and self._flash[0] == page:
            t = self._flash_clock.elapsed() / FLASH_MS
            alpha = int(160 * max(0.0, 1.0 - t))
            if alpha > 0:
                p.setBrush(QColor(255, 140, 0, alpha))
                p.setPen(QPen(QColor(230, 90, 0, min(255, alpha + 60)), 2))
                p.drawRect(self._rectf(pr, self._flash[1]).adjusted(-3, -3, 3, 3))
        p.restore()

    def _paint_area_band(self, p: QPainter, page: int, rect: tuple) -> None:
        pr = self._page_rect(page).translated(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())
        p.save()
        p.setBrush(QColor(40, 110, 230, 40))
        p.setPen(QPen(QColor(40, 110, 230), 1.5, Qt.PenStyle.DashLine))
        p.drawRect(self._rectf(pr, rect))
        p.restore()

    # ------------------------------------------------------------------ events
    def resizeEvent(self, ev) -> None:
        anchor = self._anchor(None) if self._sizes else None
        super().resizeEvent(ev)
        if self._zoom_mode in ("fit_width", "fit_page") and self._sizes:
            z = self._fit_zoom(self._zoom_mode)
            changed = abs(z - self._zoom) > 1e-9
            self._zoom = z
            if changed:
                self.zoomChanged.emit(z)
        self._relayout()
        if anchor is not None:
            self._restore_anchor(anchor)
        passage = getattr(self, "_passage", None)
        if passage is not None and time.monotonic() - passage[2] < 1.0:
            self._centre_passage(passage[0], passage[1])  # a new tab laid out after the hit was opened
        self._schedule()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def _on_scrolled(self, _v: int) -> None:
        self._preview.hide()
        self._hover_timer.stop()
        self._schedule()
        self._update_current_page()
        self.viewport().update()

    def wheelEvent(self, ev) -> None:
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            dy = ev.angleDelta().y()
            if dy:
                pos = ev.position()
                (self.zoom_in if dy > 0 else self.zoom_out)(QPointF(pos))
            ev.accept()
            return
        super().wheelEvent(ev)

    def keyPressEvent(self, ev) -> None:
        key, mods = ev.key(), ev.modifiers()
        vs = self.verticalScrollBar()
        page_step = max(40, self.viewport().height() - 40)
        K = Qt.Key
        if ev.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif mods & Qt.KeyboardModifier.AltModifier and key == K.Key_Left:
            self.back()
        elif mods & Qt.KeyboardModifier.AltModifier and key == K.Key_Right:
            self.forward()
        elif key == K.Key_PageDown or (key == K.Key_Space and not mods & Qt.KeyboardModifier.ShiftModifier):
            vs.setValue(vs.value() + page_step)
        elif key == K.Key_PageUp or (key == K.Key_Space and mods & Qt.KeyboardModifier.ShiftModifier):
            vs.setValue(vs.value() - page_step)
        elif key == K.Key_Home:
            vs.setValue(0)
        elif key == K.Key_End:
            vs.setValue(vs.maximum())
        elif key in (K.Key_J, K.Key_Down):
            vs.setValue(vs.value() + 60)
        elif key in (K.Key_K, K.Key_Up):
            vs.setValue(vs.value() - 60)
        elif key == K.Key_Left:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - 60)
        elif key == K.Key_Right:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + 60)
        elif key in (K.Key_Plus, K.Key_Equal):
            self.zoom_in()
        elif key in (K.Key_Minus, K.Key_Underscore):
            self.zoom_out()
        elif key == K.Key_Escape:
            self.clear_selection()
            self._preview.hide()
        else:
            super().keyPressEvent(ev)
            return
        ev.accept()

    def _hit_link(self, page: int, x: float, y: float) -> dict | None:
        for ln in self._links.get(page, ()):
            x0, y0, x1, y1 = ln["rect"]
            if x0 <= x <= x1 and y0 <= y <= y1:
                return ln
        return None

    def highlight_at(self, pos) -> object | None:
        """The id (as given to set_highlights) of the highlight under a viewport position, or None."""
        pos = QPointF(pos)
        page = self._page_at(pos)
        if page < 0:
            return None
        h = self._hit_highlight(page, *self._to_pdf(page, pos))
        return h["id"] if h is not None else None

    def _hit_highlight(self, page: int, x: float, y: float):
        for h in reversed(self._highlights):
            if h["page"] != page:
                continue
            for q in h["quads"]:
                x0, y0, x1, y1 = _quad_bbox(q)
                if x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1:
                    return h
        return None

    def mousePressEvent(self, ev) -> None:
        self._preview.hide()
        self._hover_timer.stop()
        if ev.button() != Qt.MouseButton.LeftButton or not self._sizes:
            super().mousePressEvent(ev)
            return
        pos = ev.position()
        page = self._page_at(pos, nearest=True)
        x, y = self._to_pdf(page, pos)
        self._press = {"pos": QPointF(pos), "page": page, "x": x, "y": y, "drag": False}
        if self._tool == "area":
            self._area = None
        else:
            self._ensure_text(page)
        self.setFocus()
        ev.accept()

    def mouseMoveEvent(self, ev) -> None:
        pos = ev.position()
        if self._press is None:
            self._hover(pos, ev.globalPosition().toPoint())
            return
        pr = self._press
        if not pr["drag"]:
            if (pos - pr["pos"]).manhattanLength() < QApplication.startDragDistance():
                return
            pr["drag"] = True
        page = pr["page"]
        x, y = self._to_pdf(page, pos)
        w, h = self._sizes[page]
        x, y = min(max(x, 0.0), w), min(max(y, 0.0), h)
        pr["fx"], pr["fy"] = x, y
        if self._tool == "area":
            self._area = (page, (min(pr["x"], x), min(pr["y"], y), max(pr["x"], x), max(pr["y"], y)))
        else:
            self._update_selection()
        self.viewport().update()

    def mouseReleaseEvent(self, ev) -> None:
        pr = self._press
        self._press = None
        if pr is None or ev.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(ev)
            return
        page = pr["page"]
        if pr["drag"]:
            if self._tool == "area" and self._area is not None:
                r = self._area[1]
                if r[2] - r[0] > 1 and r[3] - r[1] > 1:
                    self.areaSelected.emit(page, tuple(float(v) for v in r))
            elif self._tool == "select":
                self._pending_emit = True
                self._update_selection(final=True)
            return
        # a click
        if self._tool == "area":
            self._area = None
            self.viewport().update()
        h = self._hit_highlight(page, pr["x"], pr["y"])
        if h is not None:
            self.highlightClicked.emit(h["id"])
            return
        ln = self._hit_link(page, pr["x"], pr["y"])
        if ln is not None:
            self._follow(ln)
            return
        if self._sel is not None:
            self.clear_selection()

    def mouseDoubleClickEvent(self, ev) -> None:
        """Double click selects a word."""
        if self._tool != "select" or not self._sizes:
            return
        pos = ev.position()
        page = self._page_at(pos, nearest=True)
        chars = self._text.get(page)
        if not chars:
            self._ensure_text(page)
            return
        x, y = self._to_pdf(page, pos)
        idx = next((n for n, c in enumerate(chars) if c[0] <= x <= c[2] and c[1] <= y <= c[3]), None)
        if idx is None or chars[idx][4].isspace():
            return
        a = idx
        while a > 0 and chars[a - 1][5] == chars[idx][5] and not chars[a - 1][4].isspace():
            a -= 1
        b = idx + 1
        while b < len(chars) and chars[b][5] == chars[idx][5] and not chars[b][4].isspace():
            b += 1
        self._set_selection(page, a, b, emit=True)

    def leaveEvent(self, ev) -> None:
        self._hover_timer.stop()
        super().leaveEvent(ev)

    def _hover(self, pos: QPointF, global_pos: QPoint) -> None:
        page = self._page_at(pos)
        ln = None
        if page >= 0:
            x, y = self._to_pdf(page, pos)
            ln = self._hit_link(page, x, y)
            if self._tool == "select":
                self._ensure_text(page)
        if ln is not None:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        elif self._tool == "area":
            self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.viewport().setCursor(Qt.CursorShape.IBeamCursor if page >= 0 else Qt.CursorShape.ArrowCursor)
        if ln is not self._hover_link:
            self._hover_link = ln
            self._preview.hide()
            self._hover_timer.stop()
            if ln is not None and "target" in ln:
                self._preview_pos = global_pos
                self._hover_timer.start()

    # ------------------------------------------------------------------ links
    def _follow(self, ln: dict) -> None:
        if "uri" in ln:
            url = ln["uri"]
            self.externalLinkClicked.emit(url)
            self.url_opener(QUrl(url))
            return
        page, x, y = ln["target"]
        self.go_to(page, max(0.0, y - 4))
        self.linkFollowed.emit(page)

    def links(self, page: int) -> list[dict] | None:
        """Links of `page` once loaded: dicts with "rect" and either "uri" or "target" (page, x, y)."""
        return self._links.get(page)

    def _on_links(self, token: int, page: int, links: list) -> None:
        if token != self._token:
            return
        self._links_pending.discard(page)
        self._links[page] = links

    def _request_preview(self) -> None:
        ln = self._hover_link
        if ln is None or "target" not in ln or self._spec is None:
            return
        page, tx, ty = ln["target"]
        w, h = self._sizes[page]
        x0 = max(0.0, min(tx - 12, w - 200))
        x1 = min(w, x0 + max(320.0, min(w - x0, 460.0)))
        y0 = max(0.0, ty - 10)
        y1 = min(h, y0 + 150)
        self._preview_req += 1
        scale = 1.4 * self._dpr()
        self._submit(page_crop, self._spec, self._preview_req, page, (x0, y0, x1, y1), scale, self._night,
                     priority=5)

    def show_link_preview(self, link: dict, global_pos: QPoint | None = None) -> None:
        """Show the preview of an internal link now (what hovering does after a delay)."""
        self._hover_link = link
        self._preview_pos = global_pos or self.viewport().mapToGlobal(QPoint(20, 20))
        self._request_preview()

    def _on_crop(self, req_id: int, w: int, h: int, stride: int, samples: bytes) -> None:
        if req_id != self._preview_req or not w or self._hover_link is None:
            return
        self._preview.show_image(qimage_from_rgb(w, h, stride, samples, self._dpr()), self._preview_pos)

    def link_preview(self) -> LinkPreview:
        return self._preview

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
        if self._spec is None or page < 0 or page in self._text or page in self._text_pending:
            return
        self._text_pending.add(page)
        self._submit(page_text, self._spec, page, priority=3)

    def is_text_loaded(self, page: int) -> bool:
        return page in self._text

    def _on_text(self, token: int, page: int, chars: list) -> None:
        if token != self._token:
            return
        self._text_pending.discard(page)
        self._text[page] = chars
        lines: list[list] = []  # [x0, y0, x1, y1, start, end, block]
        for n, c in enumerate(chars):
            if lines and lines[-1][7] == c[5]:
                ln = lines[-1]
                ln[0], ln[1], ln[2], ln[3] = min(ln[0], c[0]), min(ln[1], c[1]), max(ln[2], c[2]), max(ln[3], c[3])
                ln[5] = n + 1
            else:
                lines.append([c[0], c[1], c[2], c[3], n, n + 1, c[6], c[5]])
        self._lines[page] = lines
        if self._press is not None and self._press.get("drag") and self._press["page"] == page:
            self._update_selection()
        elif getattr(self, "_pending_emit", False):
            self._update_selection(final=True)

    def _caret(self, page: int, x: float, y: float) -> int:
        """Character boundary index nearest to (x, y) on `page`."""
        lines = self._lines.get(page) or []
        chars = self._text.get(page) or []
        if not lines:
            return 0
        best, bd = None, None
        for ln in lines:
            dx = 0.0 if ln[0] <= x <= ln[2] else min(abs(x - ln[0]), abs(x - ln[2]))
            dy = 0.0 if ln[1] <= y <= ln[3] else min(abs(y - ln[1]), abs(y - ln[3]))
            d = dy * 3 + dx  # prefer the line at this height
            if bd is None or d < bd:
                best, bd = ln, d
        for n in range(best[4], best[5]):
            c = chars[n]
            if x < (c[0] + c[2]) / 2:
                return n
        return best[5]

    def _update_selection(self, final: bool = False) -> None:
        pr = self._press if self._press is not None else getattr(self, "_last_press", None)
        if pr is None or "fx" not in pr:
            return
        self._last_press = pr
        page = pr["page"]
        if page not in self._text:
            self._ensure_text(page)
            return
        a = self._caret(page, pr["x"], pr["y"])
        b = self._caret(page, pr["fx"], pr["fy"])
        self._set_selection(page, min(a, b), max(a, b), emit=final)
        if final:
            self._pending_emit = False

    def _set_selection(self, page: int, a: int, b: int, emit: bool) -> None:
        chars = self._text.get(page) or []
        if b <= a:
            self._sel, self._sel_quads, self._sel_text = None, [], ""
            self.viewport().update()
            if emit:
                self.selectionChanged.emit(page, [], "")
            return
        quads, parts = [], []
        prev_line = prev_block = None
        cur = None
        for n in range(a, b):
            x0, y0, x1, y1, c, line, block = chars[n]
            if line != prev_line:
                if cur is not None:
                    quads.append(cur)
                cur = [x0, y0, x1, y1]
                if prev_line is not None:
                    last = parts[-1] if parts else ""
                    if block != prev_block:
                        parts.append("\n")
                    elif last.endswith("-") and c.islower():
                        parts[-1] = last[:-1]
                    elif not last.endswith(" "):
                        parts.append(" ")
                prev_line, prev_block = line, block
                parts.append(c)
            else:
                cur = [min(cur[0], x0), min(cur[1], y0), max(cur[2], x1), max(cur[3], y1)]
                parts[-1] += c
        if cur is not None:
            quads.append(cur)
        self._sel = (page, a, b)
        self._sel_quads = [_quad8(q) for q in quads]
        self._sel_text = "".join(parts).strip()
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
            quads = [_quad8(q) for q in (_get(it, "quads") or ())]
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

    def show_passage(self, page: int, rect) -> None:
        """Centre `rect` (PDF points) of `page` in the view at the current zoom (the zoom is kept),
        flash it, and make `page` the current page even where the next page fills more of the view.
        (Desk branch, issue 14: a search hit opens here.)"""
        if not self._sizes:
            return
        page = max(0, min(int(page), len(self._sizes) - 1))
        r = tuple(float(v) for v in (tuple(rect) if not isinstance(rect, pymupdf.Rect) else rect))
        self._hist_back.append(self._position())
        self._hist_fwd.clear()
        self._passage = (page, r, time.monotonic())
        self._centre_passage(page, r)
        self._flash = (page, r)
        self._flash_clock.restart()
        self._flash_timer.start()

    def _centre_passage(self, page: int, r: tuple) -> None:
        pr, ppp = self._page_rect(page), self._ppp()
        vp = self.viewport()
        self.verticalScrollBar().setValue(round(pr.y() + (r[1] + r[3]) / 2 * ppp - vp.height() / 2))
        if self.horizontalScrollBar().maximum() > 0:
            self.horizontalScrollBar().setValue(round(pr.x() + (r[0] + r[2]) / 2 * ppp - vp.width() / 2))
        if self._cur_page != page:
            self._cur_page = page
            self.pageChanged.emit(page)
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

    # ------------------------------------------------------------------ find
    def start_find(self, text: str) -> None:
        """Search all pages in a worker; hits appear as they are found; findFinished(total) at the end."""
        self._find_gen += 1
        self._r.state.find_gen = self._find_gen
        self._find_text = text
        self._find_hits = {}
        self._find_order = []
        self._find_cur = -1
        self._find_total = 0
        self.viewport().update()
        if not text or self._spec is None:
            self._find_running = False
            self.findFinished.emit(0)
            return
        self._find_running = True
        self._submit(find_all, self._r.state, self._spec, self._find_gen, text, len(self._sizes),
                     self.current_page(), priority=2)

    def find(self, text: str, timeout_ms: int = 30000) -> int:
        """Search the whole document and return the number of hits.

        The search runs in a worker; this waits in a local event loop, so painting and
        timers go on (user input is held back until it returns). Use start_find() +
        findFinished for a fully asynchronous search."""
        self.start_find(text)
        if self._find_running:
            loop = QEventLoop()
            self.findFinished.connect(loop.quit)
            QTimer.singleShot(timeout_ms, loop.quit)
            if self._find_running:
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
            self.findFinished.disconnect(loop.quit)
        return self._find_total

    def _on_find_page(self, gen: int, page: int, quads: list) -> None:
        if gen != self._find_gen:
            return
        self._find_hits[page] = quads
        self._find_total += len(quads)
        new = [(page, n) for n in range(len(quads))]
        cur = self._find_order[self._find_cur] if self._find_cur >= 0 else None
        self._find_order = sorted(self._find_order + new)
        if cur is None:
            # first hits (the search starts at the current page): show the first one
            self._find_cur = self._find_order.index(new[0])
            self._show_hit()
        else:
            self._find_cur = self._find_order.index(cur)
        self.viewport().update()

    def _on_find_done(self, gen: int, total: int) -> None:
        if gen != self._find_gen:
            return
        self._find_running = False
        self._find_total = total
        self.findFinished.emit(total)

    def _show_hit(self) -> None:
        if not 0 <= self._find_cur < len(self._find_order):
            return
        page, n = self._find_order[self._find_cur]
        self._ensure_visible(page, _quad_bbox(self._find_hits[page][n]))
        self.viewport().update()

    def find_next(self) -> tuple[int, int] | None:
        """Move to the next hit (wrapping); returns (page, index on page) or None."""
        if not self._find_order:
            return None
        self._find_cur = (self._find_cur + 1) % len(self._find_order)
        self._show_hit()
        return self._find_order[self._find_cur]

    def find_previous(self) -> tuple[int, int] | None:
        if not self._find_order:
            return None
        self._find_cur = (self._find_cur - 1) % len(self._find_order)
        self._show_hit()
        return self._find_order[self._find_cur]

    def current_hit(self) -> tuple[int, tuple] | None:
        """(page, quad) of the emphasised hit."""
        if not 0 <= self._find_cur < len(self._find_order):
            return None
        page, n = self._find_order[self._find_cur]
        return page, self._find_hits[page][n]

    def find_position(self) -> tuple[int, int]:
        """(index of the emphasised hit, or -1; total hits so far) for a "3 / 120" label."""
        return self._find_cur, self._find_total

    def find_hits(self) -> dict[int, list]:
        return {p: list(q) for p, q in self._find_hits.items()}

    def clear_find(self) -> None:
        self.start_find("")

    def closeEvent(self, ev) -> None:
        self._preview.hide()
        super().closeEvent(ev)
