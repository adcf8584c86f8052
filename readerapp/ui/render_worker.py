"""The render worker process: PyMuPDF work for the PDF view, outside the GUI process.

Never imports Qt (the process is started with ``spawn`` from a GUI process that has
Qt threads running; see render_pool.py). A worker holds its documents open (a few,
least recently used closed first) with the display lists of recent pages, and
answers one request at a time from its pipe:

  ("tile", req, spec, page, skey, tx, ty, mode, slot) -> ("img", req, slot, w, h, ms, cpu_ms)
  ("low", req, spec, page, scale, mode, slot)         -> ("img", req, slot, w, h, ms, cpu_ms)
  ("crop", req, spec, page, clip, scale, mode, slot)  -> ("img", req, slot, w, h, ms, cpu_ms)
  ("text", req, spec, page)                           -> ("data", req, PageChars)
  ("links", req, spec, page)                          -> ("data", req, links)
  ("find", req, spec, text, pages)                    -> ("data", req, [(page, quads), ...])
  ("forget", token)                                   -> no answer (closes the document)
  ("prepare", spec, page)                             -> no answer (opens it, interprets the page)
  ("cancel", [req, ...])                              -> each of those still queued answers
                                                         ("cancelled", req) instead
  None                                                -> the worker exits

Failures answer ("err", req, one_line). Pixels are written into slot ``slot`` of the
shared memory block the GUI process created for this worker, as 32-bit BGRA rows
(byte order B, G, R, 255: Qt's Format_RGB32 on little-endian machines; big-endian ones
read them as RGBA8888 and swap red and blue), ``w * 4`` bytes per row; the GUI copies
them out once.
The colour mode ("normal", "night", "sepia", see color_modes.py) is applied here.
"""

from __future__ import annotations

import math
import os
import signal
import time
from collections import OrderedDict, deque

import pymupdf

from .color_modes import mode_tint
from .pdf_selection import PageChars

TILE = 512                    # tile edge in device pixels
SLOT_BYTES = TILE * TILE * 4  # one tile, one low-resolution page, one link preview crop
MAX_OPEN_DOCS = 6
MAX_DISPLAY_LISTS = 8         # per document
# CPU priority of the workers (os.nice increment). 0 by default: the GUI thread sleeps most of
# the time, so the scheduler lets it run as soon as it wakes anyway (its CPU stalls stay under
# 10 ms while the workers render, see bench_gui.py), and on a machine shared with other work a
# lower priority starved the workers (more blank and blurred steps while scrolling).
try:
    WORKER_NICE = int(os.environ.get("READERAPP_RENDER_NICE", "0") or 0)
except ValueError:
    WORKER_NICE = 0

_mu = pymupdf.mupdf


def _first_line(exc: BaseException) -> str:
    msg = str(exc).strip()
    return msg.splitlines()[0] if msg else type(exc).__name__


def scale_key(scale: float) -> int:
    return int(round(scale * 1000))


def key_scale(skey: int) -> float:
    return skey / 1000.0


