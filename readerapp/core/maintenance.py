"""Bring the derived index back in line with what users made.

Run at app start and after a restore: it drops index rows of papers that no
longer exist, rewrites every paper's own row (title, notes, highlights) that
is missing, and re-extracts the text of papers whose file is not (or not
fully) indexed — e.g. after a crash in the middle of an import, or after the
index file was deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class RepairReport:
    dropped: list[int] = field(default_factory=list)
    refreshed: list[int] = field(default_factory=list)
    reindexed: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.dropped or self.refreshed or self.reindexed)


def repair(library, *, reextract: bool = True, refresh_all: bool = False) -> RepairReport:
    """refresh_all rewrites every paper's own row (after a restore changed user data)."""
    from readerapp.core.importer import reindex

    report = RepairReport()
    existing = set(library.papers.all_ids())
    indexed_papers = library.index.indexed_paper_ids()
    for pid in sorted(indexed_papers - existing):
        library.index.drop_paper(pid)
        report.dropped.append(pid)
    with_rows = library.index.papers_with_own_row()
    stale = sorted(existing if refresh_all else existing - with_rows)
    library.index.refresh_own_rows(stale)
    report.refreshed.extend(stale)
    if reextract:
        todo = library.papers.unindexed()
        if todo:
            for r in reindex(library, todo):
                if r.status == "failed":
                    report.failed.append((r.paper_id, r.reason))
                else:
                    report.reindexed.append(r.paper_id)
    if report.changed:
        log.info("index repaired: %s", report)
    return report


@dataclass
class StartupReport(RepairReport):
    backup: object | None = None  # BackupInfo of the backup taken now, if one was due


def startup(library, *, backup: bool = True, reextract: bool = True) -> StartupReport:
    """What the app runs when it opens a library (the GUI in a worker thread):
    the periodic backup when one is due, then the index repair, which also
    finishes papers whose indexing a crash cut off. Never raises for a failed
    backup (it is logged); the user's data is not touched by the repair."""
    report = StartupReport()
    if backup:
        from readerapp.core.backup import maybe_backup

        report.backup = maybe_backup(library)
    fixed = repair(library, reextract=reextract)
    report.dropped, report.refreshed = fixed.dropped, fixed.refreshed
    report.reindexed, report.failed = fixed.reindexed, fixed.failed
    return report
