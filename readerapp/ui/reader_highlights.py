"""The reader tab's highlight tools: colours, underline, area, and the highlight edits.

Every edit is stored at once through the Library and pushed on the tab's
undo stack (readerapp.ui.highlights_panel holds the commands and the list).
Strings use the "ReaderTab" translation context, as they did in the tab.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon
from PySide6.QtWidgets import QMenu

from readerapp.core.errors import ReaderError
from readerapp.core.models import Highlight

from .highlights_panel import (COLORS, AddHighlightCommand, DeleteHighlightCommand, EditHighlightCommand,
                               quote_markdown, swatch_icon)

from .reader_states import SIDE_HIGHLIGHTS, SIDE_NOTE


def bbox_of(quads) -> tuple[float, float, float, float] | None:
    xs = [v for q in quads for v in q[0::2]]
    ys = [v for q in quads for v in q[1::2]]
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


class HighlightTools(QObject):
    """The colour / underline / area actions of one ReaderTab and the highlight edits."""

    def __init__(self, tab):
        super().__init__(tab)
        self.tab = tab
        self._color = COLORS[0][0]
        self._clicked_highlight: int | None = None

    def build(self, toolbar) -> None:
        """Add the colour swatches, Underline and Area to `toolbar`."""
        tab = self.tab
        names = tab.highlights.color_names()
        self.color_group = QActionGroup(tab)
        self.color_actions: list[QAction] = []
        for n, (c, _en) in enumerate(COLORS, 1):
            a = QAction(swatch_icon(c, 18), names[c], tab)
            a.setObjectName(f"color{n}")
            a.setCheckable(True)
            a.setToolTip(QCoreApplication.translate("ReaderTab", "Highlight the selection in %1 (%2)")
                         .replace("%1", names[c].lower()).replace("%2", str(n)))
            a.triggered.connect(lambda _c=False, c=c: self._color_clicked(c))
            self.color_group.addAction(a)
            toolbar.addAction(a)
            self.color_actions.append(a)
        self.color_actions[0].setChecked(True)
        self.act_underline = tab._act(QCoreApplication.translate("ReaderTab", "Underline"),
                                      lambda: self.underline_selection(),
                                      icon=swatch_icon(self._color, 18, underline=True),
                                      tip=QCoreApplication.translate("ReaderTab", "Underline the selection (U)"),
                                      name="underline")
        self.act_area = tab._act(QCoreApplication.translate("ReaderTab", "Area"), self._area_toggled,
                                 icon=self._area_icon(),
                                 tip=QCoreApplication.translate(
                                     "ReaderTab", "Area highlight: drag a rectangle around a figure or equation"),
                                 checkable=True, name="area")

    def _area_icon(self) -> QIcon:
        from PySide6.QtGui import QPainter, QPen, QPixmap

        pm = QPixmap(18, 18)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setPen(QPen(QColor("#444444"), 1.5, Qt.PenStyle.DashLine))
        p.setBrush(QColor(self._color).lighter(110))
        p.drawRect(2, 4, 14, 10)
        p.end()
        return QIcon(pm)

    def current_color(self) -> str:
        return self._color

    def set_current_color(self, color: str) -> None:
        self._color = color
        for a, (c, _n) in zip(self.color_actions, COLORS):
            a.setChecked(c == color)
        self.act_underline.setIcon(swatch_icon(color, 18, underline=True))
        self.act_area.setIcon(self._area_icon())

    def _color_clicked(self, color: str) -> None:
        self.set_current_color(color)
        if self.tab.view is not None and self.tab.view.selection():
            self.highlight_selection(color)

    def _area_toggled(self, on: bool) -> None:
        if self.tab.view is not None:
            self.tab.view.set_tool("area" if on else "select")
            if on:
                self.tab.statusMessage.emit(QCoreApplication.translate("ReaderTab", "Drag a rectangle around a figure or equation to highlight it"))

    def highlight_selection(self, color: str | None = None, kind: str = "highlight") -> int | None:
        """Highlight (or underline) the text selected in the page; returns the new id."""
        if self.tab.view is None:
            return None
        sel = self.tab.view.selection()
        if not sel or not sel[2].strip():
            self.tab.statusMessage.emit(QCoreApplication.translate("ReaderTab", "Select some text first (or use the area tool for a figure)"))
            return None
        page, quads, text = sel
        color = color or self._color
        if color != self._color:
            self.set_current_color(color)
        h = Highlight(None, self.tab.paper_id, page, [list(q) for q in quads], text, color=color, kind=kind)
        hid = self._add(h, QCoreApplication.translate("ReaderTab", "Underline") if kind == "underline" else QCoreApplication.translate("ReaderTab", "Highlight"))
        if hid is not None:
            self.tab.view.clear_selection()
        return hid

    def underline_selection(self) -> int | None:
        return self.highlight_selection(self._color, kind="underline")

    def _on_area(self, page: int, rect: tuple) -> None:
        if self.tab.view is None or self.tab.view.tool() != "area":
            return
        x0, y0, x1, y1 = rect
        if x1 - x0 < 4 or y1 - y0 < 4:
            return
        h = Highlight(None, self.tab.paper_id, page, [[x0, y0, x1, y0, x0, y1, x1, y1]], "", color=self._color,
                      kind="area")
        self._add(h, QCoreApplication.translate("ReaderTab", "Area highlight"))

    def _add(self, h: Highlight, label: str) -> int | None:
        try:
            h.id = self.tab.library.add_highlight(h)
        except ReaderError as exc:
            self._error(QCoreApplication.translate("ReaderTab", "Highlight not saved: %1").replace("%1", str(exc)))
            return None
        self.tab.undo_stack.push(AddHighlightCommand(self.tab.library, h, label, self._error, self._reload_highlights))
        self._reload_highlights()
        self.tab.highlights.select_id(h.id)
        self.tab.statusMessage.emit(QCoreApplication.translate("ReaderTab", "%1 on page %2 saved (Ctrl+Z to undo)").replace("%1", label)
                                .replace("%2", str(h.page + 1)))
        return h.id

    def delete_highlight(self, hid: int) -> bool:
        try:
            h = self.tab.library.delete_highlight(hid)
        except ReaderError as exc:
            self._error(str(exc))
            return False
        self.tab.undo_stack.push(DeleteHighlightCommand(self.tab.library, h, QCoreApplication.translate("ReaderTab", "Delete highlight"), self._error,
                                                    self._reload_highlights))
        self._reload_highlights()
        self.tab.statusMessage.emit(QCoreApplication.translate("ReaderTab", "Highlight deleted (Ctrl+Z to undo)"))
        return True

    def _edit(self, hid: int, label: str, **new) -> bool:
        try:
            h = self.tab.library.get_highlight(hid)
            old = {k: getattr(h, k) for k in new}
            if old == new:
                return True
            self.tab.library.update_highlight(hid, **new)
        except ReaderError as exc:
            self._error(str(exc))
            return False
        self.tab.undo_stack.push(EditHighlightCommand(self.tab.library, hid, old, new, label, self._error,
                                                  self._reload_highlights))
        self._reload_highlights()
        return True

    def set_highlight_comment(self, hid: int, comment: str) -> bool:
        return self._edit(hid, QCoreApplication.translate("ReaderTab", "Edit comment"), comment=comment)

    def set_highlight_color(self, hid: int, color: str) -> bool:
        return self._edit(hid, QCoreApplication.translate("ReaderTab", "Change colour"), color=color)

    def edit_comment_dialog(self, hid: int) -> None:
        h = self.tab.highlights.highlight(hid)
        if h is None:
            return
        from .comment_dialog import ask_comment

        text = ask_comment(self.tab, QCoreApplication.translate("ReaderTab", "Comment"),
                           QCoreApplication.translate("ReaderTab", "Comment on the highlight on page %1:")
                           .replace("%1", str(h.page + 1)), h.comment)
        if text is not None:
            self.set_highlight_comment(hid, text.strip())

    def send_to_note(self, hid: int, field: str) -> None:
        """Append the highlight as a quote with its page to a note field (and save)."""
        h = self.tab.highlights.highlight(hid)
        if h is None:
            return
        self.tab.note.append_quote(field, quote_markdown(h))  # the side panel stays where the user is
        names = {"problem": QCoreApplication.translate("ReaderTab", "Problem"), "method": QCoreApplication.translate("ReaderTab", "Method"), "results": QCoreApplication.translate("ReaderTab", "Results"),
                 "notes": QCoreApplication.translate("ReaderTab", "Notes")}
        self.tab.statusMessage.emit(QCoreApplication.translate("ReaderTab", "Quote added to %1").replace("%1", names.get(field, field)))

    def jump_to_highlight(self, hid: int) -> None:
        h = self.tab.highlights.highlight(hid)
        if h is None or self.tab.view is None:
            return
        self.tab.go_to(h.page, bbox_of(h.quads))

    def _on_highlight_clicked(self, hid) -> None:
        self._clicked_highlight = hid
        h = self.tab.highlights.highlight(hid)
        if h is None:
            return
        self.tab.highlights.select_id(hid)
        if self.tab.side.currentIndex() != SIDE_NOTE:
            self.tab.side.setCurrentIndex(SIDE_HIGHLIGHTS)
        msg = QCoreApplication.translate("ReaderTab", "Highlight on page %1").replace("%1", str(h.page + 1))
        if h.comment:
            msg += ": " + " ".join(h.comment.split())
        self.tab.statusMessage.emit(msg + QCoreApplication.translate("ReaderTab", " — Delete to remove, right-click the list for more"))

    def page_menu(self, pos) -> QMenu | None:
        """Right-click menu at a viewport position: the highlight's menu there, or actions on the selection."""
        if self.tab.view is None:
            return None
        hid = self.tab.view.highlight_at(pos)
        if hid is not None and self.tab.highlights.highlight(hid) is not None:
            self.tab.highlights.select_id(hid)
            self._clicked_highlight = hid
            return self.tab.highlights.build_menu(hid)
        if not self.tab.view.selection():
            return None
        m = QMenu(self.tab)
        names = self.tab.highlights.color_names()
        for n, (c, _en) in enumerate(COLORS, 1):
            m.addAction(swatch_icon(c), QCoreApplication.translate("ReaderTab", "Highlight in %1").replace("%1", names[c].lower()) + f"\t{n}",
                        lambda c=c: self.highlight_selection(c))
        m.addAction(swatch_icon(self._color, 16, underline=True), QCoreApplication.translate("ReaderTab", "Underline") + "\tU",
                    self.underline_selection)
        m.addSeparator()
        m.addAction(QCoreApplication.translate("ReaderTab", "Copy"), self.tab.view.copy_selection)
        m.addAction(QCoreApplication.translate("ReaderTab", "Find in document"), self.tab.focus_find)
        return m

    def _reload_highlights(self) -> None:
        if self.tab.closed():
            return
        try:
            items = self.tab.library.highlights(self.tab.paper_id)
        except ReaderError:
            items = []
        self.tab.highlights.set_highlights(items)
        if self.tab.view is not None:
            self.tab.view.set_highlights(items)
        self.tab.side.setTabText(SIDE_HIGHLIGHTS, QCoreApplication.translate("ReaderTab", "Highlights (%1)").replace("%1", str(len(items)))
                             if items else QCoreApplication.translate("ReaderTab", "Highlights"))

    def _error(self, msg: str) -> None:
        self.tab.statusMessage.emit(msg)

