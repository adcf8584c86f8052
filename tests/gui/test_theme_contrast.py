"""Both themes readable: WCAG 2 contrast >= 4.5:1 in Light and Dark for the main texts (palette pairs,
the library table), the note's title and author/year line, the save line, the underline tool's U,
the Markdown preview cards (text and quotes), highlight comments and error lines. Contrast is measured
on the pixels Qt paints where it can (grab), else on the colours the widget uses. Screenshots of both
themes go to a temporary folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication

from readerapp.ui.reader_states import SIDE_NOTE
from readerapp.core.models import Highlight
from readerapp.ui import theme
from readerapp.ui.theme import contrast
from tests.gui.shots import shot

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks"),
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

MIN = 4.5


def _ink(img: QImage, region=None) -> tuple[float, QColor, QColor]:
    """(contrast, ink, background) of the text in an image: the background is the most common
    colour; the ink is the pixel that differs most from it (the core of a glyph stroke)."""
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    x0, y0, x1, y1 = region or (0, 0, img.width(), img.height())
    counts: Counter = Counter()
    for y in range(y0, y1):
        for x in range(x0, x1):
            counts[img.pixel(x, y)] += 1
    bg = QColor.fromRgb(counts.most_common(1)[0][0])
    best, ink = 1.0, bg
    for rgb in counts:
        c = QColor.fromRgb(rgb)
        k = contrast(c, bg)
        if k > best:
            best, ink = k, c
    return best, ink, bg


def _grab(widget) -> QImage:
    return widget.grab().toImage()


@pytest.fixture(params=["light", "dark"])
def themed(request, qapp):
    saved_style, saved_pal = qapp.style().name(), QPalette(qapp.palette())
    assert theme.apply_theme(request.param) == request.param
    yield request.param
    qapp.setStyle(saved_style)
    qapp.setPalette(saved_pal)


def _pid(lib, name: str) -> int:
    return next(r["paper_id"] for r in lib.all_files() if Path(r["path"]).name == name)


def test_main_texts_icons_and_previews_reach_4_5_to_1(qtbot, themed, corpus_library):
    from readerapp.ui.main_window import MainWindow

    lib = corpus_library
    pid = _pid(lib, "goodfellow-gan.pdf")
    lib.save_note(pid, problem="**Bold** problem text\n\n> a quoted line (p. 2)\n\n`code span`")
    lib.add_highlight(Highlight(id=0, paper_id=pid, page=0, quads=[[72, 100, 300, 100, 72, 112, 300, 112]],
                                text="adversarial nets", color="#ffd400", kind="highlight",
                                comment="a comment that must stay readable"))
    w = MainWindow(lib, url_opener=lambda url: None)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    results: dict[str, float] = {}

    # palette pairs: the texts every widget uses
    pal = QApplication.palette()
    R = QPalette.ColorRole
    for fg, bg in ((R.WindowText, R.Window), (R.Text, R.Base), (R.Text, R.AlternateBase), (R.ButtonText, R.Button),
                   (R.HighlightedText, R.Highlight), (R.ToolTipText, R.ToolTipBase), (R.PlaceholderText, R.Base)):
        results[f"palette {fg.name}/{bg.name}"] = contrast(pal.color(fg), pal.color(bg))
    # the library table as painted
    results["library table text"] = _ink(_grab(w.table.viewport()), (0, 0, 400, 60))[0]
    shot(w, f"theme-{themed}-library")

    tab = w.open_paper(pid)
    tab.side.setCurrentIndex(SIDE_NOTE)
    qtbot.waitUntil(lambda: tab.note.previews["problem"].isVisible(), timeout=3000)
    note = tab.note
    results["note title"] = _ink(_grab(note.title_label))[0]
    assert note.byline.text()
    results["author/year line"] = _ink(_grab(note.byline))[0]
    note._set_save_label("All changes saved")
    results["save line"] = _ink(_grab(note.save_label))[0]
    note._set_save_label("Not saved: the disk is full", error=True)
    results["save error line"] = _ink(_grab(note.save_label))[0]
    note._set_save_label("All changes saved")
    # the Markdown preview card: its text and its quote, and the card follows the theme
    prev = note.previews["problem"]
    img = _grab(prev)
    results["markdown preview text"] = _ink(img)[0]
    card = QColor.fromRgb(Counter(img.pixel(x, y) for y in range(img.height())
                                  for x in range(8, img.width())).most_common(1)[0][0])
    assert (theme.luminance(card) < 0.2) == (themed == "dark"), f"preview card {card.name()} in {themed}"
    widget_css, doc_css = theme.preview_style()
    quote = QColor(doc_css.split("blockquote { color: ")[1].split(";")[0])
    results["markdown preview quote"] = contrast(quote, card)
    # the underline tool's U, as the toolbar shows it: the icon over the toolbar's background
    button = tab.toolbar.widgetForAction(tab.act_underline)
    bimg = _grab(button)
    icon = tab.act_underline.icon().pixmap(18, 18).toImage()
    canvas = QImage(18, 13, QImage.Format.Format_RGB32)  # the letter's rows (the colour bar is below)
    canvas.fill(bimg.pixelColor(QPoint(1, bimg.height() // 2)))
    p = QPainter(canvas)
    p.drawImage(0, 0, icon)
    p.end()
    results["underline tool U"] = _ink(canvas)[0]
    # highlight comments in the list, and the error colours
    base = pal.color(R.Base)
    results["highlight comment"] = contrast(theme.comment_text(pal), base)
    results["error text"] = contrast(theme.error_text(pal), pal.color(R.Window))
    results["details error line"] = contrast(
        note.details.error_label.palette().color(R.WindowText), pal.color(R.Window))
    qtbot.mouseClick(note.details.toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.view.visible_tiles_ready, timeout=8000)
    qtbot.wait(100)  # the side panel lays out the opened details
    shot(tab, f"theme-{themed}-reader")

    low = {k: round(v, 2) for k, v in results.items() if v < MIN}
    assert not low, f"{themed}: below {MIN}:1: {low}"
