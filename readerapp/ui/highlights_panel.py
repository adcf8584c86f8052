"""The highlights list of the reader tab and the undoable highlight commands.

The list shows every highlight of a paper (colour bar, page, kind, quoted
text, comment). Dragging an entry gives its Markdown quote
(``> quoted text (p. 3)``) as plain text and as HIGHLIGHT_MIME, which the note
fields take as a paragraph of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QMimeData, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPixmap, QUndoCommand
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QListWidget, QListWidgetItem, QMenu, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem)

from readerapp.core.errors import ReaderError
from readerapp.core.models import Highlight

from .note_editor import HIGHLIGHT_MIME
from .theme import comment_text

log = logging.getLogger(__name__)

HIGHLIGHT_ID_ROLE = Qt.ItemDataRole.UserRole
HIGHLIGHT_ROLE = Qt.ItemDataRole.UserRole + 1

# (colour, English name) in key order 1..5 (Zotero's palette, readable in both day and night mode)
COLORS = (("#ffd400", "Yellow"), ("#ff6666", "Red"), ("#5fb236", "Green"), ("#2ea8e5", "Blue"),
          ("#a28ae5", "Purple"))


def quote_markdown(h: Highlight) -> str:
    """The Markdown quote a highlight becomes in a note field: ``> text (p. 3)``."""
    text = " ".join((h.text or "").split())
    if not text:
        text = "[" + (" ".join(h.comment.split()) if h.comment.strip() else "area") + "]"
    return f"> {text} (p. {h.page + 1})"


def swatch_icon(color: str, size: int = 16, underline: bool = False) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    c = QColor(color)
    if underline:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(c)
        p.drawRect(2, size - 5, size - 4, 3)
        f = QFont()
        f.setPixelSize(size - 4)
        f.setBold(True)
        f.setUnderline(False)
        p.setFont(f)
        # the letter in the theme's button text colour: readable on Light and Dark toolbars
        p.setPen(QApplication.palette().color(QPalette.ColorRole.ButtonText))
        p.drawText(QRect(0, 0, size, size - 4), Qt.AlignmentFlag.AlignCenter, "U")
    else:
        p.setPen(c.darker(140))
        p.setBrush(c)
        p.drawEllipse(2, 2, size - 4, size - 4)
    p.end()
    return QIcon(pm)


# ---------------------------------------------------------------- undo commands
class _HighlightCommand(QUndoCommand):
    """Base: run a library operation; a failure makes the command obsolete and is reported."""

    def __init__(self, library, text: str, report: Callable[[str], None], done: Callable[[], None]):
        super().__init__(text)
        self.library = library
        self._report = report
        self._done = done
        self._skip_first_redo = True  # the tab already did the change before pushing

    def _run(self, fn) -> None:
        try:
            fn()
        except Exception as exc:  # e.g. changed meanwhile by another tab: never raise into Qt
            log.warning("%s failed: %s", self.text(), exc)
            self._report(str(exc) if isinstance(exc, ReaderError) else f"{self.text()}: {exc}")
            self.setObsolete(True)
        self._done()

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self._run(self.do)

    def undo(self) -> None:
        self._run(self.undo_it)

    def do(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def undo_it(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class AddHighlightCommand(_HighlightCommand):
    def __init__(self, library, h: Highlight, text, report, done):
        super().__init__(library, text, report, done)
        self.h = h  # with its id (the stored one)

    def do(self) -> None:
        self.h.id = self.library.add_highlight(self.h)  # the same id again

    def undo_it(self) -> None:
        self.h = self.library.delete_highlight(self.h.id)


class DeleteHighlightCommand(_HighlightCommand):
    def __init__(self, library, h: Highlight, text, report, done):
        super().__init__(library, text, report, done)
        self.h = h  # as it was before deletion

    def do(self) -> None:
        self.h = self.library.delete_highlight(self.h.id)

    def undo_it(self) -> None:
        self.library.add_highlight(self.h)


class EditHighlightCommand(_HighlightCommand):
    def __init__(self, library, hid: int, old: dict, new: dict, text, report, done):
        super().__init__(library, text, report, done)
        self.hid, self.old, self.new = hid, old, new

    def do(self) -> None:
        self.library.update_highlight(self.hid, **self.new)

    def undo_it(self) -> None:
        self.library.update_highlight(self.hid, **self.old)


# ---------------------------------------------------------------- the list
class _HighlightDelegate(QStyledItemDelegate):
    PAD = 6
    BAR = 5
    MAX_QUOTE_LINES = 5

    def _layout(self, option: QStyleOptionViewItem, h: Highlight, width: int):
        fm = QFontMetrics(option.font)
        small = QFont(option.font)
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.85))
        fs = QFontMetrics(small)
        italic = QFont(option.font)
        italic.setItalic(True)
        fi = QFontMetrics(italic)
        text_w = max(40, width - self.BAR - 3 * self.PAD)
        flags = int(Qt.TextFlag.TextWordWrap)
        quote = " ".join((h.text or "").split())
        quote_rect = fm.boundingRect(QRect(0, 0, text_w, 10000), flags, quote) if quote else QRect()
        max_h = fm.lineSpacing() * self.MAX_QUOTE_LINES
        qh = min(quote_rect.height(), max_h)
        comment = h.comment.strip()
        if not quote and not comment:  # an area without a comment: say how to add one
            comment = QApplication.translate("HighlightList", "No comment yet (double-click to add one)")
        crect = fi.boundingRect(QRect(0, 0, text_w, 10000), flags, comment) if comment else QRect()
        ch = min(crect.height(), fi.lineSpacing() * 4)
        return small, italic, text_w, fs.lineSpacing(), qh, ch, quote, comment

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        h = index.data(HIGHLIGHT_ROLE)
        if h is None:
            return super().sizeHint(option, index)
        view = self.parent()
        width = view.viewport().width() if view is not None else option.rect.width()
        _s, _i, _w, head_h, qh, ch, _q, _c = self._layout(option, h, width)
        gaps = self.PAD * 2 + (4 if qh else 0) + (4 if ch else 0)
        return QSize(width, head_h + qh + ch + gaps)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        h: Highlight | None = index.data(HIGHLIGHT_ROLE)
        if h is None:
            super().paint(p, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.icon = QIcon()
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, p, opt.widget)
        r = option.rect
        small, italic, text_w, head_h, qh, ch, quote, comment = self._layout(option, h, r.width())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        fg = pal.highlightedText().color() if selected else pal.text().color()
        dim = QColor(fg)
        dim.setAlpha(160)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(h.color))
        p.drawRoundedRect(QRect(r.x() + 3, r.y() + 4, self.BAR, r.height() - 8), 2, 2)
        x = r.x() + self.BAR + 2 * self.PAD
        y = r.y() + self.PAD
        kind = {"highlight": QApplication.translate("HighlightList", "Highlight"),
                "underline": QApplication.translate("HighlightList", "Underline"),
                "area": QApplication.translate("HighlightList", "Area")}.get(h.kind, h.kind)
        p.setFont(small)
        p.setPen(dim)
        p.drawText(QRect(x, y, text_w, head_h), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                   QApplication.translate("HighlightList", "p. %1 · %2").replace("%1", str(h.page + 1))
                   .replace("%2", kind))
        y += head_h + 4
        flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if qh:
            p.setFont(option.font)
            p.setPen(fg)
            fm = QFontMetrics(option.font)
            full = fm.boundingRect(QRect(0, 0, text_w, 10000), int(Qt.TextFlag.TextWordWrap), quote)
            if full.height() > qh:  # too long: cut at the last line that fits, with an ellipsis
                lines = max(1, qh // fm.lineSpacing())
                approx = int(len(quote) * lines / max(1, full.height() // fm.lineSpacing())) - 3
                quote = quote[:max(1, approx)].rstrip() + "…"
            p.drawText(QRect(x, y, text_w, qh), flags, quote)
            y += qh + 4
        if ch:
            p.setFont(italic)
            hint = not h.comment.strip()
            p.setPen(dim if hint else QColor("#d6e8ff") if selected else comment_text(pal))
            p.drawText(QRect(x, y, text_w, ch), flags, comment)
        p.restore()


class HighlightList(QListWidget):
    """All highlights of a paper; emits what the user asks for, the tab does it."""

    activated_highlight = Signal(int)        # jump to it
    deleteRequested = Signal(int)
    editCommentRequested = Signal(int)
    colorRequested = Signal(int, str)
    sendRequested = Signal(int, str)          # highlight id, note field

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setItemDelegate(_HighlightDelegate(self))
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.itemClicked.connect(lambda it: self.activated_highlight.emit(it.data(HIGHLIGHT_ID_ROLE)))
        self.itemActivated.connect(lambda it: self.activated_highlight.emit(it.data(HIGHLIGHT_ID_ROLE)))
        self.itemDoubleClicked.connect(lambda it: self.editCommentRequested.emit(it.data(HIGHLIGHT_ID_ROLE)))
        self.customContextMenuRequested.connect(self._context_menu)
        self._by_id: dict[int, Highlight] = {}

    def set_highlights(self, highlights: list[Highlight]) -> None:
        current = self.current_id()
        bar = self.verticalScrollBar().value()
        self.clear()
        self._by_id = {h.id: h for h in highlights}
        for h in highlights:
            it = QListWidgetItem()
            it.setData(HIGHLIGHT_ID_ROLE, h.id)
            it.setData(HIGHLIGHT_ROLE, h)
            it.setToolTip(quote_markdown(h) + (f"\n\n{h.comment}" if h.comment else ""))
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
            self.addItem(it)
        if current is not None:
            self.select_id(current, scroll=False)
        self.verticalScrollBar().setValue(bar)

    def highlight(self, hid: int) -> Highlight | None:
        return self._by_id.get(hid)

    def current_id(self) -> int | None:
        it = self.currentItem()
        return it.data(HIGHLIGHT_ID_ROLE) if it is not None else None

    def item_for(self, hid: int) -> QListWidgetItem | None:
        for i in range(self.count()):
            if self.item(i).data(HIGHLIGHT_ID_ROLE) == hid:
                return self.item(i)
        return None

    def select_id(self, hid: int, scroll: bool = True) -> bool:
        it = self.item_for(hid)
        if it is None:
            return False
        self.setCurrentItem(it)
        if scroll:
            self.scrollToItem(it)
        return True

    def color_names(self) -> dict[str, str]:
        return {"#ffd400": self.tr("Yellow"), "#ff6666": self.tr("Red"), "#5fb236": self.tr("Green"),
                "#2ea8e5": self.tr("Blue"), "#a28ae5": self.tr("Purple")}

    def build_menu(self, hid: int) -> QMenu:
        """The context menu of one highlight (also used by the tab for a highlight clicked in the page)."""
        h = self._by_id.get(hid)
        m = QMenu(self)
        m.addAction(self.tr("Go to highlight"), lambda: self.activated_highlight.emit(hid))
        m.addAction(self.tr("Edit comment…") + "\tF2", lambda: self.editCommentRequested.emit(hid))
        colors = m.addMenu(self.tr("Colour"))
        names = self.color_names()
        for n, (c, _name) in enumerate(COLORS, 1):
            a = colors.addAction(swatch_icon(c), f"{names[c]}\t{n}", lambda c=c: self.colorRequested.emit(hid, c))
            a.setCheckable(True)
            a.setChecked(h is not None and h.color.lower() == c)
        m.addSeparator()
        for field, label in (("problem", self.tr("Send to Problem")), ("method", self.tr("Send to Method")),
                             ("results", self.tr("Send to Results"))):
            m.addAction(label, lambda f=field: self.sendRequested.emit(hid, f))
        m.addAction(self.tr("Copy as Markdown quote"),
                    lambda: QApplication.clipboard().setText(quote_markdown(h)) if h else None)
        m.addSeparator()
        m.addAction(self.tr("Delete highlight") + "\tDel", lambda: self.deleteRequested.emit(hid))
        return m

    def _context_menu(self, pos) -> None:
        it = self.itemAt(pos)
        if it is None:
            return
        self.setCurrentItem(it)
        self.build_menu(it.data(HIGHLIGHT_ID_ROLE)).exec(self.viewport().mapToGlobal(pos))

    def mimeData(self, items) -> QMimeData:  # noqa: N802 (Qt override)
        quotes = [quote_markdown(it.data(HIGHLIGHT_ROLE)) for it in items if it.data(HIGHLIGHT_ROLE)]
        md = QMimeData()
        text = "\n\n".join(quotes)
        md.setText(text)
        md.setData(HIGHLIGHT_MIME, text.encode("utf-8"))
        return md

    def startDrag(self, _actions) -> None:  # noqa: N802
        # a copy, never a move: a "move" would make the list drop the item after the drop
        items = self.selectedItems()
        if not items:
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData(items))
        drag.exec(Qt.DropAction.CopyAction)

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return ["text/plain", HIGHLIGHT_MIME]

    def keyPressEvent(self, ev) -> None:
        hid = self.current_id()
        if hid is not None and ev.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.deleteRequested.emit(hid)
            ev.accept()
            return
        if hid is not None and ev.key() == Qt.Key.Key_F2:
            self.editCommentRequested.emit(hid)
            ev.accept()
            return
        super().keyPressEvent(ev)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self.doItemsLayout()  # word-wrapped rows get their new heights

    def paintEvent(self, ev) -> None:
        super().paintEvent(ev)
        if self.count() == 0:  # say how to make one instead of showing an empty white box
            p = QPainter(self.viewport())
            p.setPen(self.palette().placeholderText().color())
            r = self.viewport().rect().adjusted(16, 16, -16, -16)
            p.drawText(r, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                       self.tr("No highlights yet.\n\nSelect text in the page and press 1–5 for a colour or U to "
                               "underline; use the area tool for figures and equations."))
            p.end()
