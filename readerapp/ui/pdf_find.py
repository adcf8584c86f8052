"""Find in the document: the hits found so far and the emphasised one (pure, no Qt)."""

from __future__ import annotations

FIND_CHUNK = 4  # pages per find request (short requests: tiles of a scrolling view go between them)


def find_chunks(page_count: int, start: int, size: int = FIND_CHUNK) -> list[list[int]]:
    """All pages from `start` on, wrapping, cut into requests of `size` pages."""
    order = list(range(start, page_count)) + list(range(0, start))
    return [order[i: i + size] for i in range(0, len(order), size)]


class FindResults:
    def __init__(self):
        self.clear()

    def clear(self, text: str = "", start: int = 0) -> None:
        self.text = text
        self.start = start  # the search runs from this page on, wrapping
        self.moved = False  # the user stepped through the hits
        self.hits: dict[int, list] = {}
        self.order: list[tuple[int, int]] = []
        self.cur = -1
        self.total = 0
        self.pending = 0  # requests not answered yet

    def add_page(self, page: int, quads: list) -> bool:
        """Record the hits of a page (pages may come in any order); True when the emphasised
        hit changed: until the user steps, it is the first hit from the start page on."""
        if not quads or page in self.hits:
            return False
        self.hits[page] = quads
        self.total += len(quads)
        cur = self.order[self.cur] if self.cur >= 0 else None
        self.order = sorted(self.order + [(page, n) for n in range(len(quads))])
        if not self.moved:
            first = min(self.order, key=lambda h: (h[0] < self.start, h))
            self.cur = self.order.index(first)
            return first != cur
        self.cur = self.order.index(cur) if cur is not None else 0
        return False

    def step(self, delta: int) -> tuple[int, int] | None:
        if not self.order:
            return None
        self.moved = True
        self.cur = (self.cur + delta) % len(self.order)
        return self.order[self.cur]

    def current(self) -> tuple[int, int] | None:
        if not 0 <= self.cur < len(self.order):
            return None
        return self.order[self.cur]

    def current_quad(self) -> tuple[int, tuple] | None:
        c = self.current()
        if c is None:
            return None
        return c[0], self.hits[c[0]][c[1]]
