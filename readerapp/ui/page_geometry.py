"""Page geometry of the continuous PDF view: pure arithmetic, no Qt.

Three coordinate systems:
  * PDF coordinates: PyMuPDF page coordinates, points, origin at the top-left of
    ``page.rect``, y down; pages are 0-based;
  * content coordinates: logical pixels of the whole scrolled column of pages
    (MARGIN around, GAP between pages, each page centred horizontally);
  * device pixels of a page at scale ``s`` (device px per point): what tiles are cut
    from, TILE x TILE each, tile (0, 0) at the page's top-left corner.
Rects are (x, y, width, height) in content coordinates unless said otherwise.
"""

from __future__ import annotations

import bisect
import math

MARGIN = 10      # logical px around the pages
GAP = 10         # logical px between pages
PT_TO_PX = 96.0 / 72.0  # zoom 1.0 (100 %) = the page's physical size at 96 logical dpi
TILE = 512       # tile edge in device pixels
DEFAULT_PAGE = (612.0, 792.0)


def scale_key(scale: float) -> int:
    """Integer key of a device scale, so float noise never splits cache keys."""
    return int(round(scale * 1000))


def key_scale(skey: int) -> float:
    return skey / 1000.0


def intersect(a: tuple, b: tuple) -> tuple | None:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1 - x0, y1 - y0)