def low_scale(w: float, h: float, pixels: int = SLOT_BYTES // 8) -> float:
    """Device px per point of a page's low-resolution image (about `pixels` pixels; fits a slot)."""
    s = math.sqrt(pixels / max(1.0, w * h))
    return math.floor(s * 1000) / 1000.0


class Documents:
    """The worker's open documents (token -> Document) and their recent display lists."""

    def __init__(self):
        self._docs: OrderedDict[int, tuple] = OrderedDict()

    def get(self, spec: tuple):
        token, path, password = spec
        ent = self._docs.get(token)
        if ent is None:
            doc = pymupdf.open(path)
            if doc.needs_pass and not doc.authenticate(password or ""):
                doc.close()
                raise RuntimeError("password required")
            ent = (doc, OrderedDict())
            self._docs[token] = ent
            while len(self._docs) > MAX_OPEN_DOCS:
                self.forget(next(iter(self._docs)))
        self._docs.move_to_end(token)
        return ent

    def doc(self, spec: tuple) -> pymupdf.Document:
        return self.get(spec)[0]

    def display_list(self, spec: tuple, pno: int) -> pymupdf.DisplayList:
        doc, dls = self.get(spec)
        dl = dls.get(pno)
        if dl is None:
            dl = doc[pno].get_displaylist()
            dls[pno] = dl
            while len(dls) > MAX_DISPLAY_LISTS:
                dls.popitem(last=False)
        else:
            dls.move_to_end(pno)
        return dl

    def forget(self, token: int) -> None:
        ent = self._docs.pop(token, None)
        if ent is not None:
            ent[1].clear()
            try:
                ent[0].close()
            except Exception:
                pass


def _apply_mode(pix: pymupdf.Pixmap, mode: str) -> None:
    tint = mode_tint(mode)
    if tint is None:
        return
    invert, black, white = tint
    if invert:
        pix.invert_irect(pix.irect)
    pix.tint_with(black, white)


def _new_bgra(x0: int, y0: int, x1: int, y1: int):
    pix = _mu.fz_new_pixmap_with_bbox(_mu.FzColorspace(_mu.FzColorspace.Fixed_BGR), _mu.FzIrect(x0, y0, x1, y1),
                                      _mu.FzSeparations(), 1)
    _mu.fz_clear_pixmap_with_value(pix, 0xFF)  # opaque white
    return pix


def render_region(dl: pymupdf.DisplayList, s: float, x0: int, y0: int, x1: int, y1: int,
                  mode: str = "normal") -> pymupdf.Pixmap:
    """Device pixels [x0, x1) x [y0, y1) of the page at `s` device px per point (pixel (0, 0) is
    the page's top-left corner), BGRA, in one call."""
    r = dl.rect
    pix = _new_bgra(x0, y0, x1, y1)
    ctm = _mu.FzMatrix(s, 0, 0, s, -r.x0 * s, -r.y0 * s)
    dev = _mu.fz_new_draw_device(ctm, pix)
    pad = 2.0 / s  # display-list culling margin (anti-aliased edges), in points
    area = _mu.FzRect(r.x0 + x0 / s - pad, r.y0 + y0 / s - pad, r.x0 + x1 / s + pad, r.y0 + y1 / s + pad)
    try:
        _mu.fz_run_display_list(dl.this, dev, _mu.FzMatrix(), area, _mu.FzCookie())
    finally:
        _mu.fz_close_device(dev)
    out = pymupdf.Pixmap("raw", pix)
    _apply_mode(out, mode)
    return out


def tile_bounds(rect_w: float, rect_h: float, s: float, tx: int, ty: int) -> tuple[int, int, int, int] | None:
    """Device pixel box of tile (tx, ty), cut at the page edge; None when off the page."""
    wpx, hpx = math.ceil(rect_w * s - 1e-3), math.ceil(rect_h * s - 1e-3)
    x0, y0 = tx * TILE, ty * TILE
    x1, y1 = min(x0 + TILE, wpx), min(y0 + TILE, hpx)
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def render_tile(dl: pymupdf.DisplayList, s: float, tx: int, ty: int, mode: str = "normal") -> pymupdf.Pixmap | None:
    r = dl.rect
    box = tile_bounds(r.width, r.height, s, tx, ty)
    if box is None:
        return None
    return render_region(dl, s, *box, mode=mode)


def page_chars(doc: pymupdf.Document, page: int) -> PageChars:
    """Characters of one page in reading order: (x0, y0, x1, y1, c, line_no, block_no) each."""
    chars: list[tuple] = []
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
    return PageChars.from_tuples(chars)


def page_links(doc: pymupdf.Document, page: int) -> list[dict]:
    """Links of one page: {"rect", "uri"} or {"rect", "target": (page, x, y)} in page coordinates."""
    res = []
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
    return res


def find_pages(doc: pymupdf.Document, text: str, pages) -> list[tuple[int, list]]:
    out = []
    for i in pages:
        try:
            quads = doc[i].search_for(text, quads=True)
        except Exception:
            quads = []
        if quads:
            out.append((i, [tuple(q.ul) + tuple(q.ur) + tuple(q.ll) + tuple(q.lr) for q in quads]))
    return out


class Worker:
    """Serves requests; pixels go to `buf` (a writable buffer of n slots of SLOT_BYTES)."""

    def __init__(self, buf):
        self.buf = buf
        self.docs = Documents()
        self._c0 = 0.0

    def _put(self, req: int, slot: int, pix: pymupdf.Pixmap | None, t0: float) -> tuple:
        cpu = (time.process_time() - self._c0) * 1000
        if pix is None:
            return ("img", req, slot, 0, 0, 0.0, cpu)
        n = pix.stride * pix.height
        if n > SLOT_BYTES:
            raise ValueError("image larger than a slot")
        off = slot * SLOT_BYTES
        self.buf[off: off + n] = pix.samples_mv
        return ("img", req, slot, pix.width, pix.height, (time.perf_counter() - t0) * 1000, cpu)

    def prepare(self, spec: tuple, page: int) -> None:
        """Open the document and interpret `page` ahead of the requests that will need them."""
        try:
            self.docs.display_list(spec, page)
        except Exception:
            pass  # the requests will report it

    def handle(self, msg: tuple) -> tuple | None:
        kind, req = msg[0], msg[1]
        t0 = time.perf_counter()
        self._c0 = time.process_time()
        try:
            if kind == "tile":
                _, _, spec, page, skey, tx, ty, mode, slot = msg
                dl = self.docs.display_list(spec, page)
                return self._put(req, slot, render_tile(dl, key_scale(skey), tx, ty, mode), t0)
            if kind == "low":
                _, _, spec, page, s, mode, slot = msg
                dl = self.docs.display_list(spec, page)
                r = dl.rect
                box = tile_bounds(r.width, r.height, s, 0, 0) if r.width * s <= TILE and r.height * s <= TILE \
                    else None
                if box is None:  # odd page shape: whatever fits
                    s = min(s, (TILE - 1) / max(r.width, 1.0), (TILE - 1) / max(r.height, 1.0))
                    box = (0, 0, max(1, math.ceil(r.width * s - 1e-3)), max(1, math.ceil(r.height * s - 1e-3)))
                return self._put(req, slot, render_region(dl, s, *box, mode=mode), t0)
            if kind == "crop":
                _, _, spec, page, clip, s, mode, slot = msg
                dl = self.docs.display_list(spec, page)
                x0, y0, x1, y1 = clip
                w, h = max(1.0, (x1 - x0) * s), max(1.0, (y1 - y0) * s)
                if (w + 2) * (h + 2) * 4 > SLOT_BYTES:  # a preview, not a tile: smaller rather than cut
                    s *= math.sqrt(SLOT_BYTES / ((w + 2) * (h + 2) * 4)) * 0.98
                r = dl.rect
                box = (math.floor((x0 - r.x0) * s), math.floor((y0 - r.y0) * s),
                       math.ceil((x1 - r.x0) * s), math.ceil((y1 - r.y0) * s))
                return self._put(req, slot, render_region(dl, s, *box, mode=mode), t0)
            if kind == "text":
                _, _, spec, page = msg
                return ("data", req, page_chars(self.docs.doc(spec), page))
            if kind == "links":
                _, _, spec, page = msg
                return ("data", req, page_links(self.docs.doc(spec), page))
            if kind == "find":
                _, _, spec, text, pages = msg
                return ("data", req, find_pages(self.docs.doc(spec), text, pages))
            if kind == "sleep":  # tests: a request that takes a while
                time.sleep(float(msg[2]))
                return ("data", req, None)
            if kind == "crash":  # tests: a worker dying in the middle of a request
                os._exit(3)
            return ("err", req, f"unknown request {kind!r}")
        except Exception as exc:  # damaged page, broken file: report, keep serving
            return ("err", req, _first_line(exc))


def _attach(name: str):
    """Attach to the GUI's shared memory without registering it with the resource tracker
    (the GUI process owns and unlinks it; Python < 3.13 has no track=False)."""
    from multiprocessing import resource_tracker, shared_memory

    reg = resource_tracker.register
    resource_tracker.register = lambda *a, **k: None
    try:
        return shared_memory.SharedMemory(name=name)
    finally:
        resource_tracker.register = reg


def _batch_policy() -> None:
    """Linux: SCHED_BATCH. A worker woken by a request does not preempt the GUI thread that
    sent it (which goes on building the tab or painting), yet keeps its full share of the CPU
    (no lower nice level, so other programs on the machine do not starve it)."""
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_BATCH"):
        try:
            os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
        except OSError:
            pass


def worker_main(conn, shm_name: str) -> None:
    """Entry point of a worker process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the GUI process handles Ctrl+C
    if WORKER_NICE and hasattr(os, "nice"):
        try:
            os.nice(WORKER_NICE)
        except OSError:
            pass
    _batch_policy()
    shm = _attach(shm_name)
    worker = Worker(shm.buf)
    try:
        conn.send(("ready", os.getpid()))
        queue: deque = deque()
        cancelled: set = set()
        while True:
            try:
                # Take everything the GUI has sent so far: cancellations apply to what is queued.
                while not queue or conn.poll():
                    msg = conn.recv()
                    if msg is None:
                        return
                    if msg[0] == "cancel":
                        cancelled.update(msg[1])
                    elif msg[0] == "forget":
                        worker.docs.forget(msg[1])
                    elif msg[0] == "prepare":  # a document was just opened: no answer
                        queue.appendleft(msg)
                    else:
                        queue.append(msg)
            except (EOFError, OSError):
                break
            msg = queue.popleft()
            if msg[0] == "prepare":
                worker.prepare(*msg[1:])
                continue
            reply: tuple | None
            if msg[1] in cancelled:
                cancelled.discard(msg[1])
                reply = ("cancelled", msg[1])
            else:
                reply = worker.handle(msg)
            if reply is not None:
                try:
                    conn.send(reply)
                except (OSError, ValueError):
                    break
    finally:
        worker.buf = None
        try:
            shm.close()
        except BufferError:
            pass
