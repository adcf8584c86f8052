"""Input of the PDF view: scrolling, keys, mouse (selection, area, clicks on highlights and
links, hover with the link preview). A mixin of PdfView (pdf_view.py), which holds the state."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from .pdf_selection import caret, quad_bbox, word_at


class PdfEventsMixin:
    # ------------------------------------------------------------------ view changes
    def resizeEvent(self, ev) -> None:
        anchor = self._anchor(None) if self._sizes else None
        super().resizeEvent(ev)
        if self._zoom_mode in ("fit_width", "fit_page") and self._sizes:
            z = self._fit_zoom(self._zoom_mode)
            changed = abs(z - self._layout.zoom) > 1e-9
            self._layout.zoom = z
            if changed:
                self.zoomChanged.emit(z)
        self._relayout()
        if anchor is not None:
            self._restore_anchor(anchor)
        self._recentre_passage()
        self._schedule()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def _on_scrolled(self, _v: int) -> None:
        v = self.verticalScrollBar().value()
        if v != self._last_v:
            self._dir = 1 if v > self._last_v else -1
            self._last_v = v
            self._rest_timer.start()
        self._preview.hide()
        self._hover_timer.stop()
        self._schedule()
        self._update_current_page()
        self.viewport().update()

    def wheelEvent(self, ev) -> None:
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            dy = ev.angleDelta().y()
            if dy:
                pos = ev.position()
                (self.zoom_in if dy > 0 else self.zoom_out)(QPointF(pos))
            ev.accept()
            return
        super().wheelEvent(ev)

    def keyPressEvent(self, ev) -> None:
        key, mods = ev.key(), ev.modifiers()
        vs = self.verticalScrollBar()
        page_step = max(40, self.viewport().height() - 40)
        K = Qt.Key
        if ev.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif mods & Qt.KeyboardModifier.AltModifier and key == K.Key_Left:
            self.back()
        elif mods & Qt.KeyboardModifier.AltModifier and key == K.Key_Right:
            self.forward()
        elif key == K.Key_PageDown or (key == K.Key_Space and not mods & Qt.KeyboardModifier.ShiftModifier):
            vs.setValue(vs.value() + page_step)
        elif key == K.Key_PageUp or (key == K.Key_Space and mods & Qt.KeyboardModifier.ShiftModifier):
            vs.setValue(vs.value() - page_step)
        elif key == K.Key_Home:
            vs.setValue(0)
        elif key == K.Key_End:
            vs.setValue(vs.maximum())
        elif key in (K.Key_J, K.Key_Down):
            vs.setValue(vs.value() + 60)
        elif key in (K.Key_K, K.Key_Up):
            vs.setValue(vs.value() - 60)
        elif key == K.Key_Left:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - 60)
        elif key == K.Key_Right:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + 60)
        elif key in (K.Key_Plus, K.Key_Equal):
            self.zoom_in()
        elif key in (K.Key_Minus, K.Key_Underscore):
            self.zoom_out()
        elif key == K.Key_Escape:
            self.clear_selection()
            self._preview.hide()
        else:
            super().keyPressEvent(ev)
            return
        ev.accept()

    # ------------------------------------------------------------------ hit tests
    def _hit_link(self, page: int, x: float, y: float) -> dict | None:
        for ln in self._links.get(page, ()):
            x0, y0, x1, y1 = ln["rect"]
            if x0 <= x <= x1 and y0 <= y <= y1:
                return ln
        return None

    def highlight_at(self, pos) -> object | None:
        """The id (as given to set_highlights) of the highlight under a viewport position, or None."""
        pos = QPointF(pos)
        page = self._page_at(pos)
        if page < 0:
            return None
        h = self._hit_highlight(page, *self._to_pdf(page, pos))
        return h["id"] if h is not None else None

    def _hit_highlight(self, page: int, x: float, y: float):
        for h in reversed(self._highlights):
            if h["page"] != page:
                continue
            for q in h["quads"]:
                x0, y0, x1, y1 = quad_bbox(q)
                if x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1:
                    return h
        return None

    # ------------------------------------------------------------------ mouse
    def mousePressEvent(self, ev) -> None:
        self._preview.hide()
        self._hover_timer.stop()
        if ev.button() != Qt.MouseButton.LeftButton or not self._sizes:
            super().mousePressEvent(ev)
            return
        pos = ev.position()
        page = self._page_at(pos, nearest=True)
        x, y = self._to_pdf(page, pos)
        self._press = {"pos": QPointF(pos), "page": page, "x": x, "y": y, "drag": False}
        if self._tool == "area":
            self._area = None
        else:
            self._ensure_text(page)
        self.setFocus()
        ev.accept()

    def mouseMoveEvent(self, ev) -> None:
        pos = ev.position()
        if self._press is None:
            self._hover(pos, ev.globalPosition().toPoint())
            return
        pr = self._press
        if not pr["drag"]:
            if (pos - pr["pos"]).manhattanLength() < QApplication.startDragDistance():
                return
            pr["drag"] = True
        page = pr["page"]
        x, y = self._to_pdf(page, pos)
        w, h = self._sizes[page]
        x, y = min(max(x, 0.0), w), min(max(y, 0.0), h)
        pr["fx"], pr["fy"] = x, y
        if self._tool == "area":
            self._area = (page, (min(pr["x"], x), min(pr["y"], y), max(pr["x"], x), max(pr["y"], y)))
        else:
            self._update_selection()
        self.viewport().update()

    def mouseReleaseEvent(self, ev) -> None:
        pr = self._press
        self._press = None
        if pr is None or ev.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(ev)
            return
        page = pr["page"]
        if pr["drag"]:
            if self._tool == "area" and self._area is not None:
                r = self._area[1]
                if r[2] - r[0] > 1 and r[3] - r[1] > 1:
                    self.areaSelected.emit(page, tuple(float(v) for v in r))
            elif self._tool == "select":
                self._pending_emit = True
                self._update_selection(final=True)
            return
        # a click
        if self._tool == "area":
            self._area = None
            self.viewport().update()
        h = self._hit_highlight(page, pr["x"], pr["y"])
        if h is not None:
            self.highlightClicked.emit(h["id"])
            return
        ln = self._hit_link(page, pr["x"], pr["y"])
        if ln is not None:
            self._follow(ln)
            return
        if self._sel is not None:
            self.clear_selection()

    def mouseDoubleClickEvent(self, ev) -> None:
        """Double click selects a word."""
        if self._tool != "select" or not self._sizes:
            return
        pos = ev.position()
        page = self._page_at(pos, nearest=True)
        chars = self._text.get(page)
        if not chars:
            self._ensure_text(page)
            return
        word = word_at(chars, *self._to_pdf(page, pos))
        if word is not None:
            self._set_selection(page, word[0], word[1], emit=True)

    def leaveEvent(self, ev) -> None:
        self._hover_timer.stop()
        super().leaveEvent(ev)

    def _hover(self, pos: QPointF, global_pos: QPoint) -> None:
        page = self._page_at(pos)
        ln = None
        if page >= 0:
            x, y = self._to_pdf(page, pos)
            ln = self._hit_link(page, x, y)
            if self._tool == "select":
                self._ensure_text(page)
        if ln is not None:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        elif self._tool == "area":
            self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.viewport().setCursor(Qt.CursorShape.IBeamCursor if page >= 0 else Qt.CursorShape.ArrowCursor)
        if ln is not self._hover_link:
            self._hover_link = ln
            self._preview.hide()
            self._hover_timer.stop()
            if ln is not None and "target" in ln:
                self._preview_pos = global_pos
                self._hover_timer.start()

    # ------------------------------------------------------------------ selection by drag
    def _caret(self, page: int, x: float, y: float) -> int:
        """Character boundary index nearest to (x, y) on `page`."""
        return caret(self._lines.get(page) or [], self._text.get(page) or [], x, y)

    def _update_selection(self, final: bool = False) -> None:
        pr = self._press if self._press is not None else self._last_press
        if pr is None or "fx" not in pr:
            return
        self._last_press = pr
        page = pr["page"]
        if page not in self._text:
            self._ensure_text(page)
            return
        a = self._caret(page, pr["x"], pr["y"])
        b = self._caret(page, pr["fx"], pr["fy"])
        self._set_selection(page, min(a, b), max(a, b), emit=final)
        if final:
            self._pending_emit = False

    def closeEvent(self, ev) -> None:
        self._preview.hide()
        super().closeEvent(ev)
