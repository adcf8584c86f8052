"""import, search, list, show, set, open, reindex."""

from __future__ import annotations

import re
import sys

from readerapp.cli import EXIT_FAILED, EXIT_OK, open_library, paper_id, print_json
from readerapp.core.models import STATUSES


def register(sub) -> None:
    p = sub.add_parser("import", help="import PDF files and folders (recursively)",
                       description="Import PDFs; folders are searched recursively. Exit status: 0 when every "
                                   "file was imported, re-linked or a duplicate; 1 when some failed; 2 on usage errors.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the per-file results as JSON")
    p.add_argument("--workers", type=int, default=None, help="extraction processes (default: CPU count)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds allowed to extract one file")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("search", help="search the library",
                       description="Search titles, notes, highlights and page text. Query syntax: "
                                   '"quoted phrase", prefix*, title: author: year: tag: section: filters; '
                                   "anything else is plain text.")
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.add_argument("--mode", choices=("keyword", "semantic", "hybrid"), default="keyword",
                   help="keyword (FTS; the default here because it starts in a fraction of a second), "
                        "semantic (by meaning; loads the model, seconds) or hybrid (both, fused)")
    p.add_argument("--section", help="only papers in this section (or its subsections)")
    p.add_argument("--tag", help="only papers with this tag")
    p.add_argument("--year", help="only papers of this year or range (2014-2016)")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--paper", type=paper_id, help="only inside this paper")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("list", help="list papers")
    p.add_argument("--json", action="store_true")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--tag")
    p.add_argument("--sort", default="date_added", choices=("date_added", "title", "year", "venue", "status", "id"))
    p.add_argument("--needs-review", action="store_true",
                   help="only papers whose extracted metadata is doubtful (fix with `set`, which clears the flag)")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="show one paper with its note, highlights and links")
    p.add_argument("id", type=paper_id)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("set", help="correct a field or write a note field",
                       description="Fields: title, authors ('A; B' or 'A, B'), year, venue, arxiv_id, doi, url, "
                                   "code_url, model_name, summary, status (to-read|reading|read), date_read, "
                                   "note.problem, note.method, note.results, note.notes, tags (comma list), "
                                   "section ('Parent/Child'). Use '-' as VALUE to read it from standard input.")
    p.add_argument("id", type=paper_id)
    p.add_argument("field")
    p.add_argument("value")
    p.set_defaults(func=cmd_set)

    p = sub.add_parser("unassign", help="take a paper out of a section",
                       description="The paper stays in the library and in its other sections.")
    p.add_argument("id", type=int)
    p.add_argument("section", help="'Parent' or 'Parent/Child'")
    p.set_defaults(func=cmd_unassign)

    p = sub.add_parser("open", help="open a paper (by id) or a PDF file in the reader window")
    p.add_argument("target", metavar="PATH|ID")
    p.set_defaults(func=cmd_open)

    p = sub.add_parser("reindex", help="rebuild page text and the full-text index from the PDFs")
    p.add_argument("ids", nargs="*", type=paper_id, help="only these papers (default: all)")
    p.add_argument("--metadata", action="store_true",
                   help="also re-extract metadata (fields you corrected are kept)")
    p.add_argument("--missing", action="store_true",
                   help="only repair: index papers whose text is missing, drop rows of deleted papers")
    p.set_defaults(func=cmd_reindex)


def _progress_bar(total: int, enabled: bool):
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    # the bar is our own text: it may use the terminal's cursor codes (the stream wrapper would drop them)
    return tqdm(total=total, unit="file", file=getattr(sys.stderr, "raw_stream", sys.stderr), dynamic_ncols=True,
                leave=False)


_STATUS_WORD = {"imported": "imported", "duplicate": "duplicate", "relinked": "re-linked",
                "failed": "failed", "updated": "updated"}


def _print_results(results, as_json: bool) -> None:
    if as_json:
        print_json([r.to_json() for r in results])
        return
    for r in results:
        extra = f" (paper {r.paper_id}, {r.pages} pages)" if r.paper_id and r.status != "failed" else ""
        reason = f": {r.reason}" if r.reason else ""
        print(f"{_STATUS_WORD.get(r.status, r.status):9} {r.path}{extra}{reason}")
    counts = {k: sum(1 for r in results if r.status == k) for k in _STATUS_WORD}
    parts = [f"{n} {_STATUS_WORD[k]}" for k, n in counts.items() if n]
    print(f"{len(results)} file(s): " + (", ".join(parts) if parts else "nothing to do"), file=sys.stderr)


def cmd_import(args) -> int:
    from readerapp.core.importer import Importer

    with open_library(args) as lib:
        bar = None
        state = {"bar": None}

        def progress(done, total, result):
            if state["bar"] is None:
                state["bar"] = _progress_bar(total, not args.no_progress and not args.json)
            bar = state["bar"]
            if bar is not None:
                bar.total = total
                bar.update(1)
                bar.set_postfix_str(result.status)

        importer = Importer(lib, workers=args.workers, timeout=args.timeout)
        try:
            results = importer.import_paths(args.paths, progress=progress)
        finally:
            bar = state["bar"]
            if bar is not None:
                bar.close()
    _print_results(results, args.json)
    return EXIT_FAILED if any(r.status == "failed" for r in results) else EXIT_OK


def _terminal_snippet(snippet: str) -> str:
    import html

    if sys.stdout.isatty():
        text = snippet.replace("<mark>", "\x1b[1;33m").replace("</mark>", "\x1b[0m")
    else:
        text = snippet.replace("<mark>", "[").replace("</mark>", "]")
    return html.unescape(text)


