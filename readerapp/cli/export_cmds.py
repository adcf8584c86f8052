"""export, bibtex, import-list, export-pdf."""

from __future__ import annotations

import sys

from readerapp.cli import EXIT_FAILED, EXIT_OK, open_library, paper_id, print_json
from readerapp.core.models import EXPORT_STYLES


def register(sub) -> None:
    p = sub.add_parser(
        "export", help="write the paper list in your style (Markdown, or BibTeX)",
        description="Render the library's sections as a paper list. Without --into the Markdown goes to standard "
                    "output. With --into README.md only the text between <!-- readerapp:begin NAME --> and "
                    "<!-- readerapp:end NAME --> is replaced (a new file is created with the markers). Styles: "
                    "table, dated, venue, digest, any <style>.md.j2 in your template folder, and bibtex.")
    p.add_argument("--style", help="table | dated | venue | digest | bibtex | a user template "
                                   "(default: the export_style setting)")
    p.add_argument("--section", action="append", metavar="SECTION",
                   help="only this section ('Parent' or 'Parent/Child'); repeat for several")
    p.add_argument("--into", metavar="README.md", help="update this file in place between the markers")
    p.add_argument("--name", help="the list's name: its markers, and the layout kept by import-list "
                                  "(default with --into: papers)")
    p.add_argument("--notes-dir", metavar="DIR", help="also write a note page per paper with notes or highlights "
                                                      "into DIR (relative to the --into file), linked from the list")
    p.add_argument("--lang", choices=("zh", "en"), help="headers and labels (default: the export_language setting)")
    p.add_argument("--dry-run", action="store_true", help="print the unified diff of what would change; write nothing")
    p.add_argument("--commit", action="store_true", help="git-commit the written README and note pages")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("bibtex", help="BibTeX of papers (by id), a section, or the whole library")
    p.add_argument("ids", nargs="*", type=paper_id)
    p.add_argument("--section", action="append", metavar="SECTION",
                   help="only this section ('Parent' or 'Parent/Child'); repeat for several")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_bibtex)

    p = sub.add_parser(
        "import-list", help="read an existing paper list (Markdown) into the library",
        description="Entries become papers without a PDF, in two-level sections; importing the PDF later fills "
                    "the entry. Importing the same list again adds nothing twice; a newer version of it is a sync "
                    "(renamed sections follow, entries gone upstream leave the list's sections; no paper or note "
                    "is deleted). The style is detected (table, dated, venue, digest) unless given. A text in no "
                    "known layout is refused with one line (exit 1) and nothing is imported.")
    p.add_argument("file", metavar="FILE.md")
    p.add_argument("--style", choices=EXPORT_STYLES)
    p.add_argument("--name", help="name to keep the list's layout under (default: the file name without .md)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import_list)

    p = sub.add_parser("export-pdf", help="a copy of a paper's PDF with its highlights and comments as annotations")
    p.add_argument("id", type=paper_id)
    p.add_argument("out", metavar="OUT.pdf")
    p.set_defaults(func=cmd_export_pdf)


def _defaults():
    from readerapp.core.settings import load_settings

    try:
        return load_settings()
    except Exception:  # defaults on a broken settings file
        from readerapp.core.settings import Settings

        return Settings()


def _papers_for(lib, ids, section):
    from readerapp.core.export.render import find_section

    if ids:
        missing = [i for i in ids if i not in set(lib.all_paper_ids())]
        if missing:
            from readerapp.core.errors import NotFound

            raise NotFound(f"no paper with id {missing[0]}")
        return lib.papers_by_ids(ids)
    if section:
        papers: dict[int, object] = {}
        for name in section:
            for p in lib.list_papers(section_id=find_section(lib, name), order="id", descending=False):
                papers.setdefault(p.id, p)
        return list(papers.values())
    return lib.list_papers(order="id", descending=False)


def cmd_bibtex(args) -> int:
    from readerapp.core.export.bibtex import to_bibtex
    from readerapp.core.export.readme import atomic_write

    with open_library(args) as lib:
        text = to_bibtex(_papers_for(lib, args.ids, args.section))
    if args.output:
        from pathlib import Path

        atomic_write(Path(args.output), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_export(args) -> int:
    from readerapp.core.export.readme import apply_plan, git_commit, plan_export
    from readerapp.core.export.render import ExportOptions

    settings = _defaults()
    style = args.style or settings.export_style
    if style == "bibtex":
        if args.into or args.notes_dir or args.commit:
            print("readerapp: error: --style bibtex writes to standard output; use `readerapp bibtex -o FILE`",
                  file=sys.stderr)
            return 2
        args.ids, args.output = [], None
        return cmd_bibtex(args)
    if args.commit and not args.into:
        print("readerapp: error: --commit needs --into README.md", file=sys.stderr)
        return 2
    opts = ExportOptions(style=style, lang=args.lang or settings.export_language, name=args.name,
                         section=args.section, notes_dir=args.notes_dir)
    with open_library(args) as lib:
        plan = plan_export(lib, opts, into=args.into)
    if not args.into and not args.dry_run:
        sys.stdout.write(plan.markdown)
    if args.dry_run:
        diff = plan.diff()
        if args.into or diff:
            sys.stdout.write(diff if diff else "")
        if not diff:
            print("no changes", file=sys.stderr)
        return EXIT_OK
    written = apply_plan(plan)
    if args.into:
        if written:
            print(f"wrote {len(written)} file(s): " + ", ".join(str(p) for p in written), file=sys.stderr)
        else:
            print("unchanged: nothing written", file=sys.stderr)
    if args.commit:
        print(git_commit(written), file=sys.stderr)
    return EXIT_OK


def cmd_import_list(args) -> int:
    from readerapp.core.listimport import import_list

    with open_library(args) as lib:
        result = import_list(lib, args.file, style=args.style, name=args.name)
    if args.json:
        print_json(result.to_json())
    else:
        print(f"{result.path}: {result.style} list '{result.name}': {result.entries} entries in {result.sections} "
              f"section(s): {result.added} new paper(s), {result.matched} already in the library")
        for old, new in result.renamed:
            print(f"  section renamed upstream: {'/'.join(old)} -> {'/'.join(new)}")
        if result.removed:
            print(f"  {result.removed} entr{'y' if result.removed == 1 else 'ies'} gone upstream left this list's "
                  "sections (the papers and their notes stay in the library)")
        for s in result.skipped:
            print(f"  line {s.line}: skipped ({s.reason}): {s.text[:100]}")
    return EXIT_OK if result.entries or not result.skipped else EXIT_FAILED


def cmd_export_pdf(args) -> int:
    from readerapp.core.export.annotated_pdf import export_annotated_pdf

    with open_library(args) as lib:
        info = export_annotated_pdf(lib, args.id, args.out)
    extra = f" ({info['skipped']} without a place on the page skipped)" if info["skipped"] else ""
    print(f"wrote {info['path']} with {info['annotations']} annotation(s){extra}")
    return EXIT_OK
