"""Look Up Online from the library table: off until the user allows it; the request runs as a
background job; the dialog shows each change (old -> new) and writes only the kept ones.
No network: the recorded arXiv response of tests/fixtures/lookup answers."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from readerapp.core import lookup
from readerapp.core.settings import Settings, load_settings, save_settings
from readerapp.ui.lookup_dialog import look_up_online
from readerapp.ui.main_window import MainWindow
from test_lookup import fixture_fetcher

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_qt_leaks"),
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def test_look_up_online_asks_first_then_writes_the_kept_changes(qtbot, library, monkeypatch):
    from conftest import save_screenshot

    pid = library.add_paper(title="ADAM A METHOD", authors=["D. Kingma"], arxiv_id="1412.6980")
    save_settings(Settings(lookup_online=False))
    w = MainWindow(library, url_opener=lambda url: None)
    qtbot.addWidget(w)
    w.show()
    seen: list[str] = []
    monkeypatch.setattr(lookup, "fetch", fixture_fetcher({"id_list=1412.6980": "arxiv_1412.6980.xml"}, seen))
    # off by default: the user says no -> nothing asked, nothing written, still off
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert look_up_online(w, pid) is None and seen == [] and not load_settings().lookup_online
    # the user allows it: the job asks arXiv; the dialog proposes authors, title and year; year unchecked
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    shown = {}

    def ask(dialog) -> bool:
        shown["fields"] = sorted(dialog.boxes)
        shown["title_text"] = dialog.boxes["title"].text()
        dialog.show()
        save_screenshot(dialog, "lookup-dialog")
        dialog.boxes["year"].setChecked(False)
        return True

    job = look_up_online(w, pid, ask=ask)
    assert job is not None and load_settings().lookup_online
    qtbot.waitUntil(lambda: "fields" in shown and not job.is_running(), timeout=15_000)
    assert len(seen) == 1 and "1412.6980" in seen[0]
    assert shown["fields"] == ["authors", "title", "year"]
    assert "ADAM A METHOD" in shown["title_text"] and "Adam: A Method for Stochastic Optimization" in shown["title_text"]
    paper = library.get_paper(pid)
    assert paper.title == "Adam: A Method for Stochastic Optimization" and paper.year is None
    assert paper.authors == ["Diederik P. Kingma", "Jimmy Ba"]
    assert "title" not in paper.user_fields  # from a source, not by hand: re-extraction may still improve it
    w.close()
