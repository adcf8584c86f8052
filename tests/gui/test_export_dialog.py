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


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_export_dialog_renders_copies_names_columns_and_confirms(qtbot, library, tmp_path):
    """Issue 14: a rendered preview beside the Markdown, Copy, the table's real columns under the style,
    收录 with the venue and its year, and a confirmation naming every file written."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QWidget

    from tests.gui.shots import shot

    _cjk_font()
    sid = library.ensure_section_path(["优化", "一阶方法"])
    pid = library.add_paper(title="Adam: A Method for Stochastic Optimization", venue="ICLR", year=2015,
                            url="https://arxiv.org/abs/1412.6980", code_url="https://github.com/example/adam",
                            summary="自适应矩估计")
    library.assign_section(pid, sid)
    library.save_note(pid, problem="学习率难调")  # gets a note page
    library.assign_section(library.add_paper(title="Dropout", venue="JMLR 2014", year=2014), sid)
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = ExportDialog(library, parent)
    dialog.show()
    dialog.style_box.setCurrentIndex(dialog.style_box.findData("table"))
    dialog.lang_box.setCurrentIndex(dialog.lang_box.findData("zh"))
    _settle(qtbot, dialog, "|[Adam: A Method for Stochastic Optimization]")
    md = dialog.preview.toPlainText()
    assert "|ICLR 2015|" in md and "|JMLR 2014|" in md  # 收录: venue with year, never the year twice
    header = next(ln for ln in md.splitlines() if ln.startswith("|"))
    real = [c.strip() for c in header.strip().strip("|").split("|")]
    assert dialog.columns_label.text() == "Columns: " + " | ".join(real)
    assert real[:3] == ["paper", "源码", "收录"]
    assert "notes" not in dialog.style_box.currentText() and "code" not in dialog.style_box.currentText()
    # the rendered view: a real table, links shown but not followed, nothing loaded
    assert dialog.preview_tabs.tabText(0) == "Rendered" and dialog.preview_tabs.tabText(1) == "Markdown"
    html = dialog.rendered.toHtml()
    assert "<table" in html and "Adam: A Method for Stochastic Optimization" in dialog.rendered.toPlainText()
    assert "](" not in dialog.rendered.toPlainText()  # rendered, not Markdown source
    dialog.preview_tabs.setCurrentIndex(0)
    shot(dialog, "export-rendered-preview")
    # Copy: the Markdown on the clipboard, said in the status line
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog._plan.markdown
    assert "Copied" in dialog.status.text()
    # English labels: the column line follows
    dialog.lang_box.setCurrentIndex(dialog.lang_box.findData("en"))
    qtbot.waitUntil(lambda: dialog.columns_label.text().startswith("Columns: Paper | Code | Venue"), timeout=10_000)
    # writing: a confirmation that names each file
    target = tmp_path / "README.md"
    target.write_text("# Mine\n\n<!-- readerapp:begin papers -->\n<!-- readerapp:end papers -->\n", encoding="utf-8")
    dialog.notes_check.setChecked(True)
    dialog.target_edit.setText(str(target))
    qtbot.waitUntil(dialog.write_button.isEnabled, timeout=10_000)
    dialog.preview_tabs.setCurrentIndex(1)
    assert dialog.preview_tabs.tabText(1) == "Changes"
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.write_button.click()
    box = dialog.confirmation
    assert box.isVisible() and box.parentWidget() is parent
    assert str(target) in box.text() and "notes" in box.text() and "Wrote 2 files" in box.text()
    shot(box, "export-confirmation")
    assert "|ICLR 2015|" in target.read_text(encoding="utf-8")
    box.close()


def _cjk_font() -> None:
    """No CJK font on the test machine: give Qt the one PyMuPDF ships so the screenshots show the glyphs."""
    import pymupdf
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QFontDatabase

    if not any("Droid Sans Fallback" in f for f in QFontDatabase.families()):
        QFontDatabase.addApplicationFontFromData(QByteArray(pymupdf.Font("cjk").buffer))
