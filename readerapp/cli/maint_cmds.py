"""backup, restore, relocate."""

from __future__ import annotations

import sys
from pathlib import Path

from readerapp.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, open_library, paper_id, print_json


def register(sub) -> None:
    p = sub.add_parser("backup", help="back up what you made (papers, notes, highlights) now, or list backups",
                       description="Backups copy library.sqlite3 with SQLite's backup API into the library's "
                                   "backups/ folder; the newest N are kept (setting backup_keep). The derived "
                                   "index is not backed up: `readerapp reindex` rebuilds it.")
    p.add_argument("--list", action="store_true", help="list the backups, newest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the library by a backup (a backup of the current state is taken)")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("backup", nargs="?", help="backup file (see `readerapp backup --list`)")
    g.add_argument("--latest", action="store_true", help="the newest backup")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("relocate", help="find moved PDFs in a folder and re-link them (--undo: take a re-link back)",
                       description="Re-links papers whose PDF is missing by content hash; another copy of the "
                                   "same document (matched by the text of its pages, never by the title alone) "
                                   "replaces the lost file and the highlights are re-anchored by their quoted "
                                   "text. The original anchors are kept: --undo puts them back.")
    p.add_argument("folder", nargs="?")
    p.add_argument("--undo", action="store_true",
                   help="undo the newest replacement by another file (of --paper, or of the newest run)")
    p.add_argument("--paper", type=paper_id, help="with --undo: only this paper")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_relocate)


def cmd_backup(args) -> int:
    from readerapp.core.backup import list_backups, make_backup
    from readerapp.core.paths import resolve_library_dir

    if args.list:  # works without opening the library (it may be the damaged thing)
        backups = list_backups(resolve_library_dir(args.library).expanduser())
        if args.json:
            print_json([b.to_json() for b in backups])
        else:
            for b in backups:
                print(f"{b.created:%Y-%m-%d %H:%M:%S}  {b.size / 1024:8.0f} KiB  {b.reason:14}  {b.path}")
            if not backups:
                print("no backups yet", file=sys.stderr)
        return EXIT_OK
    with open_library(args, auto_backup=False) as lib:
        info = make_backup(lib)
    if args.json:
        print_json(info.to_json())
    else:
        print(f"backed up to {info.path}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from readerapp.core.backup import list_backups, restore
    from readerapp.core.errors import NotFound
    from readerapp.core.paths import resolve_library_dir

    folder = resolve_library_dir(args.library)
    if args.latest:
        backups = list_backups(folder)
        if not backups:
            raise NotFound(f"no backups in {folder / 'backups'}")
        chosen = backups[0].path
    else:
        chosen = Path(args.backup)
    safety = restore(folder, chosen)
    print(f"restored {chosen}; the state before the restore was saved to {safety}")
    return EXIT_OK


def cmd_relocate(args) -> int:
    from readerapp.core.relocate import relocate, undo

    if args.undo:
        with open_library(args) as lib:
            done = undo(lib, args.paper)
        if args.json:
            print_json(done.to_json())
        else:
            for path in done.removed_files:
                print(f"unlinked   {path}")
            print(f"undone for paper(s) {', '.join(map(str, done.papers))}: {done.restored} highlight(s) back "
                  "on their original anchors")
        return EXIT_OK
    if args.folder is None:
        print("readerapp: error: relocate needs a FOLDER (or --undo)", file=sys.stderr)
        return EXIT_USAGE
    if not Path(args.folder).is_dir():
        print(f"readerapp: error: {args.folder} is not a folder", file=sys.stderr)
        return EXIT_FAILED
    with open_library(args) as lib:
        report = relocate(lib, args.folder)
    if args.json:
        print_json(report.to_json())
    else:
        for pid, path in report.relinked:
            print(f"re-linked  paper {pid}: {path}")
        for pid, path in report.replaced:
            print(f"replaced   paper {pid}: {path}")
        if report.replaced:
            print(f"{report.reanchored} highlight(s) re-anchored; {len(report.unanchored)} kept at their old place "
                  f"(text not found): {report.unanchored}")
        for pid in report.still_missing:
            print(f"missing    paper {pid}: not found in {args.folder}")
        for pid, path, reason in report.refused:
            print(f"refused    paper {pid}: {reason}")
    return EXIT_FAILED if report.still_missing else EXIT_OK
