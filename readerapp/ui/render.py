"""Threaded page rendering and a bounded, byte-accounted tile cache.

Pages are rendered as square tiles (``TILE`` device pixels) from a per-page
``pymupdf.DisplayList``. Each worker thread opens its own ``pymupdf.Document``
(documents are not thread-safe). Rendering tiles instead of whole pages keeps
memory bounded at high zoom and keeps every single PyMuPDF call short: PyMuPDF
holds the GIL for the whole duration of a call, so a long call on a worker
thread would stall the GUI thread's Python code just as much as a render on
the GUI thread itself.

A single 512 px tile can still take 10-40 ms at 400 % on a dense page (and
more at 800 %), so a tile is rasterised into one pixmap in horizontal strips,
each a separate, short PyMuPDF call (at most ``STRIP_MAX`` rows; fewer where
the page has proven costly, so that each call stays near ``CALL_BUDGET_S``),
and the worker yields the GIL between strips. The GUI thread therefore never
waits on one long call, at any zoom.
Strips are drawn through draw devices clipped to their rows of the same tile
pixmap, with the same transform, so there are no seams: text comes out
bit-identical to a whole-tile render, vector edges and scanned images differ
only by anti-aliasing / resampling rounding, as whole tiles already differ
from a whole-page render (not visible even magnified).

Workers are plain Python threads that never call Qt. With PySide6 6.12.0 on
Python 3.11, Qt calls made from a non-GUI thread (signal emission, even
QImage methods) corrupt the reference counts of None/False, which aborts the
interpreter after a few thousand calls ("Fatal Python error: bool_dealloc").
Repro: emit Signal(int) 20000 times from a QRunnable. So workers only use
PyMuPDF and hand results (raw pixel bytes, plain tuples) over a deque; the GUI
thread polls it with a short timer while work is outstanding and builds the
QImages itself (a 512x512 copy costs well under a millisecond).

The GUI thread publishes an immutable ``wanted`` set that the tile worker
reads to drop stale requests (zoom changed, page scrolled away), and replaces
the tile queue wholesale whenever the view moves.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

import pymupdf
from PySide6.QtGui import QImage

TILE = 512  # tile edge in device pixels
# Rendering one tile is split into strips so that no single GIL-holding PyMuPDF call
# runs much longer than this (the GUI thread waits for the GIL that long at most).
CALL_BUDGET_S = 0.010
# Strip heights in device pixel rows. At most STRIP_MAX rows (128 K pixels) per call, whatever
# the page: cost varies a lot within one page (a dense figure next to a margin), so a strip
# never grows to a whole tile on the strength of a cheap region. Each call also walks the
# display list (~0.1 ms): on the corpus at 400 % a tile costs 0.6 ms CPU whole, 0.9 ms in
# 128-row strips, 1.4 ms in 64-row and 2.6 ms in 32-row strips. In bench_gui.py (scrolling
# 600 px every 16 ms at 200-400 %) the view was sharp on 30-80 % of the steps with a 6 ms
# budget and 128-row strips, on 82-87 % with these settings; whole tiles gave 83-98 %, paid
# for with GUI stalls of 35-80 ms (the GUI thread yields the GIL to the worker less often).
STRIP_MIN, STRIP_PROBE, STRIP_MAX = 16, 64, 256
DEFAULT_CACHE_BYTES = 256 * 1024 * 1024
MAX_CACHE_BYTES = 300 * 1024 * 1024

# Tile key: (doc_token, page, scale_key, tx, ty, night)
# scale_key is round(device_px_per_pt * 1000) so float noise never splits keys.


def scale_key(scale: float) -> int:
    return int(round(scale * 1000))


def key_scale(skey: int) -> float:
    return skey / 1000.0


class TileCache:
    """LRU cache of QImages, accounted in bytes (QImage.sizeInBytes)."""

    def __init__(self, cap_bytes: int = DEFAULT_CACHE_BYTES):
        self._items: OrderedDict[tuple, QImage] = OrderedDict()
        self._bytes = 0
        self.cap_bytes = min(int(cap_bytes), MAX_CACHE_BYTES)
        self.peak_bytes = 0
        self._pinned: frozenset = frozenset()

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key) -> bool:
        return key in self._items

    def get(self, key):
        img = self._items.get(key)
        if img is not None:
            self._items.move_to_end(key)
        return img

    def peek(self, key):
        return self._items.get(key)

    def set_pinned(self, keys) -> None:
        """Keys (currently visible tiles) that eviction skips while possible."""
        self._pinned = frozenset(keys)

    def put(self, key, img: QImage) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= old.sizeInBytes()
        self._items[key] = img
        self._bytes += img.sizeInBytes()
        self._evict()
        self.peak_bytes = max(self.peak_bytes, self._bytes)

    def _evict(self) -> None:
        if self._bytes <= self.cap_bytes:
            return
        # First pass: oldest non-pinned; then, if pinned tiles alone exceed the
        # cap (absurd zoom on a huge screen), evict those too: the cap wins.
        for pass_pinned in (False, True):
            for k in list(self._items.keys()):
                if self._bytes <= self.cap_bytes:
                    return
                if not pass_pinned and k in self._pinned:
                    continue
                self._bytes -= self._items.pop(k).sizeInBytes()

    def keys_for_page(self, doc_token: int, page: int):
        return [k for k in self._items if k[0] == doc_token and k[1] == page]

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0


@dataclass(frozen=True)
class DocSpec:
    """What a worker needs to open its own copy of the document."""
    token: int
    path: str
    password: str | None = None


_tls = threading.local()


def _thread_doc(spec: DocSpec):
    """The calling thread's own Document for `spec` (opened on first use)."""
    cur = getattr(_tls, "entry", None)
    if cur is not None and cur[0] == spec.token:
        return cur[1], cur[2]
    if cur is not None:
        try:
            cur[1].close()
        except Exception:
            pass
        _tls.entry = None
    doc = pymupdf.open(spec.path)
    if doc.needs_pass:
        doc.authenticate(spec.password or "")
    dls: OrderedDict[int, pymupdf.DisplayList] = OrderedDict()
    _tls.entry = (spec.token, doc, dls)
    return doc, dls