class PageLayout:
    """Where each page lies at a zoom, for a viewport width."""

    def __init__(self, sizes: list[tuple[float, float]] | None = None, zoom: float = 1.0, facing: bool = False):
        self.sizes: list[tuple[float, float]] = list(sizes or [])
        self.zoom = float(zoom)
        self.facing = bool(facing)  # two pages side by side: (1, 2), (3, 4), ...
        self.page_y: list[float] = []
        self.page_x: list[float] = []
        self.row_h: list[float] = []  # height of the row each page is in
        self.content_w = 0.0
        self.content_h = 0.0
        self.layout(0)

    @property
    def ppp(self) -> float:
        """Logical pixels per PDF point."""
        return self.zoom * PT_TO_PX

    def __len__(self) -> int:
        return len(self.sizes)

    def rows(self) -> list[list[int]]:
        """Pages per row: one each, or pairs when facing."""
        n = len(self.sizes)
        step = 2 if self.facing else 1
        return [list(range(i, min(i + step, n))) for i in range(0, n, step)]

    def _px(self, i: int) -> tuple[int, int]:
        w, h = self.sizes[i]
        return round(w * self.ppp), round(h * self.ppp)

    def layout(self, viewport_w: float) -> None:
        n = len(self.sizes)
        self.page_y, self.page_x, self.row_h = [0.0] * n, [0.0] * n, [0.0] * n
        rows = self.rows()
        widths = [sum(self._px(i)[0] for i in row) + GAP * (len(row) - 1) for row in rows]
        self.content_w = max(float(viewport_w), max(widths, default=0) + 2 * MARGIN)
        y = MARGIN
        for row, rw in zip(rows, widths):
            rh = max(self._px(i)[1] for i in row)
            x = round((self.content_w - rw) / 2)
            for i in row:
                self.page_y[i], self.page_x[i], self.row_h[i] = float(round(y)), float(x), float(rh)
                x += self._px(i)[0] + GAP
            y += rh + GAP
        self.content_h = (y - GAP + MARGIN) if n else 0.0

    def page_rect(self, i: int) -> tuple[float, float, float, float]:
        pw, ph = self._px(i)
        return (self.page_x[i], self.page_y[i], pw, ph)

    def _row_start(self, i: int) -> int:
        while i > 0 and self.page_y[i - 1] == self.page_y[i]:
            i -= 1
        return i

    def pages_in(self, y0: float, y1: float) -> range:
        """Pages whose vertical extent (with the gap below) meets [y0, y1]."""
        if not self.sizes:
            return range(0)
        a = self._row_start(max(0, bisect.bisect_right(self.page_y, y0) - 1))
        b = bisect.bisect_right(self.page_y, y1)
        return range(a, min(b, len(self.sizes)))

    def page_at(self, cx: float, cy: float, nearest: bool = False) -> int:
        for i in self.pages_in(cy, cy):
            x, y, w, h = self.page_rect(i)
            if x <= cx <= x + w and y <= cy <= y + h:
                return i
        if nearest and self.sizes:
            i = self._row_start(max(0, bisect.bisect_right(self.page_y, cy) - 1))
            if cy > self.page_y[i] + self.row_h[i]:  # in the gap below this row: the closer row
                j = i + (2 if self.facing else 1)
                if j < len(self.sizes) and self.page_y[j] - cy < cy - (self.page_y[i] + self.row_h[i]):
                    i = j
            row = [k for k in range(i, min(len(self.sizes), i + (2 if self.facing else 1)))
                   if self.page_y[k] == self.page_y[i]]
            return min(row, key=lambda k: 0.0 if self.page_x[k] <= cx <= self.page_x[k] + self._px(k)[0]
                       else min(abs(cx - self.page_x[k]), abs(cx - self.page_x[k] - self._px(k)[0])))
        return -1

    def to_pdf(self, page: int, cx: float, cy: float) -> tuple[float, float]:
        x, y, _, _ = self.page_rect(page)
        return ((cx - x) / self.ppp, (cy - y) / self.ppp)

    def to_content(self, page: int, px: float, py: float) -> tuple[float, float]:
        x, y, _, _ = self.page_rect(page)
        return (x + px * self.ppp, y + py * self.ppp)

    def position(self, cy: float) -> tuple[int, float]:
        """(page, y in points) at content height cy; in a gap, the page below (y < 0). When
        facing, the first page of the row."""
        if not self.sizes:
            return 0, 0.0
        page = self._row_start(max(0, bisect.bisect_right(self.page_y, cy) - 1))
        nxt = page + (2 if self.facing else 1)
        if cy >= self.page_y[page] + self.row_h[page] and nxt < len(self.sizes):
            page = nxt
        return page, (cy - self.page_y[page]) / self.ppp

    def fit_zoom(self, mode: str, viewport_w: float, viewport_h: float, page: int) -> float:
        if not self.sizes:
            return self.zoom
        vw = max(50.0, viewport_w - 2 * MARGIN)
        if mode == "fit_width":
            widest = max(sum(self.sizes[i][0] for i in row) for row in self.rows())
            gaps = GAP if self.facing and len(self.sizes) > 1 else 0
            return max(50.0, vw - gaps) / (widest * PT_TO_PX)
        row = next(r for r in self.rows() if page in r)
        w = sum(self.sizes[i][0] for i in row)
        h = max(self.sizes[i][1] for i in row)
        vh = max(50.0, viewport_h - 2 * GAP)
        return min(max(50.0, vw - GAP * (len(row) - 1)) / (w * PT_TO_PX), vh / (h * PT_TO_PX))

    def most_visible(self, view: tuple) -> int:
        """The page with the largest area inside `view` (-1 if none)."""
        best, best_area = -1, -1.0
        for i in self.pages_in(view[1], view[1] + view[3]):
            inter = intersect(self.page_rect(i), view)
            a = inter[2] * inter[3] if inter else 0.0
            if a > best_area + 1e-6:
                best, best_area = i, a
        return best

    def device_scale(self, dpr: float) -> float:
        return self.ppp * dpr

    def tile_grid(self, page: int, dpr: float) -> tuple[int, int]:
        """Number of tile columns and rows of `page` at the current zoom."""
        s = self.device_scale(dpr)
        w, h = self.sizes[page]
        return max(1, math.ceil(w * s / TILE)), max(1, math.ceil(h * s / TILE))

    def tiles(self, page: int, dpr: float, rect: tuple | None = None) -> list[tuple[int, int]]:
        """(tx, ty) of the tiles of `page` meeting `rect` (content coordinates; None: all)."""
        ntx, nty = self.tile_grid(page, dpr)
        if rect is None:
            return [(tx, ty) for ty in range(nty) for tx in range(ntx)]
        pr = self.page_rect(page)
        inter = intersect(pr, rect)
        if inter is None:
            return []
        x0, y0 = (inter[0] - pr[0]) * dpr, (inter[1] - pr[1]) * dpr
        x1, y1 = x0 + inter[2] * dpr, y0 + inter[3] * dpr
        txr = range(max(0, int(x0 // TILE)), min(ntx, int(x1 // TILE) + 1))
        tyr = range(max(0, int(y0 // TILE)), min(nty, int(y1 // TILE) + 1))
        return [(tx, ty) for ty in tyr for tx in txr]

    def tile_rect(self, page: int, tx: int, ty: int, dpr: float) -> tuple[float, float, float, float]:
        """Content rect of tile (tx, ty) of `page` (uncut at the page edge)."""
        x, y, _, _ = self.page_rect(page)
        e = TILE / dpr
        return (x + tx * e, y + ty * e, e, e)
