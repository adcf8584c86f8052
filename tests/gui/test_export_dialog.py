"""ExportDialog offscreen: preview of the Markdown, the diff of the target file, Write."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import pytest
from PySide6.QtCore import Qt

from readerapp.core.listimport import import_list
from readerapp.ui.export_dialog import ExportDialog
from conftest import save_screenshot

pytestmark = pytest.mark.gui



def _settle(qtbot, dialog, text: str):
    qtbot.waitUntil(lambda: text in dialog.preview.toPlainText(), timeout=10_000)


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen QPA, showing a dialog
def test_export_dialog_previews_diffs_and_writes(qtbot, library, reference_lists, tmp_path):
    import_list(library, reference_lists / "table-list.md")
    dialog = ExportDialog(library)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.name_box.currentText() == "table-list"
    _settle(qtbot, dialog, "|[ViLT: Vision-and-Language Transformer")
    assert not dialog.write_button.isEnabled()  # no target yet: preview only
    dialog.set_sections(["CV/目标检测", "NLP/对话"])
    assert dialog.selected_sections() == ["NLP/对话", "CV/目标检测"]  # in the library's order
    qtbot.waitUntil(lambda: "ViLT" not in dialog.preview.toPlainText()
                    and "Fast R-CNN" in dialog.preview.toPlainText(), timeout=10_000)
    assert "|[Language Models are Few-Shot Learners]" in dialog.preview.toPlainText()
    dialog.set_sections(["CV/目标检测"])
    qtbot.waitUntil(lambda: "Few-Shot" not in dialog.preview.toPlainText(), timeout=10_000)
    cv = dialog.section_tree.topLevelItem(2)
    assert cv.text(0) == "CV" and cv.checkState(0) == Qt.CheckState.PartiallyChecked

    target = tmp_path / "README.md"
    target.write_text("# Mine\n\n<!-- readerapp:begin table-list -->\nold\n<!-- readerapp:end table-list -->\n",
                      encoding="utf-8")
    dialog.target_edit.setText(str(target))
    _settle(qtbot, dialog, "-old")
    assert "+++ b/README.md" in dialog.preview.toPlainText()
    qtbot.waitUntil(dialog.write_button.isEnabled, timeout=10_000)
    save_screenshot(dialog, "export_dialog")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.write_button.click()
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Mine\n\n<!-- readerapp:begin table-list -->\n### 目标检测\n")
    assert "|[Fast R-CNN](https://arxiv.org/abs/1504.08083)|" in text and "old" not in text


def test_export_dialog_shows_bad_markers_and_cannot_write(qtbot, library, tmp_path):
    library.assign_section(library.add_paper(title="A paper"), library.ensure_section_path(["S"]))
    target = tmp_path / "README.md"
    target.write_text("<!-- readerapp:begin papers -->\n", encoding="utf-8")
    dialog = ExportDialog(library)
    qtbot.addWidget(dialog)
    dialog.target_edit.setText(str(target))
    qtbot.waitUntil(lambda: "no end marker" in dialog.status.text(), timeout=10_000)
    assert not dialog.write_button.isEnabled()
    assert target.read_text(encoding="utf-8") == "<!-- readerapp:begin papers -->\n"
    dialog.reject()