def _display_list(spec: DocSpec, pno: int) -> pymupdf.DisplayList:
    doc, dls = _thread_doc(spec)
    dl = dls.get(pno)
    if dl is None:
        dl = doc[pno].get_displaylist()
        dls[pno] = dl
        while len(dls) > 6:
            dls.popitem(last=False)
    else:
        dls.move_to_end(pno)
    return dl


def qimage_from_rgb(w: int, h: int, stride: int, samples: bytes, dpr: float = 1.0) -> QImage:
    """GUI thread only: copy RGB888 samples into a QImage that owns its memory (RGB32, fast to paint)."""
    img = QImage(w, h, QImage.Format.Format_RGB888)
    bpl = img.bytesPerLine()
    dst = img.bits()
    src = memoryview(samples)
    if bpl == stride:
        dst[: stride * h] = src[: stride * h]
    else:
        for y in range(h):
            dst[y * bpl: y * bpl + stride] = src[y * stride: (y + 1) * stride]
    out = img.convertToFormat(QImage.Format.Format_RGB32)
    out.setDevicePixelRatio(dpr)
    return out


class RenderState:
    """Shared state between the GUI thread and the tile worker (GIL-atomic or under `lock`)."""

    def __init__(self):
        self.wanted: frozenset = frozenset()
        self.queue: deque = deque()   # (spec, page, keys) groups, most important first
        self.running: tuple = ()       # keys of the group being rendered now
        self.lock = threading.Lock()
        self.find_gen = 0
        self.stop = False
        # Instrumentation (tests, benchmarks): the longest single GIL-holding call of the
        # tile worker, wall clock and thread CPU time (the latter is not inflated by load).
        self.longest_call_ms = 0.0
        self.longest_call_cpu_ms = 0.0

    def record_call(self, wall_s: float, cpu_s: float) -> None:
        if wall_s * 1000 > self.longest_call_ms:
            self.longest_call_ms = wall_s * 1000
        if cpu_s * 1000 > self.longest_call_cpu_ms:
            self.longest_call_cpu_ms = cpu_s * 1000


