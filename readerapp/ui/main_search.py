"""The main window's search: the search overlay (Ctrl+K), Papers Like This (Ctrl+Shift+K) and the
background embedding with its progress line. A mixin of MainWindow (one job per file)."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from .search_overlay import SearchOverlay

# Progress of the background embedding shows only when a run lasts longer than this: a run that
# embeds one changed note must not flash "Preparing semantic search: 0 of 1".
PROGRESS_AFTER_S = 1.0


class SearchMixin:
    """Strings keep the MainWindow translation context (they lived there)."""

    search_panel = None
    search_dock = None   # the SearchOverlay (the name the window's callers and tests know)

    def attach_search_panel(self, panel) -> SearchOverlay:
        """Show a search panel (readerapp.ui.search_panel.SearchPanel: signal hitActivated(int paper_id,
        int page0_or_-1, object bbox), focus_query()) in an overlay over the tabs: the reader under it
        keeps its size and zoom. A hit opens its paper at the passage; Ctrl+K shows it and focuses the query."""
        overlay = SearchOverlay(panel, self.tabs, self)
        panel.hitActivated.connect(self._open_hit)
        act = QAction(QCoreApplication.translate("MainWindow", "Searc&h Pane"), self)
        act.setCheckable(True)
        act.toggled.connect(lambda on: overlay.setVisible(on) if overlay.isVisible() != on else None)
        overlay.visibilityChanged.connect(lambda on: act.setChecked(on) if act.isChecked() != on else None)
        self.act_search_pane = act
        self.view_menu.insertAction(self.act_night, act)
        self.act_search = self._action(QCoreApplication.translate("MainWindow", "&Search Library"),
                                       lambda: (self._show_search_dock(), panel.focus_query()), "Ctrl+K")
        self.view_menu.insertAction(act, self.act_search)
        self.search_dock = overlay
        return overlay

    def _open_hit(self, paper_id: int, page0: int, bbox) -> None:
        self.search_dock.hit_opened()  # hidden first: the passage is centred in an uncovered reader
        self.open_paper(paper_id, page0 if page0 is not None and page0 >= 0 else None, bbox)

    def install_semantic_search(self, *, start_embedding: bool = True):
        """The search overlay (Ctrl+K: keyword, semantic and hybrid search) and the background
        embedder, which embeds new and changed text a few seconds after each change. Called after
        the window is shown: the model itself loads only when the first semantic query or embedding
        needs it."""
        from .embedding import EmbeddingController
        from .search_panel import SearchPanel

        self.search_panel = SearchPanel(self.library, self)
        overlay = self.attach_search_panel(self.search_panel)
        self.act_similar = self._action(QCoreApplication.translate("MainWindow", "Papers &Like This"), self._show_similar, "Ctrl+Shift+K")
        self.view_menu.insertAction(self.act_search_pane, self.act_similar)
        self.embed_label = QLabel()
        self.embed_label.setObjectName("embeddingProgress")
        self.embed_label.hide()
        self.statusBar().insertPermanentWidget(0, self.embed_label)
        self._embed_started = 0.0
        self.embedding = EmbeddingController(self.library, self)
        self.embedding.progress.connect(self._embedding_progress)
        self.embedding.finished.connect(lambda _stats: self._embedding_done())
        self.embedding.failed.connect(lambda msg: self._embedding_done(
            QCoreApplication.translate("MainWindow", "Semantic search: %1").replace("%1", msg)))
        if start_embedding:
            # the query model loads in the background once the window is up (not during start-up),
            # so the first semantic search finds it ready
            QTimer.singleShot(300, self, self.search_panel.preload_model)
            self.embedding.set_auto_start(True)
            QTimer.singleShot(5000, self, self._start_embedding)  # after start-up, not during it
        return overlay

    def _start_embedding(self) -> None:
        if not self._closing and self.embedding is not None:
            self.embedding.start()

    def _embedding_progress(self, phase: str, done: int, total: int) -> None:
        """'Preparing semantic search: 3 of 40' while a run that lasts is under way; nothing for an
        empty library, an empty queue or a run shorter than PROGRESS_AFTER_S."""
        now = time.monotonic()
        if not self._embed_started:
            self._embed_started = now
        if total <= 0 or done >= total or now - self._embed_started < PROGRESS_AFTER_S:
            if total <= 0 or done >= total:
                self.embed_label.hide()
            return
        self.embed_label.setText(
            QCoreApplication.translate("MainWindow", "Preparing semantic search: %1 of %2").replace("%1", str(done)).replace("%2", str(total)))
        self.embed_label.show()

    def _embedding_done(self, message: str = "") -> None:
        self._embed_started = 0.0
        self.embed_label.clear()
        self.embed_label.hide()
        if message:
            self.statusBar().showMessage(message, 10000)

    def _show_similar(self) -> None:
        tab = self.current_reader()
        ids = [tab.paper_id] if tab is not None else self.table.selected_paper_ids()
        if not ids:
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Open or select a paper first"), 5000)
            return
        self._show_search_dock()
        self.search_panel.show_similar(ids[0])

    def _show_search_dock(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
