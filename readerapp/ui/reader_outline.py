"""The reader tab's Outline panel: the PDF's table of contents as a tree, filled when first
needed (the next event-loop turn after the paper opens, or at once when the tab is shown), a
click jumping to the heading's point, the entry of the current page selected as you read.

A mixin of ReaderTab (it uses the tab's view, outline_tree and state); its strings keep the
"ReaderTab" translation context."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QTreeWidgetItem


class OutlineMixin:
    def _fill_outline_if_due(self) -> None:
        if self._outline_due and not self._closed:
            self._fill_outline()

    def _fill_outline(self) -> None:
        self._outline_due = False
        self._outline_items = []
        self.outline_tree.clear()
        entries = self.view.outline() if self.view is not None else []
        parents: list[QTreeWidgetItem] = []
        for n, (level, title, page) in enumerate(entries):
            item = QTreeWidgetItem([title])
            item.setData(0, Qt.ItemDataRole.UserRole, page)
            item.setData(0, Qt.ItemDataRole.UserRole + 1, n)  # its entry: the heading's point, on click
            if page >= 0:
                item.setToolTip(0, QCoreApplication.translate("ReaderTab", "%1 (p. %2)").replace("%1", title).replace("%2", str(page + 1)))
            level = max(1, level)
            parents = parents[:level - 1]
            (parents[-1].addChild(item) if parents else self.outline_tree.addTopLevelItem(item))
            parents.append(item)
            if page >= 0:
                self._outline_items.append((page, item))
        if not entries:
            item = QTreeWidgetItem([QCoreApplication.translate("ReaderTab", "This PDF has no table of contents.")])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.outline_tree.addTopLevelItem(item)
        elif len(entries) <= 80:
            self.outline_tree.expandAll()
        else:
            self.outline_tree.expandToDepth(0)

    def _outline_clicked(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        page = item.data(0, Qt.ItemDataRole.UserRole)
        if self.view is not None and isinstance(page, int) and page >= 0:
            n = item.data(0, Qt.ItemDataRole.UserRole + 1)
            targets = self.view.outline_targets()  # the heading, not the page top (read on first use)
            y = targets[n][3] if isinstance(n, int) and 0 <= n < len(targets) and targets[n][2] == page else None
            self.view.go_to(page, y)

    def _track_outline(self, page: int) -> None:
        best = None
        for p, item in self._outline_items:
            if p <= page:
                best = item
        if best is not None and self.outline_tree.currentItem() is not best:
            self.outline_tree.blockSignals(True)
            self.outline_tree.setCurrentItem(best)
            self.outline_tree.blockSignals(False)