def _first_line(exc: Exception) -> str:
    msg = str(exc).strip()
    return msg.splitlines()[0] if msg else type(exc).__name__


_mu = pymupdf.mupdf


def _cost_memory() -> OrderedDict:
    """The calling worker's recent peak render cost (CPU seconds per pixel), per (doc, page,
    scale) (pages differ a lot) and per scale alone (the last page's: where a new page starts)."""
    mem = getattr(_tls, "cost", None)
    if mem is None:
        mem = _tls.cost = OrderedDict()
    return mem


def render_tile_pixmap(dl: pymupdf.DisplayList, s: float, tx: int, ty: int, state: RenderState | None = None,
                       rows_key: tuple | None = None) -> pymupdf.Pixmap | None:
    """Rasterise tile (tx, ty) of a page at `s` device px per point, in strips of short calls.

    Device pixel (0, 0) is the page's top-left corner; the tile covers device pixels
    [tx*TILE, tx*TILE+TILE) x [ty*TILE, ...), cut at the page edge. None if the tile is
    off the page or the render became stale (`state.wanted` lost `rows_key`'s tile).
    """
    r = dl.rect
    wpx, hpx = math.ceil(r.width * s - 1e-3), math.ceil(r.height * s - 1e-3)
    x0, y0 = tx * TILE, ty * TILE
    x1, y1 = min(x0 + TILE, wpx), min(y0 + TILE, hpx)
    if x1 <= x0 or y1 <= y0:
        return None
    pix = _mu.fz_new_pixmap_with_bbox(_mu.FzColorspace(_mu.FzColorspace.Fixed_RGB), _mu.FzIrect(x0, y0, x1, y1),
                                      _mu.FzSeparations(), 0)
    _mu.fz_clear_pixmap_with_value(pix, 0xFF)
    ctm = _mu.FzMatrix(s, 0, 0, s, -r.x0 * s, -r.y0 * s)
    mem = _cost_memory() if rows_key is not None else {}
    pkey = rows_key[:3] if rows_key is not None else None
    skey = ("scale", rows_key[2]) if rows_key is not None else None
    own = mem.get(pkey, 0.0)  # the peak seen on this page at this scale
    inherited = 0.0 if pkey in mem else mem.get(skey, 0.0)  # a new page: the previous page's peak
    density = max(own, inherited)
    width = x1 - x0
    pad = 2.0 / s  # display-list culling margin (anti-aliased edges), in points
    y = y0
    while y < y1:
        # As many rows as the budget allows at the recent peak cost per pixel of this page;
        # a small probe strip first when nothing is known yet (first page at this scale).
        rows = STRIP_PROBE if density <= 0 else int(CALL_BUDGET_S / (density * width))
        ye = min(y1, y + max(STRIP_MIN, min(STRIP_MAX, rows)))
        dev = _mu.fz_new_draw_device_with_bbox(ctm, pix, _mu.FzIrect(x0, y, x1, ye))
        area = _mu.FzRect(r.x0 + x0 / s - pad, r.y0 + y / s - pad, r.x0 + x1 / s + pad, r.y0 + ye / s + pad)
        t, c = time.perf_counter(), time.thread_time()
        try:
            _mu.fz_run_display_list(dl.this, dev, _mu.FzMatrix(), area, _mu.FzCookie())
        finally:
            _mu.fz_close_device(dev)
        dt, dc = time.perf_counter() - t, time.thread_time() - c
        if state is not None:
            state.record_call(dt, dc)
        # CPU time, so that a busy machine does not shrink strips for nothing. The page's own
        # peak stays (its costly region may come again in the next tile); what was inherited
        # from another page fades.
        own = max(own, dc / ((ye - y) * width))
        inherited *= 0.5
        density = max(own, inherited)
        y = ye
        time.sleep(0)  # hand the GIL to the GUI thread if it is waiting
        if state is not None and y < y1 and (rows_key not in state.wanted or state.stop):
            return None  # scrolled away meanwhile: drop the half-rendered tile
    if pkey is not None:
        for k in (pkey, skey):
            mem[k] = own
            mem.move_to_end(k)
        while len(mem) > 128:
            mem.popitem(last=False)
    return pymupdf.Pixmap("raw", pix)


