"""lookup: fill a paper's metadata from arXiv, Crossref or DBLP (opt-in, setting lookup_online)."""

from __future__ import annotations

import sys

from readerapp.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, open_library, print_json


def register(sub) -> None:
    p = sub.add_parser(
        "lookup", help="look a paper's metadata up online (arXiv, Crossref, DBLP) and show what would change",
        description="Asks arXiv (by arXiv id), Crossref (by DOI) or Crossref and DBLP (by title) for a paper's "
                    "title, authors, year, venue and identifiers, and shows what would change; fields you set "
                    "by hand are never touched. Writes with --apply, or after you confirm at a terminal. Needs "
                    "the setting lookup_online (readerapp config set lookup_online true).")
    p.add_argument("id", nargs="?", type=int, help="paper id")
    p.add_argument("--all", action="store_true", help="every paper (those needing review first)")
    p.add_argument("--apply", action="store_true", help="write the changes without asking")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_lookup)


def _show(value) -> str:
    if isinstance(value, list):
        return "; ".join(value) if value else "-"
    return "-" if value in (None, "") else str(value)


def cmd_lookup(args) -> int:
    from readerapp.core import lookup
    from readerapp.core.settings import load_settings

    if (args.id is None) == (not args.all):
        print("readerapp: error: give a paper id or --all", file=sys.stderr)
        return EXIT_USAGE
    if not load_settings().lookup_online:
        print("readerapp: online lookup is off; turn it on with `readerapp config set lookup_online true`",
              file=sys.stderr)
        return EXIT_USAGE
    ask = not args.apply and not args.json and sys.stdin.isatty()
    report = []
    with open_library(args) as lib:
        if args.all:
            flagged = [p.id for p in lib.papers_needing_review()]
            ids = flagged + [i for i in lib.all_paper_ids() if i not in set(flagged)]
        else:
            ids = [args.id]
        for pid in ids:
            paper = lib.get_paper(pid)
            try:
                found = lookup.lookup_paper(paper)
            except lookup.LookupUnavailable as exc:
                print(f"readerapp: lookup failed: {exc}", file=sys.stderr)
                return EXIT_FAILED  # the next paper would wait for the same timeout
            changes = lookup.proposed_changes(paper, found) if found else {}
            entry = {"id": pid, "source": found.source if found else None,
                     "changes": {k: {"old": old, "new": new} for k, (old, new) in changes.items()},
                     "applied": False}
            if not args.json:
                label = f"{pid}: {paper.title[:70]}"
                if not found:
                    print(f"{label}\n  nothing found")
                elif not changes:
                    print(f"{label}\n  {found.source}: nothing to change")
                else:
                    print(f"{label}\n  from {found.source}:")
                    for name, (old, new) in changes.items():
                        print(f"  {name:9} {_show(old)}  ->  {_show(new)}")
            if changes and (args.apply or (ask and _confirm("  write these changes? [y/N] "))):
                lookup.apply_changes(lib, pid, changes)
                entry["applied"] = True
                if not args.json:
                    print("  written")
            report.append(entry)
    if args.json:
        print_json(report if args.all else report[0])
    elif changes_pending(report) and not args.apply and not ask:
        print("(nothing written: run again with --apply to write these changes)", file=sys.stderr)
    return EXIT_OK


def _confirm(prompt: str) -> bool:
    try:
        return input(prompt).strip().lower() in ("y", "yes")
    except EOFError:  # Ctrl+D: no
        print()
        return False


def changes_pending(report: list[dict]) -> bool:
    return any(e["changes"] and not e["applied"] for e in report)