def cmd_search(args) -> int:
    query = " ".join(args.query)
    from readerapp.core.hybrid import search as mode_search

    def notice(text: str) -> None:
        print(f"readerapp: note: {text}", file=sys.stderr)

    with open_library(args) as lib:
        hits = mode_search(lib, query, mode=args.mode, limit=args.limit, section=args.section, tag=args.tag,
                           year=args.year, status=args.status, paper_id=args.paper, notice=notice)
    if args.json:
        print_json([h.to_json() for h in hits])
        return EXIT_OK
    if not hits:
        print("no matches", file=sys.stderr)
        return EXIT_OK
    for h in hits:
        where = "paper" if h.page is None else f"p.{h.page + 1}"
        print(f"#{h.paper_id:<5} {where:>7}  {h.title}")
        if h.snippet:
            print(f"        {_terminal_snippet(h.snippet)}")
    return EXIT_OK


def _short(text: str, width: int) -> str:
    text = re.sub(r"\s+", " ", text or "")
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_list(args) -> int:
    with open_library(args) as lib:
        papers = lib.list_papers(status=args.status, tag=args.tag, order=args.sort,
                                 descending=args.sort in ("date_added", "year"))
    if getattr(args, "needs_review", False):
        papers = [p for p in papers if p.review]
    if args.json:
        print_json([p.to_json() for p in papers])
        return EXIT_OK
    for p in papers:
        line = f"{p.id:>5}  {p.year or '':>4}  {p.status:8}  {_short(p.title, 70):70}  {_short(p.first_author, 24)}"
        if getattr(args, "needs_review", False):
            line += "  review: " + ", ".join(sorted(p.review))
        print(line)
    print(f"{len(papers)} paper(s)", file=sys.stderr)
    return EXIT_OK


def cmd_show(args) -> int:
    with open_library(args) as lib:
        paper = lib.get_paper(args.id)
        note = lib.get_note(args.id)
        highlights = lib.highlights(args.id)
        links = lib.links(args.id)
        sections = [" / ".join(lib.section_path(s)) for s in lib.sections_of(args.id)]
    if args.json:
        data = paper.to_json()
        data.update({
            "url": paper.url, "model_name": paper.model_name, "summary": paper.summary,
            "date_added": paper.date_added, "date_read": paper.date_read, "tags": paper.tags,
            "sections": sections, "text_status": paper.text_status, "review": paper.review,
            "note": {k: getattr(note, k) for k in ("problem", "method", "results", "notes")},
            "highlights": [h.to_json() for h in highlights],
            "links": [ln.to_json() for ln in links],
        })
        print_json(data)
        return EXIT_OK
    rows = [
        ("Title", paper.title), ("Authors", "; ".join(paper.authors)), ("Year", paper.year),
        ("Venue", paper.venue), ("arXiv", paper.arxiv_id), ("DOI", paper.doi), ("URL", paper.url),
        ("Code", paper.code_url), ("Model", paper.model_name), ("Status", paper.status),
        ("Tags", ", ".join(paper.tags)), ("Sections", "; ".join(sections)), ("File", paper.path),
        ("Pages", paper.pages or None),
        ("Text", {"no-text": "no text layer", "ocr": "from OCR",
                  "garbled": "garbled text layer (wrong glyphs; OCR needs Tesseract)"}.get(paper.text_status or "")),
        ("Review", "; ".join(f"{k}: {v}" for k, v in sorted(paper.review.items())) or None),
        ("Added", paper.date_added), ("Summary", paper.summary),
    ]
    for label, value in rows:
        if value not in (None, ""):
            print(f"{label + ':':10} {value}")
    for label, value in (("Problem", note.problem), ("Method", note.method), ("Results", note.results),
                         ("Notes", note.notes)):
        if value.strip():
            print(f"\n## {label}\n{value.strip()}")
    if highlights:
        print(f"\n## Highlights ({len(highlights)})")
        for h in highlights:
            comment = f"  — {h.comment}" if h.comment else ""
            print(f"p.{h.page + 1} [{h.kind}] {_short(h.text, 100)}{comment}")
    for ln in links:
        print(f"{ln.kind}: {ln.label + ' ' if ln.label else ''}{ln.url}")
    return EXIT_OK


def cmd_set(args) -> int:
    from readerapp.core.fieldcheck import check_paper_value

    value = sys.stdin.read() if args.value == "-" else args.value
    value = check_paper_value(args.field, value)
    with open_library(args) as lib:
        lib.set_field(args.id, args.field, value)
    return EXIT_OK


def cmd_unassign(args) -> int:
    from readerapp.core.errors import InvalidValue
    from readerapp.core.export.render import find_section

    with open_library(args) as lib:
        lib.get_paper(args.id)  # NotFound: one line
        section_id = find_section(lib, args.section)
        if section_id not in lib.sections_of(args.id):
            raise InvalidValue(f"paper {args.id} is not in section {args.section!r}")
        lib.unassign_section(args.id, section_id)
    return EXIT_OK


def cmd_open(args) -> int:
    from readerapp.app import main as gui_main

    argv = ["--library", args.library] if args.library else []
    return gui_main([*argv, args.target])


def cmd_reindex(args) -> int:
    from readerapp.core.importer import reindex

    with open_library(args) as lib:
        if args.missing:
            from readerapp.core.maintenance import repair

            report = repair(lib)
            print(f"index repaired: {len(report.reindexed)} paper(s) re-indexed, {len(report.refreshed)} "
                  f"refreshed, {len(report.dropped)} dropped, {len(report.failed)} failed")
            for pid, reason in report.failed:
                print(f"failed    paper {pid}: {reason}")
            return EXIT_FAILED if report.failed else EXIT_OK
        results = reindex(lib, args.ids or None, metadata=args.metadata)
    _print_results(results, False)
    return EXIT_FAILED if any(r.status == "failed" for r in results) else EXIT_OK