def render_tiles(state: RenderState, spec: DocSpec, page: int, keys: list, out: deque) -> None:
    """Render the still-wanted tiles of one page; results go to `out`."""
    try:
        for key in keys:
            if key not in state.wanted or state.stop:
                continue  # stale: zoom changed or scrolled away
            _tok, pno, skey, tx, ty, night = key
            t, c = time.perf_counter(), time.thread_time()
            dl = _display_list(spec, pno)  # interprets the page once (cached): one call, cannot be split
            state.record_call(time.perf_counter() - t, time.thread_time() - c)
            time.sleep(0)
            pix = render_tile_pixmap(dl, key_scale(skey), tx, ty, state, key)
            if pix is None:
                continue
            if night:
                pix.invert_irect(pix.irect)
            out.append(("tile", key, pix.width, pix.height, pix.stride, pix.samples))
    except Exception as exc:  # damaged page, broken file: report, never kill the worker
        out.append(("tile_failed", spec.token, page, _first_line(exc)))


def page_text(spec: DocSpec, page: int, out: deque) -> None:
    """Characters of one page in reading order: (x0, y0, x1, y1, c, line_no, block_no)."""
    chars: list[tuple] = []
    try:
        doc, _ = _thread_doc(spec)
        # No TEXT_PRESERVE_LIGATURES: "ﬁ" is split into "f" + "i", which is what a copy wants.
        raw = doc[page].get_text("rawdict", flags=pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP)
        line_no = 0
        for bno, block in enumerate(raw.get("blocks", ())):
            if block.get("type", 0) != 0:
                continue
            for line in block.get("lines", ()):
                got = False
                for span in line.get("spans", ()):
                    for ch in span.get("chars", ()):
                        x0, y0, x1, y1 = ch["bbox"]
                        chars.append((x0, y0, x1, y1, ch["c"], line_no, bno))
                        got = True
                if got:
                    line_no += 1
    except Exception:
        chars = []
    out.append(("text", spec.token, page, chars))


def page_links(spec: DocSpec, page: int, out: deque) -> None:
    """Links of one page: {"rect", "uri"} or {"rect", "target": (page, x, y)} in page coordinates."""
    res = []
    try:
        doc, _ = _thread_doc(spec)
        for ln in doc[page].get_links():
            kind = ln.get("kind")
            frm = tuple(ln["from"])
            if kind == pymupdf.LINK_URI and ln.get("uri"):
                res.append({"rect": frm, "uri": ln["uri"]})
            elif kind in (pymupdf.LINK_GOTO, pymupdf.LINK_NAMED):
                target = None
                name = ln.get("nameddest") or ln.get("name")
                if kind == pymupdf.LINK_NAMED and name:
                    try:  # resolve_link gives page coordinates (y down)
                        pno, x, y = doc.resolve_link("#nameddest=" + name)
                        if pno >= 0:
                            target = (pno, x, y)
                    except Exception:
                        target = None
                if target is None and (ln.get("page") or -1) >= 0:
                    pt = ln.get("to") or pymupdf.Point(0, 0)
                    y = pt.y
                    if kind == pymupdf.LINK_NAMED:  # raw PDF space (y up)
                        y = doc[ln["page"]].rect.height - y
                    target = (ln["page"], pt.x, y)
                if target is not None:
                    res.append({"rect": frm, "target": target})
    except Exception:
        res = []
    out.append(("links", spec.token, page, res))


