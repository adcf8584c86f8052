"""The reader tab's find bar: the find box, previous/next, the hit count.

The search itself runs in the PdfView (its own worker); this controller
debounces typing, steps through hits and keeps the count label current.
Strings use the "ReaderTab" translation context, as they did in the tab.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit

FIND_DELAY_MS = 250


class FindBar(QObject):
    """The find widgets of one ReaderTab's toolbar and what they do."""

    def __init__(self, tab):
        super().__init__(tab)
        self.tab = tab
        self._find_started_for: str | None = None
        self._find_timer = QTimer(self, singleShot=True, interval=FIND_DELAY_MS)
        self._find_timer.timeout.connect(self._start_find)

    def build(self, toolbar) -> None:
        """Add the find box, the previous/next actions and the count to `toolbar`; Ctrl+F to the tab."""
        tab = self.tab
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("findBox")
        self.find_edit.setPlaceholderText(QCoreApplication.translate("ReaderTab", "Find in document (Ctrl+F)"))
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setAccessibleName(QCoreApplication.translate("ReaderTab", "Find in document"))
        self.find_edit.setMinimumWidth(140)
        self.find_edit.setMaximumWidth(240)
        self.find_edit.textEdited.connect(lambda _t: self._find_timer.start())
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_edit.installEventFilter(self)
        toolbar.addWidget(self.find_edit)
        self.act_find_prev = tab._act("▲", self.find_previous,
                                      tip=QCoreApplication.translate("ReaderTab", "Previous hit (Shift+Enter)"),
                                      name="findPrev")
        self.act_find_next = tab._act("▼", self.find_next,
                                      tip=QCoreApplication.translate("ReaderTab", "Next hit (Enter)"), name="findNext")
        self.find_label = QLabel()
        self.find_label.setObjectName("findCount")
        self.find_label.setMinimumWidth(tab.fontMetrics().horizontalAdvance("000 / 0000") + 8)
        toolbar.addWidget(self.find_label)
        self.act_find = QAction(QCoreApplication.translate("ReaderTab", "Find"), tab)
        self.act_find.setShortcut(QKeySequence.StandardKey.Find)
        self.act_find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_find.triggered.connect(self.focus_find)
        tab.addAction(self.act_find)

    def stop(self) -> None:
        self._find_timer.stop()

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802
        """Escape clears the search and returns to the page; Shift+Enter finds backwards."""
        if obj is self.find_edit and ev.type() == QEvent.Type.KeyPress:
            if ev.key() == Qt.Key.Key_Escape:
                self.find_edit.clear()
                self._start_find()
                if self.tab.view is not None:
                    self.tab.view.setFocus()
                return True
            if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.find_previous()
                return True
        return super().eventFilter(obj, ev)

    def focus_find(self) -> None:
        if self.tab.view is None:
            return
        sel = self.tab.view.selected_text()
        if sel and "\n" not in sel and len(sel) < 80:
            self.find_edit.setText(sel)
            self._find_timer.start()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def _start_find(self) -> None:
        if self.tab.view is None:
            return
        text = self.find_edit.text().strip()
        self._find_started_for = text
        if not text:
            self.tab.view.clear_find()
            self.find_label.setText("")
            return
        self.find_label.setText("…")
        self.tab.view.start_find(text)

    def find(self, text: str) -> int:
        """Find `text` now (waits for the worker); returns the number of hits."""
        self.find_edit.setText(text)
        self._find_timer.stop()
        self._find_started_for = text.strip()
        if self.tab.view is None:
            return 0
        n = self.tab.view.find(text.strip())
        self._on_find_finished(n)
        return n

    def find_next(self) -> None:
        self._find_step(forward=True)

    def find_previous(self) -> None:
        self._find_step(forward=False)

    def _find_step(self, forward: bool) -> None:
        if self.tab.view is None:
            return
        if self.find_edit.text().strip() != self._find_started_for:
            self._find_timer.stop()
            self._start_find()
            return
        (self.tab.view.find_next if forward else self.tab.view.find_previous)()
        self._update_find_label()

    def _on_find_finished(self, total: int) -> None:
        self._update_find_label()
        if total == 0 and self.find_edit.text().strip():
            self.tab.statusMessage.emit(QCoreApplication.translate("ReaderTab", "Not found: %1").replace("%1", self.find_edit.text().strip()))

    def _update_find_label(self) -> None:
        if self.tab.view is None or not self.find_edit.text().strip():
            self.find_label.setText("")
            return
        idx, total = self.tab.view.find_position()
        self.find_label.setText(QCoreApplication.translate("ReaderTab", "No hits") if total == 0 else f"{idx + 1} / {total}")

