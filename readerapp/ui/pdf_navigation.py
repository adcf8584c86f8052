"""Navigation in the PDF view: going to a page or a point, back and forward, the outline,
and the view state saved per paper. A mixin of PdfView (pdf_view.py), which holds the state."""

from __future__ import annotations

import time

import pymupdf

from . import color_modes
from .page_geometry import GAP


class PdfNavigationMixin:
    def outline(self) -> list[tuple[int, str, int]]:
        """(level, title, page) with 0-based pages; entries without a target have page -1."""
        return [(int(lvl), str(title), int(pno) - 1) for lvl, title, pno, *_ in self._simple_toc()]

    def _simple_toc(self) -> list:
        if self._toc is None:
            try:  # the points of the entries on demand (outline_targets: slower)
                self._toc = self._doc.get_toc(simple=True) if self._doc is not None else []
            except Exception:
                self._toc = []
        return self._toc

    def outline_targets(self) -> list[tuple[int, str, int, float | None]]:
        """(level, title, page, y) like outline(), with y the heading's position on its page (PDF
        points from the top, for go_to(page, y)); None where the entry names no point."""
        if self._toc_points is None:
            try:
                self._toc_points = self._doc.get_toc(simple=False) if self._doc is not None else []
            except Exception:
                self._toc_points = [list(e) + [{}] for e in self._simple_toc()]
        out = []
        for lvl, title, pno, *rest in self._toc_points:
            dest = rest[0] if rest and isinstance(rest[0], dict) else {}
            y = None
            try:
                if dest.get("nameddest") and self._doc is not None:  # resolve_link gives top-left coordinates
                    rp, _x, ry = self._doc.resolve_link("#nameddest=" + dest["nameddest"])
                    y = float(ry) if rp == pno - 1 else None
                if y is None and dest.get("to") is not None and 0 <= pno - 1 < len(self._sizes):
                    y = float(dest["to"].y)
                    if dest.get("kind") == pymupdf.LINK_NAMED:  # raw PDF space (y up)
                        y = self._sizes[pno - 1][1] - y
            except Exception:
                y = None
            if y is not None and not (0 <= y <= (self._sizes[pno - 1][1] if 0 <= pno - 1 < len(self._sizes) else 0)):
                y = None
            out.append((int(lvl), str(title), int(pno) - 1, y))
        return out

    def _scroll_to(self, page: int, y: float | None, top_margin: float = GAP) -> None:
        r = self._page_rect(page)
        yy = r.y() + (y * self._ppp() if y is not None else 0) - top_margin
        self.verticalScrollBar().setValue(round(yy))
        self._update_current_page()

    def _position(self) -> tuple[int, float]:
        """(page, y in PDF points) at the top edge of the view; in a gap, the page below (y < 0)."""
        return self._layout.position(float(self.verticalScrollBar().value()))

    def go_to(self, page: int, y: float | None = None, *, record: bool = True) -> None:
        """Show `page` (0-based) at the top; `y` (PDF points from the page top) is put near the top."""
        if not self._sizes:
            return
        page = max(0, min(int(page), len(self._sizes) - 1))
        if record:
            self._history.push(self._position())
        self._scroll_to(page, y, top_margin=GAP if y is None else 30)

    def back(self) -> bool:
        pos = self._history.back(self._position())
        if pos is None:
            return False
        self._scroll_to(pos[0], pos[1], top_margin=0)
        return True

    def forward(self) -> bool:
        pos = self._history.forward(self._position())
        if pos is None:
            return False
        self._scroll_to(pos[0], pos[1], top_margin=0)
        return True

    def state(self) -> dict:
        page, y = self._position()
        h = self._sizes[page][1] if self._sizes else 1.0
        return {"page": page, "offset": y / h if h else 0.0, "zoom_mode": self._zoom_mode,
                "zoom": self.zoom(), "night": self._mode == color_modes.NIGHT, "color_mode": self._mode,
                "page_layout": self.page_layout()}

    def restore_state(self, st: dict) -> None:
        if st.get("page_layout") in ("single", "facing"):
            self.set_page_layout(st["page_layout"])
        mode = st.get("zoom_mode", "custom")
        if mode in ("fit_width", "fit_page"):
            self._apply_zoom(self._fit_zoom(mode), mode)
        else:
            self._apply_zoom(float(st.get("zoom", 1.0)), "custom")
        if st.get("color_mode") in color_modes.MODES:
            self.set_color_mode(st["color_mode"])
        elif "night" in st:
            self.set_night_mode(bool(st["night"]))
        if self._sizes:
            page = max(0, min(int(st.get("page", 0)), len(self._sizes) - 1))
            self._scroll_to(page, float(st.get("offset", 0.0)) * self._sizes[page][1], top_margin=0)
        self._schedule()

    # ------------------------------------------------------------------ passages (search hits)
    def show_passage(self, page: int, rect) -> None:
        """Centre `rect` (PDF points) of `page` in the view at the current zoom (the zoom is kept),
        flash it, and make `page` the current page even where the next page fills more of the view."""
        if not self._sizes:
            return
        page = max(0, min(int(page), len(self._sizes) - 1))
        r = tuple(float(v) for v in (tuple(rect) if not isinstance(rect, pymupdf.Rect) else rect))
        self._history.push(self._position())
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

    def _recentre_passage(self) -> None:
        """After a resize: a tab laid out just after its passage was opened centres it again."""
        passage = getattr(self, "_passage", None)
        if passage is not None and time.monotonic() - passage[2] < 1.0:
            self._centre_passage(passage[0], passage[1])