def page_crop(spec: DocSpec, req_id: int, page: int, clip: tuple, scale: float, night: bool, out: deque) -> None:
    try:
        dl = _display_list(spec, page)
        pix = dl.get_pixmap(matrix=pymupdf.Matrix(scale, scale), clip=pymupdf.Rect(clip), alpha=False)
        if night:
            pix.invert_irect(pix.irect)
        out.append(("crop", req_id, pix.width, pix.height, pix.stride, pix.samples))
    except Exception:
        out.append(("crop", req_id, 0, 0, 0, b""))


def find_all(state: RenderState, spec: DocSpec, gen: int, text: str, page_count: int, start: int,
             out: deque) -> None:
    """search_for on every page from `start` on, wrapping; one result per page with hits."""
    total = 0
    try:
        doc, _ = _thread_doc(spec)
        for i in itertools.chain(range(start, page_count), range(0, start)):
            if state.find_gen != gen or state.stop:
                return  # superseded by a newer search
            try:
                quads = doc[i].search_for(text, quads=True)
            except Exception:
                quads = []
            if quads:
                total += len(quads)
                out.append(("find_page", gen, i, [tuple(q.ul) + tuple(q.ur) + tuple(q.ll) + tuple(q.lr)
                                                  for q in quads]))
    finally:
        out.append(("find_done", gen, total))


class Renderer:
    """Two worker threads (tiles; text/links/find/crops), the tile cache and the shared state.

    One tile thread: PyMuPDF holds the GIL during every call, so more render threads
    would not run in parallel, they would only compete with the GUI thread for the GIL.
    """

    def __init__(self, cache_bytes: int = DEFAULT_CACHE_BYTES):
        self.cache = TileCache(cache_bytes)
        self.state = RenderState()
        self.results: deque = deque()
        self._cv = threading.Condition(self.state.lock)
        self._aux: list = []  # heap of (-priority, seq, fn, args)
        self._seq = itertools.count()
        self._aux_busy = False
        self._threads: list[threading.Thread] = []

    def _ensure_threads(self) -> None:
        if not self._threads:
            for target, name in ((self._tile_loop, "readerapp-tiles"), (self._aux_loop, "readerapp-aux")):
                t = threading.Thread(target=target, name=name, daemon=True)
                t.start()
                self._threads.append(t)

    def _tile_loop(self) -> None:
        st = self.state
        while True:
            with self._cv:
                while not st.queue and not st.stop:
                    self._cv.wait()
                if st.stop:
                    return
                spec, page, keys = st.queue.popleft()
                st.running = tuple(keys)
            try:
                render_tiles(st, spec, page, keys, self.results)
            finally:
                st.running = ()

    def _aux_loop(self) -> None:
        st = self.state
        while True:
            with self._cv:
                while not self._aux and not st.stop:
                    self._aux_busy = False
                    self._cv.wait()
                if st.stop:
                    return
                _p, _n, fn, args = heapq.heappop(self._aux)
                self._aux_busy = True
            try:
                fn(*args, self.results)
            except Exception:
                pass

    def set_tile_queue(self, groups: list) -> None:
        """Replace the pending tile work, most important group first: [(spec, page, keys)]."""
        self._ensure_threads()
        with self._cv:
            self.state.queue = deque(groups)
            self._cv.notify_all()

    def submit(self, fn, *args, priority: int = 0) -> None:
        """Run fn(*args, results_deque) on the aux thread (higher priority first)."""
        self._ensure_threads()
        with self._cv:
            heapq.heappush(self._aux, (-priority, next(self._seq), fn, args))
            self._aux_busy = True
            self._cv.notify_all()

    def busy(self) -> bool:
        st = self.state
        return bool(st.queue or st.running or self._aux or self._aux_busy or self.results)

    def poll(self, limit: int = 64) -> list:
        out = []
        while self.results and len(out) < limit:
            out.append(self.results.popleft())
        return out

    def shutdown(self) -> None:
        st = self.state
        with self._cv:
            st.stop = True
            st.wanted = frozenset()
            st.find_gen += 1
            st.queue = deque()
            self._aux.clear()
            self._cv.notify_all()
        for t in self._threads:
            t.join(5.0)
        self._threads = []
