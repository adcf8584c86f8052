"""One colour mode for the window (normal / night / sepia): View ▸ Night Mode (Ctrl+Shift+N), View ▸ Sepia
Pages and each tab's Night button show and change the same state; it comes back on restart as it was
left, and a paper's own saved view never turns night back on. Screenshots in a temporary folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from readerapp.ui.main_window import VIEW_KEY
from tests.gui.shots import shot

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks"),
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def _pid(lib, name: str) -> int:
    return next(r["paper_id"] for r in lib.all_files() if Path(r["path"]).name == name)


def _page_color(qtbot, tab):
    v = tab.view
    qtbot.waitUntil(v.visible_tiles_ready, timeout=5000)
    img = v.viewport().grab().toImage()
    pt = v._to_view(0, 12, 12).toPoint() * img.devicePixelRatio()  # the page's top-left margin
    return img.pixelColor(pt)


def _state(w, tabs):
    return (w.color_mode(), w.act_night.isChecked(), w.act_sepia.isChecked(),
            [(t.view.color_mode(), t.act_night.isChecked()) for t in tabs])


def test_one_night_mode_shown_in_the_menu_and_every_tab(qtbot, corpus_library, new_window):
    lib = corpus_library
    w = new_window(lib)
    t1 = w.open_paper(_pid(lib, "srivastava-dropout.pdf"))
    t2 = w.open_paper(_pid(lib, "goodfellow-gan.pdf"))
    assert _state(w, [t1, t2]) == ("normal", False, False, [("normal", False), ("normal", False)])
    assert _page_color(qtbot, t2).lightness() > 240
    shot(w, "color-mode-normal")
    # Ctrl+Shift+N (the View menu's action): every tab, and every tab's button, shows night
    assert w.act_night.shortcut().toString() == "Ctrl+Shift+N"
    w.act_night.trigger()
    assert _state(w, [t1, t2]) == ("night", True, False, [("night", True), ("night", True)])
    assert _page_color(qtbot, t2).lightness() < 40
    shot(w, "color-mode-night")
    # the tab's Night button turns it off everywhere, menu included
    t2.act_night.trigger()
    assert _state(w, [t1, t2]) == ("normal", False, False, [("normal", False), ("normal", False)])
    # and on again everywhere
    t1.act_night.trigger()
    assert _state(w, [t1, t2]) == ("night", True, False, [("night", True), ("night", True)])
    # sepia replaces night; a tab opened now gets it too
    w.act_sepia.trigger()
    t3 = w.open_paper(_pid(lib, "kingma-adam.pdf"))
    assert _state(w, [t1, t2, t3]) == ("sepia", False, True, [("sepia", False)] * 3)
    c = _page_color(qtbot, t3)
    assert (c.red(), c.green(), c.blue()) == pytest.approx((244, 236, 216), abs=3)
    shot(w, "color-mode-sepia")
    # the tab's Night button from sepia: night everywhere, sepia unchecked
    t3.act_night.trigger()
    assert _state(w, [t1, t2, t3]) == ("night", True, False, [("night", True)] * 3)


def test_the_mode_comes_back_as_left_and_a_paper_never_restores_night(qtbot, corpus_library, new_window):
    lib = corpus_library
    pid = _pid(lib, "srivastava-dropout.pdf")
    w = new_window(lib)
    t = w.open_paper(pid)
    w.act_night.trigger()
    t.act_night.trigger()  # turned off with the tab's button: the window is off too
    w.close()
    # the paper's saved view (an older version stored night per paper) does not turn night back on
    view = dict(lib.get_setting(VIEW_KEY.format(pid)) or {}, night=True)
    lib.set_setting(VIEW_KEY.format(pid), view)
    w2 = new_window(lib)
    w2.restore_session()
    t2 = w2.current_reader() or w2.open_paper(pid)
    assert _state(w2, [t2]) == ("normal", False, False, [("normal", False)])
    # night left on: it comes back on, in the menu and in the tab
    w2.act_night.trigger()
    w2.close()
    w3 = new_window(lib)
    w3.restore_session()
    t3 = w3.current_reader() or w3.open_paper(pid)
    assert _state(w3, [t3]) == ("night", True, False, [("night", True)])
