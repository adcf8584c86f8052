"""Back / forward navigation history of the PDF view (pure, no Qt).

A position is (page, y in points from the page top)."""

from __future__ import annotations

MAX_ENTRIES = 200


class NavigationHistory:
    def __init__(self):
        self._back: list[tuple] = []
        self._fwd: list[tuple] = []

    def push(self, pos: tuple) -> None:
        """Record where the view was before a jump; the forward list is dropped."""
        self._back.append(pos)
        del self._back[:-MAX_ENTRIES]
        self._fwd.clear()

    def back(self, here: tuple) -> tuple | None:
        if not self._back:
            return None
        self._fwd.append(here)
        return self._back.pop()

    def forward(self, here: tuple) -> tuple | None:
        if not self._fwd:
            return None
        self._back.append(here)
        return self._fwd.pop()

    def can_go_back(self) -> bool:
        return bool(self._back)

    def can_go_forward(self) -> bool:
        return bool(self._fwd)

    def clear(self) -> None:
        self._back.clear()
        self._fwd.clear()
