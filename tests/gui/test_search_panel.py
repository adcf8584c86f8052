"""SearchPanel and EmbeddingController on real libraries (offscreen)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt, QTimer

from conftest import paper_id_for, save_screenshot
from pdfgen import make_pdf
from readerapp.ui.embedding import EmbeddingController
from readerapp.ui.search_panel import HIT_ROLE, HTML_ROLE, SearchPanel

# the offscreen QPA cannot pass size hints of a top-level window on: not a fault of the panel
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def make_panel(qtbot, lib, mode="hybrid"):
    panel = SearchPanel(lib)
    qtbot.addWidget(panel)
    panel.resize(760, 620)
    panel.show()
    panel.set_mode(mode)
    return panel


def run_query(qtbot, panel, text, *, until=None, timeout=60000):
    panel.query.setText(text)
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(until or (lambda: panel.results.topLevelItemCount() > 0 or bool(panel.message.text())),
                    timeout=timeout)
    panel.wait_idle()


def papers_shown(panel) -> list[int]:
    return [panel.results.topLevelItem(i).data(0, HIT_ROLE)[0] for i in range(panel.results.topLevelItemCount())]


def test_keyword_results_grouped_by_paper_and_activation(qtbot, corpus_library):
    lib = corpus_library
    adam = paper_id_for(lib, "kingma-adam.pdf")
    panel = make_panel(qtbot, lib, mode="keyword")
    run_query(qtbot, panel, "adaptive moment estimation", until=lambda: panel.results.topLevelItemCount() > 0)
    assert papers_shown(panel)[0] == adam
    top = panel.results.topLevelItem(0)
    assert top.childCount() >= 1
    child = top.child(0)
    paper_id, page0, bbox = child.data(0, HIT_ROLE)
    # keyword hits: a page, and the box of their marked words on it (core.passage.locate)
    assert paper_id == adam and page0 >= 0 and bbox is not None and bbox[0] < bbox[2] and bbox[1] < bbox[3]
    assert "<mark>" in child.data(0, HTML_ROLE) and "p. " in child.data(0, HTML_ROLE)
    assert "hit(s) in" in panel.message.text()

    rect = panel.results.visualItemRect(child)
    with qtbot.waitSignal(panel.hitActivated, timeout=2000) as sig:
        qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == [adam, page0, bbox]
    panel.results.setCurrentItem(top)
    with qtbot.waitSignal(panel.hitActivated, timeout=2000) as sig:
        qtbot.keyClick(panel.results, Qt.Key.Key_Return)
    assert sig.args == [adam, -1, None]


def test_bad_queries_show_one_line_and_the_panel_keeps_working(qtbot, corpus_library):
    panel = make_panel(qtbot, corpus_library, mode="keyword")
    run_query(qtbot, panel, "   ")
    assert panel.message.text() == "The query is empty: type some words to search for."
    assert panel.results.topLevelItemCount() == 0
    run_query(qtbot, panel, "?!... ---", until=lambda: "punctuation" in panel.message.text())
    assert "\n" not in panel.message.text()
    run_query(qtbot, panel, "x" * 10000, until=lambda: panel.message.text() == "No matches.")
    run_query(qtbot, panel, "dropout", until=lambda: panel.results.topLevelItemCount() > 0)


def test_filters_and_in_this_paper(qtbot, corpus_library):
    lib = corpus_library
    adam = paper_id_for(lib, "kingma-adam.pdf")
    lib.update_paper(adam, status="read")
    lib.add_tag(adam, "optimizers")
    panel = make_panel(qtbot, lib, mode="keyword")
    panel.reload_filters()
    run_query(qtbot, panel, "gradient", until=lambda: panel.results.topLevelItemCount() > 1)
    panel.tag.setCurrentIndex(panel.tag.findData("optimizers"))
    qtbot.waitUntil(lambda: papers_shown(panel) == [adam], timeout=10000)
    panel.tag.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(papers_shown(panel)) > 1, timeout=10000)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("read"))
    qtbot.waitUntil(lambda: papers_shown(panel) == [adam], timeout=10000)
    panel.status_filter.setCurrentIndex(0)
    bn = paper_id_for(lib, "ioffe-batch-norm.pdf")
    assert not panel.in_paper.isEnabled()
    panel.set_current_paper(bn)
    panel.in_paper.setChecked(True)
    qtbot.waitUntil(lambda: papers_shown(panel) == [bn], timeout=10000)
    panel.set_current_paper(None)
    assert not panel.in_paper.isChecked() and not panel.in_paper.isEnabled()


def test_model_that_cannot_load_keeps_keyword_search(qtbot, corpus_library, tmp_path, monkeypatch):
    from readerapp.core.settings import Settings, save_settings

    monkeypatch.setenv("READERAPP_CONFIG_DIR", str(tmp_path / "cfg"))
    save_settings(Settings(embedding_model="no-such-org/no-such-model"))
    panel = make_panel(qtbot, corpus_library, mode="hybrid")
    run_query(qtbot, panel, "adaptive moment estimation", until=lambda: "cannot be loaded" in panel.message.text())
    assert panel.results.topLevelItemCount() > 0  # keyword results
    assert "\n" not in panel.message.text()
    panel.set_mode("semantic")
    qtbot.waitUntil(lambda: panel.results.topLevelItemCount() == 0, timeout=10000)
    assert "cannot be loaded" in panel.message.text()


@pytest.mark.semantic
def test_hybrid_results_replace_keyword_results_and_screenshot(qtbot, embedded_corpus_library, embedding_model,
                                                               monkeypatch):
    import readerapp.core.semantic.model as model_mod

    lib = embedded_corpus_library
    bn = paper_id_for(lib, "ioffe-batch-norm.pdf")
    real_load = model_mod.load_model

    def slow_load(*a, **k):  # the model takes a moment to load, as on a first start
        time.sleep(1.5)
        return real_load(*a, **k)

    monkeypatch.setattr(model_mod, "load_model", slow_load)
    panel = make_panel(qtbot, lib)  # hybrid by default
    assert panel.mode.currentData() == "hybrid"
    panel.query.setText("normalizing layer inputs over a mini-batch")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "loading the embedding model" in panel.message.text().lower(), timeout=5000)
    # keyword results show while the model loads ...
    qtbot.waitUntil(lambda: panel.results.topLevelItemCount() > 0, timeout=5000)
    assert panel._model is None and panel.message.text().startswith("Keyword results")
    keyword_first = [panel.results.topLevelItem(0).child(i).data(0, HIT_ROLE)
                     for i in range(panel.results.topLevelItem(0).childCount())
                     if panel.results.topLevelItem(0).child(i).data(0, HIT_ROLE)]  # not the "N more" row
    # keyword hits carry the box of their marked words on the page (core.passage.locate)
    assert all(h[2] is None or (len(h[2]) == 4 and h[2][0] < h[2][2]) for h in keyword_first)
    assert any(h[2] is not None for h in keyword_first)
    # ... and the hybrid results replace them
    qtbot.waitUntil(lambda: panel._model is not None and "hit(s)" in panel.message.text(), timeout=60000)
    panel.wait_idle()
    assert papers_shown(panel)[0] == bn
    hits = [panel.results.topLevelItem(0).child(i).data(0, HIT_ROLE)
            for i in range(panel.results.topLevelItem(0).childCount())
            if panel.results.topLevelItem(0).child(i).data(0, HIT_ROLE)]
    with_box = [h for h in hits if h[2] is not None]
    assert with_box, hits
    pid, page0, bbox = with_box[0]
    assert pid == bn and page0 >= 0 and len(bbox) == 4 and bbox[0] < bbox[2] and bbox[1] < bbox[3]

    qtbot.wait(100)
    save_screenshot(panel, "search_panel_hybrid")

    # "More like this"
    seq2seq = paper_id_for(lib, "sutskever-seq2seq.pdf")
    panel.show_similar(seq2seq)
    qtbot.waitUntil(lambda: "paper(s) like" in panel.message.text(), timeout=20000)
    assert "Sequence to Sequence" in panel.message.text()
    assert paper_id_for(lib, "bahdanau-align-and-translate.pdf") in papers_shown(panel)[:3]
    assert seq2seq not in papers_shown(panel)
    save_screenshot(panel, "search_panel_similar")


@pytest.mark.semantic
def test_embedding_controller_progress_cancel_and_drain(qtbot, library, tmp_path, embedding_model):
    from readerapp.core.importer import import_paths
    from readerapp.core.semantic import embedder

    words = " ".join(f"token{i % 50} topic words" for i in range(60))
    paths = [make_pdf(tmp_path / f"e{i}.pdf", [words, words + " second"], title=f"Embedding test {i}")
             for i in range(2)]
    import_paths(library, paths)
    ctl = EmbeddingController(library)
    events = []
    ctl.progress.connect(lambda phase, done, total: events.append((phase, done, total)))

    # cancel at once: the queue keeps the work
    ctl.start()
    ctl.cancel()
    with qtbot.waitSignal(ctl.finished, timeout=60000) as sig:
        pass
    assert sig.args[0].cancelled and not ctl.is_running()
    assert embedder.status(library)["queued"] > 0

    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    ctl.start()
    assert ctl.is_running()
    with qtbot.waitSignal(ctl.finished, timeout=120000) as sig:
        pass
    timer.stop()
    stats = sig.args[0]
    assert not stats.cancelled and stats.papers == 2 and stats.chunks_embedded >= 4
    assert {"model", "chunk", "embed"} <= {e[0] for e in events}
    assert ticks and max(b - a for a, b in zip(ticks, ticks[1:])) < 1.0  # the GUI thread kept running
    st = embedder.status(library)
    assert st["queued"] == 0 and st["vectors"] == st["chunks"]

    # start() while running drains what an import queued meanwhile
    more = make_pdf(tmp_path / "late.pdf", [words + " late"], title="Late arrival")
    ctl.start()
    import_paths(library, [more])
    ctl.start()
    finished = []
    ctl.finished.connect(finished.append)
    qtbot.waitUntil(lambda: not ctl.is_running() and len(finished) >= 2, timeout=120000)
    qtbot.wait(200)
    assert not ctl.is_running()
    st = embedder.status(library)
    assert st["queued"] == 0 and st["vectors"] == st["chunks"]
    assert len(library.all_paper_ids()) == 3

    # auto start: a note edit is embedded by itself shortly after
    ctl.set_auto_start(True, delay_ms=200)
    with qtbot.waitSignal(ctl.finished, timeout=60000) as sig:
        library.save_note(library.all_paper_ids()[0], problem="why do zebras have stripes")
    assert sig.args[0].chunks_embedded == 1
    ctl.set_auto_start(False)


def test_embedding_controller_reports_a_model_that_cannot_load(qtbot, library, tmp_path):
    ctl = EmbeddingController(library, model_name="no-such-org/no-such-model")
    with qtbot.waitSignal(ctl.failed, timeout=60000) as sig:
        ctl.start()
    assert "cannot be loaded" in sig.args[0] and "\n" not in sig.args[0]
    assert not ctl.is_running()
