"""The PDF view's rendered images: a bounded tile cache and what to ask the render pool for.

Pages are rendered by the worker processes of render_pool.py as square tiles (TILE
device pixels, whole tiles in one call each: a worker never holds the GUI's GIL) and as
one low-resolution image per page (about 130 K pixels, whatever the zoom), which is
painted, stretched, under any page whose sharp tiles are not there yet: a page is never
blank while its tiles come.

Whenever the view moves, ViewRenderer.update() replaces the view's queued jobs with what
is needed now, most important first:
  0. the low-resolution image of each visible page that has none;
  1. the low-resolution images of the next two pages in the scroll direction, then the
     visible tiles, nearest the centre of the view first (at rest: the visible tiles, then
     the low-resolution images of the next two pages down);
  2. low-resolution images, then tiles, ahead in the scroll direction (1.5 views, or as far
     as the view goes in 0.3 s at the current scroll speed, at most 6 views; at rest, the
     view below counts as ahead);
  3. the text of visible pages (for selection: ready before the first drag);
  4. tiles around the view (behind, beside).
Everything else is dropped before it is sent (stale: zoom changed, scrolled away). Jobs of a
page go to the worker that already holds its display list where possible (the pool's
affinity), so a page is interpreted once, and two workers work on two pages.

Cache keys: (doc token, page, scale key, tx, ty, colour mode); the low-resolution image
of a page has scale key LOW and tile (0, 0).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtGui import QImage

from .page_geometry import TILE, PageLayout, intersect, key_scale, scale_key
from .render_pool import Job, RenderPool
from .render_worker import low_scale

DEFAULT_CACHE_BYTES = 256 * 1024 * 1024
MAX_CACHE_BYTES = 300 * 1024 * 1024
LOW = -1  # scale key of a page's low-resolution image
AHEAD_VIEWS = 1.5   # how far ahead of the view, in the scroll direction, tiles are prepared (at least)
AHEAD_LEAD_S = 0.3  # ...and as far as the view goes in this time at the current scroll speed
MAX_AHEAD_VIEWS = 6.0
LOW_AHEAD_PAGES = 3  # low-resolution images prepared this many pages ahead (at least)
IN_PROCESS_TILES = 9  # before the workers are up, at most this many tiles rendered by the GUI


class TileCache:
    """LRU cache of QImages, accounted in bytes (QImage.sizeInBytes)."""

    def __init__(self, cap_bytes: int = DEFAULT_CACHE_BYTES):
        self._items: OrderedDict[tuple, QImage] = OrderedDict()
        self._by_page: dict[tuple, set] = {}
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
        """Keys (currently visible images) that eviction skips while possible."""
        self._pinned = frozenset(keys)

    def _drop(self, key) -> None:
        img = self._items.pop(key)
        self._bytes -= img.sizeInBytes()
        s = self._by_page.get(key[:2])
        if s is not None:
            s.discard(key)
            if not s:
                del self._by_page[key[:2]]

    def put(self, key, img: QImage) -> None:
        if key in self._items:
            self._drop(key)
        self._items[key] = img
        self._by_page.setdefault(key[:2], set()).add(key)
        self._bytes += img.sizeInBytes()
        self._evict()
        self.peak_bytes = max(self.peak_bytes, self._bytes)

    def _evict(self) -> None:
        if self._bytes <= self.cap_bytes:
            return
        # First pass: oldest non-pinned; then, if pinned images alone exceed the
        # cap (absurd zoom on a huge screen), evict those too: the cap wins.
        for pass_pinned in (False, True):
            for k in list(self._items.keys()):
                if self._bytes <= self.cap_bytes:
                    return
                if not pass_pinned and k in self._pinned:
                    continue
                self._drop(k)

    def keys_for_page(self, doc_token: int, page: int) -> list:
        return list(self._by_page.get((doc_token, page), ()))

    def clear(self) -> None:
        self._items.clear()
        self._by_page.clear()
        self._bytes = 0


class ViewRenderer:
    """One view's images: its cache, its document in the workers, its requests to the pool."""

    def __init__(self, owner, cache_bytes: int = DEFAULT_CACHE_BYTES,
                 on_image: Callable[[tuple], None] | None = None,
                 on_failed: Callable[[int, str], None] | None = None):
        self.owner = owner
        self.cache = TileCache(cache_bytes)
        self.on_image = on_image or (lambda key: None)
        self.on_failed = on_failed or (lambda page, msg: None)
        self.spec: tuple | None = None   # (token, path, password)
        self.failed: dict[int, str] = {}
        self.wanted: frozenset = frozenset()
        self.fallback_doc = None          # the GUI's own Document: low-res images before the pool is up
        self._pool: RenderPool | None = None
        self._last_move: tuple[float, float] | None = None  # (time, view top) of the last update
        self.speed = 0.0                  # content px per second, smoothed, while scrolling

    @property
    def pool(self) -> RenderPool:
        if self._pool is None or self._pool._closed:
            self._pool = RenderPool.shared()
        return self._pool

    @property
    def token(self) -> int:
        return self.spec[0] if self.spec is not None else 0

    def open(self, spec: tuple) -> None:
        self.close()
        self.spec = spec
        self.pool.start()

    def close(self) -> None:
        if self.spec is not None and self._pool is not None and not self._pool._closed:
            self._pool.cancel(self.owner)
            self._pool.forget_document(self.spec[0])
        self.spec = None
        self.cache.clear()
        self.failed.clear()
        self.wanted = frozenset()
        self.fallback_doc = None

    def release(self) -> None:
        """The view is going away."""
        self.close()
        if self._pool is not None and not self._pool._closed:
            self._pool.release(self.owner)

    # ------------------------------------------------------------------ keys
    def tile_keys(self, layout: PageLayout, page: int, dpr: float, mode: str, rect: tuple | None) -> list[tuple]:
        skey = scale_key(layout.device_scale(dpr))
        return [(self.token, page, skey, tx, ty, mode) for tx, ty in layout.tiles(page, dpr, rect)]

    def low_key(self, page: int, mode: str) -> tuple:
        return (self.token, page, LOW, 0, 0, mode)

    # ------------------------------------------------------------------ requests
    def update(self, layout: PageLayout, view: tuple, dpr: float, mode: str, direction: int) -> None:
        """Ask for what the view at content rect `view` needs (direction: +1 down, -1 up, 0)."""
        if self.spec is None or not layout.sizes:
            return
        vx, vy, vw, vh = view
        cy = vy + vh / 2
        self._track_speed(vy, direction)
        # far enough ahead that what a fast scroll shows in the next AHEAD_LEAD_S is being prepared
        ahead = min(max(vh * AHEAD_VIEWS, self.speed * AHEAD_LEAD_S), vh * MAX_AHEAD_VIEWS)
        if direction > 0:    # scrolling down: the view's columns, from its top to `ahead` below
            ext = (vx, vy, vw, vh + ahead)
        elif direction < 0:  # up
            ext = (vx, vy - ahead, vw, vh + ahead)
        else:                # at rest: a view above and below, a quarter view each side
            ext = (vx - vw * 0.25, vy - vh, vw * 1.5, vh * 3.0)
        jobs: list[Job] = []
        visible: list[tuple] = []
        pinned: list[tuple] = []
        wanted: set = set()
        cache = self.cache
        vis_pages = [i for i in layout.pages_in(vy, vy + vh) if i not in self.failed]

        def dist_page(i: int) -> float:
            x, y, w, h = layout.page_rect(i)
            return 0.0 if y <= cy <= y + h else min(abs(y - cy), abs(y + h - cy))

        def tile_dist(k: tuple) -> float:
            x, y, w, h = layout.tile_rect(k[1], k[3], k[4], dpr)
            return abs(y + h / 2 - cy) + abs(x + w / 2 - (vx + vw / 2)) * 0.25

        for i in vis_pages:
            lk = self.low_key(i, mode)
            pinned.append(lk)
            wanted.add(lk)
            if lk not in cache:
                jobs.append(self._low_job(layout, i, mode, (0, 0, dist_page(i))))
            keys = self.tile_keys(layout, i, dpr, mode, view)
            visible += keys
        pinned += visible
        wanted.update(visible)
        for k in visible:
            if k not in cache:
                jobs.append(self._tile_job(k, (1, 1, tile_dist(k))))
        # ahead of the view (the scroll direction), then around it
        # at rest, reading goes on downwards: the pages below are the ones a scroll shows first
        # (a scroll that starts the moment the view is sharp must not meet a blank page)
        towards = direction or 1
        last = vis_pages[-1] if towards > 0 and vis_pages else (vis_pages[0] if vis_pages else 0)
        n_low = LOW_AHEAD_PAGES
        if direction and vis_pages:
            edge = cy + towards * (vh / 2 + ahead)
            beyond = layout.pages_in(min(cy, edge), max(cy, edge))
            n_low = max(n_low, len([i for i in beyond if i not in vis_pages]) + 1)
        ahead_pages = [last + towards * n for n in range(1, n_low + 1)]
        # scrolling: the next pages' low-resolution images before the visible tiles (they are on
        # screen within a page of scrolling); at rest, right after the visible tiles
        soon_prio = (1, 0) if direction else (1, 2)
        ext_pages = [i for i in layout.pages_in(ext[1], ext[1] + ext[3]) if i not in self.failed]
        for i in ahead_pages[:2] + ext_pages + ahead_pages[2:]:
            if 0 <= i < len(layout.sizes) and i not in vis_pages and i not in self.failed:
                lk = self.low_key(i, mode)
                if lk not in wanted:
                    wanted.add(lk)
                    if lk not in cache:
                        # the next page or two: right after the visible pages' (soon on screen)
                        prio = soon_prio if i in ahead_pages[:2] else (2, 0)
                        jobs.append(self._low_job(layout, i, mode, (*prio, dist_page(i))))
        vis_set = set(visible)
        for i in ext_pages:
            for k in self.tile_keys(layout, i, dpr, mode, ext):
                if k in vis_set:
                    continue
                wanted.add(k)
                if k in cache:
                    continue
                x, y, w, h = layout.tile_rect(i, k[3], k[4], dpr)
                is_ahead = (towards > 0 and y + h / 2 > cy) or (towards < 0 and y + h / 2 < cy)
                jobs.append(self._tile_job(k, (2 if is_ahead else 4, 1, tile_dist(k))))
        self.wanted = frozenset(wanted)
        cache.set_pinned(pinned)
        if self.fallback_doc is not None and vis_pages and not self.pool.ready():
            self._in_process(layout, vis_pages[0], [k for k in visible if k[1] == vis_pages[0]], mode)
            # and one more low-resolution image per update, the other visible pages first, then the
            # next page down: a scroll that starts before the workers are up meets no blank page
            for i in [*vis_pages[1:], *ahead_pages[:1]]:
                if 0 <= i < len(layout.sizes) and self.low_key(i, mode) not in cache:
                    self._in_process_low(i, mode)
                    break
        self.pool.set_jobs(self.owner, "view", jobs)

    def _track_speed(self, vy: float, direction: int) -> None:
        now = time.monotonic()
        last = self._last_move
        if direction and last is not None and vy == last[1]:
            return  # asked again for the same view (an image came): the speed stands
        self._last_move = (now, vy)
        if not direction:
            self.speed = 0.0
            return
        if last is None:
            return
        dt = now - last[0]
        if dt > 0.25:  # a pause: start again
            self.speed = 0.0
            return
        if dt <= 0:
            return
        v = abs(vy - last[1]) / dt
        self.speed = v if self.speed == 0.0 else 0.7 * self.speed + 0.3 * v

    def _tile_job(self, key: tuple, prio: tuple) -> Job:
        _tok, page, skey, tx, ty, mode = key
        return Job(key, prio, ("tile", self.spec, page, skey, tx, ty, mode),
                   lambda img, key=key: self._got(key, img), lambda msg, page=page: self._failed(page, msg),
                   owner=self.owner, image=True, affinity=(self.token, page))

    def _low_job(self, layout: PageLayout, page: int, mode: str, prio: tuple) -> Job:
        key = self.low_key(page, mode)
        w, h = layout.sizes[page]
        return Job(key, prio, ("low", self.spec, page, low_scale(w, h), mode),
                   lambda img, key=key: self._got(key, img), lambda msg, page=page: self._failed(page, msg),
                   owner=self.owner, image=True, affinity=(self.token, page))

    def request_lows(self, layout: PageLayout, pages: list[int], mode: str) -> None:
        """Low-resolution images of `pages` (thumbnails), after everything the view needs;
        replaces the previous such request."""
        if self.spec is None:
            return
        jobs = [self._low_job(layout, i, mode, (5, 0, n)) for n, i in enumerate(pages)
                if 0 <= i < len(layout.sizes) and i not in self.failed and self.low_key(i, mode) not in self.cache]
        self.pool.set_jobs(self.owner, "thumbnails", jobs)

    def _in_process(self, layout: PageLayout, page: int, keys: list[tuple], mode: str) -> None:
        """Before the workers are up (the first document opened after start, a second or two on
        a busy machine): the first visible page from the GUI's own document, its visible tiles
        when they are few (about a raw render of the page, once), else its low-resolution image."""
        from .render_worker import render_tile

        missing = [k for k in keys if k not in self.cache]
        if not missing:
            return  # sharp already
        try:
            dl = self.fallback_doc[page].get_displaylist()
            if len(missing) <= IN_PROCESS_TILES:
                for k in missing:
                    pix = render_tile(dl, k[2] / 1000.0, k[3], k[4], mode)
                    if pix is not None:
                        self._got(k, QImage(pix.samples_mv, pix.width, pix.height, pix.stride,
                                            QImage.Format.Format_RGB32).copy())
                return
        except Exception:
            return  # the workers will report the page's error
        self._in_process_low(page, mode, dl)

    def _in_process_low(self, page: int, mode: str, dl=None) -> None:
        """The low-resolution image of `page` from the GUI's own document (workers not up yet)."""
        from .render_worker import render_region

        key = self.low_key(page, mode)
        if key in self.cache or self.fallback_doc is None:
            return
        try:
            if dl is None:
                dl = self.fallback_doc[page].get_displaylist()
            r = dl.rect
            s = low_scale(r.width, r.height)
            pix = render_region(dl, s, 0, 0, max(1, math.ceil(r.width * s - 1e-3)),
                                max(1, math.ceil(r.height * s - 1e-3)), mode)
            self._got(key, QImage(pix.samples_mv, pix.width, pix.height, pix.stride,
                                  QImage.Format.Format_RGB32).copy())
        except Exception:
            return  # the workers will report the page's error

    def _got(self, key: tuple, img: QImage) -> None:
        if self.spec is None or key[0] != self.token or img.isNull():
            return
        self.cache.put(key, img)
        self.on_image(key)

    def _failed(self, page: int, msg: str) -> None:
        if self.spec is None:
            return
        self.failed[page] = msg
        self.on_failed(page, msg)

    def submit(self, prio: tuple, msg: tuple, on_result: Callable, on_error: Callable | None = None,
               image: bool = False, key=None) -> None:
        """A one-off job on this view's document: msg is (kind, args...) without the spec."""
        if self.spec is None:
            return
        self.pool.submit(Job(key if key is not None else object(), prio, (msg[0], self.spec, *msg[1:]),
                             on_result, on_error, owner=self.owner, image=image))

    # ------------------------------------------------------------------ state
    def page_ready(self, layout: PageLayout, page: int, dpr: float, mode: str, rect: tuple | None) -> bool:
        if page in self.failed:
            return True
        return all(k in self.cache for k in self.tile_keys(layout, page, dpr, mode, rect))

    def fallback_images(self, page: int, mode: str, skey: int) -> tuple[QImage | None, list[tuple]]:
        """(low-resolution image, tiles of the nearest other scale) of `page` in `mode`."""
        low = self.cache.peek(self.low_key(page, mode))
        best = None
        keys = [k for k in self.cache.keys_for_page(self.token, page) if k[5] == mode and k[2] not in (LOW, skey)]
        for k in keys:
            if best is None or abs(k[2] - skey) < abs(best - skey):
                best = k[2]
        return low, [k for k in keys if k[2] == best]


def stretch_factor(layout: PageLayout, skey: int) -> float:
    """Logical px per device px of an image rendered at scale key `skey`."""
    return layout.ppp / key_scale(skey)


__all__ = ["DEFAULT_CACHE_BYTES", "LOW", "MAX_CACHE_BYTES", "TILE", "TileCache", "ViewRenderer", "intersect",
           "stretch_factor"]
