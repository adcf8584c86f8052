"""The main window's session and layout: the open tabs (in the library), the window geometry, dock
layout, table columns and colour mode (in the user config folder). A mixin of MainWindow."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QSettings

from readerapp.core.paths import user_config_dir

from .color_modes import MODES as COLOR_MODES

log = logging.getLogger("readerapp.ui.main_window")

SESSION_KEY = "ui:session"
WINDOW_SETTINGS_FILE = "window.ini"


class SessionMixin:
    def save_session(self) -> None:
        tabs = self.reader_tabs()
        cur = self.current_reader()
        try:
            for tab in tabs:
                self._save_view(tab)
            self.library.set_setting(SESSION_KEY, {"tabs": [t.paper_id for t in tabs],
                                                   "current": cur.paper_id if cur is not None else None})
        except Exception:
            log.warning("could not save the session", exc_info=True)

    def restore_session(self) -> None:
        """Reopen the tabs of the last session (papers deleted since are skipped)."""
        data = self.library.get_setting(SESSION_KEY) or {}
        if not isinstance(data, dict):
            return
        known = set(self.library.all_paper_ids())
        for pid in data.get("tabs") or []:
            if isinstance(pid, int) and pid in known:
                self.open_paper(pid, focus=False)
        cur = data.get("current")
        idx = self.tab_index_of(cur) if isinstance(cur, int) else -1
        if idx > 0:
            self.tabs.setCurrentIndex(idx)

    def _window_settings(self) -> QSettings:
        return QSettings(str(user_config_dir() / WINDOW_SETTINGS_FILE), QSettings.Format.IniFormat)

    def _restore_window(self) -> None:
        s = self._window_settings()
        geometry = s.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = s.value("state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        header = s.value("header")
        if isinstance(header, QByteArray) and not header.isEmpty():
            self.table.horizontalHeader().restoreState(header)
            hdr = self.table.horizontalHeader()
            if str(s.value("header_columns", "")) != str(hdr.count()):
                # saved by a version with fewer columns: Qt shows the new ones; they start hidden
                for col in self.model.OPTIONAL_COLUMNS:
                    self.table.setColumnHidden(col, True)
            self.model.sort(hdr.sortIndicatorSection(), hdr.sortIndicatorOrder())
        mode = str(s.value("color_mode", "") or ("night" if str(s.value("night", "false")).lower() == "true"
                                                 else "normal"))
        self.set_color_mode(mode if mode in COLOR_MODES else "normal")

    def save_window(self) -> None:
        s = self._window_settings()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.saveState())
        s.setValue("header", self.table.horizontalHeader().saveState())
        s.setValue("header_columns", self.table.horizontalHeader().count())
        s.setValue("color_mode", self._color_mode)
        s.remove("night")  # the old key: read once, then replaced by color_mode
        s.sync()
