"""Find in the PDF view: the search runs in the render workers, a few pages per request,
hits appear as they come. A mixin of PdfView (pdf_view.py), which holds the state."""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, QTimer

from .pdf_find import find_chunks
from .pdf_selection import quad_bbox


class PdfFindMixin:
    def start_find(self, text: str) -> None:
        """Search all pages in the workers; hits appear as they are found; findFinished(total) at the end."""
        self._find_gen += 1
        gen = self._find_gen
        self._r.pool.cancel(self, "misc", lambda j: isinstance(j.key, tuple) and j.key[:1] == ("find",))
        self._find.clear(text, self.current_page())
        self.viewport().update()
        if not text or self._r.spec is None:
            self._find_running = False
            self.findFinished.emit(0)
            return
        self._find_running = True
        chunks = find_chunks(len(self._sizes), self.current_page())
        self._find.pending = len(chunks)
        for n, pages in enumerate(chunks):
            self._r.submit((1, 5, n), ("find", text, pages), lambda res, gen=gen: self._on_find_chunk(gen, res),
                           lambda msg, gen=gen: self._on_find_chunk(gen, []), key=("find", gen, n))

    def find(self, text: str, timeout_ms: int = 30000) -> int:
        """Search the whole document and return the number of hits.

        The search runs in the workers; this waits in a local event loop, so painting and
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
        return self._find.total

    def _on_find_chunk(self, gen: int, found: list) -> None:
        if gen != self._find_gen:
            return
        for page, quads in found:
            if self._find.add_page(page, quads):
                self._show_hit()
        self._find.pending -= 1
        self.viewport().update()
        if self._find.pending <= 0 and self._find_running:
            self._find_running = False
            self.findFinished.emit(self._find.total)

    def _show_hit(self) -> None:
        cq = self._find.current_quad()
        if cq is None:
            return
        self._ensure_visible(cq[0], quad_bbox(cq[1]))
        self.viewport().update()

    def find_next(self) -> tuple[int, int] | None:
        """Move to the next hit (wrapping); returns (page, index on page) or None."""
        got = self._find.step(1)
        self._show_hit()
        return got

    def find_previous(self) -> tuple[int, int] | None:
        got = self._find.step(-1)
        self._show_hit()
        return got

    def current_hit(self) -> tuple[int, tuple] | None:
        """(page, quad) of the emphasised hit."""
        return self._find.current_quad()

    def find_position(self) -> tuple[int, int]:
        """(index of the emphasised hit, or -1; total hits so far) for a "3 / 120" label."""
        return self._find.cur, self._find.total

    def find_hits(self) -> dict[int, list]:
        return {p: list(q) for p, q in self._find.hits.items()}

    def clear_find(self) -> None:
        self.start_find("")
