"""The search pane's status line says which embedding backend runs."""

from __future__ import annotations

import pytest

from test_search_panel import make_panel, run_query

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.mark.semantic
def test_status_line_names_the_backend(qtbot, embedded_corpus_library, embedding_model):
    panel = make_panel(qtbot, embedded_corpus_library)  # hybrid by default
    run_query(qtbot, panel, "normalizing layer inputs over a mini-batch",
              until=lambda: panel._model is not None and "hit(s)" in panel.message.text())
    assert panel.message.text().endswith(" · ONNX Runtime, CPU"), panel.message.text()
    panel.set_mode("keyword")  # no model involved: no backend named
    run_query(qtbot, panel, "batch normalization",
              until=lambda: "hit(s)" in panel.message.text() and "ONNX" not in panel.message.text())
