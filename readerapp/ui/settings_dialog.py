"""Settings dialog: language, theme, embedding model, library folder.

Saved through readerapp.core.settings (the same file the CLI reads); values
are checked before anything is written and a problem is shown under the form.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout, QWidget)

from readerapp.core.settings import DEFAULT_MODEL, Settings, load_settings, save_settings

_MODEL_NAME = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None, *,
                 current_library: str | os.PathLike | None = None):
        """current_library: the folder the running app has open (shown when it is not the setting's)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.settings = settings or load_settings()
        self.changed: set[str] = set()
        form = QFormLayout()

        self.language = QComboBox(self)
        for value, label in (("system", self.tr("System")), ("en", "English"), ("zh_CN", "简体中文")):
            self.language.addItem(label, value)
        self.language.setCurrentIndex(max(0, self.language.findData(self.settings.language)))
        form.addRow(self.tr("&Language:"), self.language)

        self.theme = QComboBox(self)
        for value, label in (("system", self.tr("System")), ("light", self.tr("Light")), ("dark", self.tr("Dark"))):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(self.settings.theme)))
        form.addRow(self.tr("&Theme:"), self.theme)

        self.model = QLineEdit(self.settings.embedding_model, self)
        self.model.setPlaceholderText(DEFAULT_MODEL)
        self.model.setToolTip(self.tr("A sentence-transformers model name, or a folder holding a model"))
        form.addRow(self.tr("&Embedding model:"), self.model)

        self.library = QLineEdit(self.settings.library_path or "", self)
        from readerapp.core.paths import default_library_dir

        self.library.setPlaceholderText(self.tr("Default: %1").replace("%1", str(default_library_dir())))
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.library, 1)
        row.addWidget(browse)
        library_label = QLabel(self.tr("Library &folder:"), self)
        library_label.setBuddy(self.library)
        form.addRow(library_label, row)
        self.library_in_use = QLabel(self)
        self.library_in_use.setObjectName("libraryInUse")
        self.library_in_use.setWordWrap(True)
        self.library_in_use.setTextInteractionFlags(self.library_in_use.textInteractionFlags()
                                                    | Qt.TextInteractionFlag.TextSelectableByMouse)
        in_use = self._in_use_line(current_library)
        self.library_in_use.setText(in_use)
        self.library_in_use.setVisible(bool(in_use))
        form.addRow("", self.library_in_use)

        self.error = QLabel(self)
        self.error.setWordWrap(True)
        from readerapp.ui.theme import error_text, set_text_color

        set_text_color(self.error, error_text())
        self.error.hide()
        note = QLabel(self.tr("A new language or library folder takes effect when readerapp is restarted."), self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _in_use_line(self, current) -> str:
        """Where the running app's library really is, when that is not what this field says."""
        if current is None:
            return ""
        from readerapp.core.paths import default_library_dir

        current = Path(current).expanduser()
        configured = Path(self.settings.library_path).expanduser() if self.settings.library_path else None
        if current == (configured or default_library_dir()):
            return ""
        env = os.environ.get("READERAPP_LIBRARY")
        if env and Path(env).expanduser() == current:
            why = self.tr("set by $READERAPP_LIBRARY, which overrides this setting")
        else:
            why = self.tr("given with --library when readerapp was started")
        return self.tr("In use now: %1 (%2)").replace("%1", str(current)).replace("%2", why)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Library folder"), self.library.text() or str(Path.home()))
        if folder:
            self.library.setText(folder)

    def validate(self) -> str:
        """The first problem with the entered values, or ""."""
        model = self.model.text().strip()
        if model:
            looks_like_path = model.startswith(("/", "~", ".")) or os.sep in model and not _MODEL_NAME.match(model)
            if looks_like_path:
                if not Path(model).expanduser().is_dir():
                    return self.tr("The model folder %1 does not exist.").replace("%1", model)
            elif not _MODEL_NAME.match(model):
                return self.tr("“%1” is not a model name (like all-MiniLM-L6-v2 or an organisation/model name) "
                               "or a folder.").replace("%1", model)
        lib = self.library.text().strip()
        if lib:
            path = Path(lib).expanduser()
            if not path.is_absolute():
                return self.tr("The library folder must be an absolute path.")
            if path.exists():
                if not path.is_dir():
                    return self.tr("%1 is a file, not a folder.").replace("%1", lib)
                if not os.access(path, os.W_OK):
                    return self.tr("The folder %1 is read-only.").replace("%1", lib)
            else:
                parent = next((p for p in path.parents if p.exists()), None)
                if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK):
                    return self.tr("The folder %1 cannot be created here.").replace("%1", lib)
        return ""

    def accept(self) -> None:
        problem = self.validate()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        s = self.settings
        new = {
            "language": self.language.currentData(),
            "theme": self.theme.currentData(),
            "embedding_model": self.model.text().strip() or DEFAULT_MODEL,
            "library_path": self.library.text().strip() or None,
        }
        self.error.hide()
        self.changed = {k for k, v in new.items() if getattr(s, k) != v}
        for k, v in new.items():
            setattr(s, k, v)
        try:
            save_settings(s)
        except OSError as exc:
            self.error.setText(self.tr("The settings could not be saved: %1").replace("%1", exc.strerror or str(exc)))
            self.error.show()
            return
        super().accept()
