"""Paper-list import and export at scale: a generated table list of N papers
(default 2000, 40 subsections) is imported, exported in each style, merged
into a README and exported again (no change, no write). The raw library cost
in the same run: reading every paper and its links with plain SQL.
Targets (issue 13): import <= 3 s, one export <= 0.5 s per style, an unchanged re-export writes nothing;
the own-style export renders the same HTML as the generated list (the round-trip judge).

    .venv/bin/python tests/benchmarks/bench_export.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, save  # noqa: E402

sys.path.insert(0, str(REPO))

from readerapp.core.export.readme import apply_plan, plan_export  # noqa: E402
from readerapp.core.export.render import ExportOptions, render_list  # noqa: E402
from readerapp.core.library import Library  # noqa: E402
from readerapp.core.listimport import import_list  # noqa: E402


def make_list(n: int, per_section: int = 50) -> str:
    out = ["# Generated list", "", "intro text", ""]
    for i in range(n):
        if i % per_section == 0:
            s = i // per_section
            if s % 5 == 0:
                out += [f"# Area {s // 5}", ""]
            out += [f"### Topic {s}", "", "|paper|源码|收录|简介|笔记|", "|:-:|:-:|:-:|:-:|:-:|"]
        out.append(f"|[Paper number {i}: a study of things](https://arxiv.org/abs/2101.{i:05d})|"
                   f"[code](https://github.com/x/p{i})|ICML {2000 + i % 24}|**M{i}**; 模型 {i} 的简介|"
                   f"[笔记](https://x.io/notes/{i}.html)|")
        if i % per_section == per_section - 1:
            out.append("")
    return "\n".join(out) + "\n"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    text = make_list(n)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "big-list.md"
        src.write_text(text, encoding="utf-8")
        with Library(tmp / "lib") as lib:
            t = time.perf_counter()
            result = import_list(lib, src)
            import_s = time.perf_counter() - t
            t = time.perf_counter()
            again = import_list(lib, src)
            reimport_s = time.perf_counter() - t
            t = time.perf_counter()
            rows = lib.conn.execute("SELECT p.*, (SELECT json_group_array(url) FROM links l WHERE l.paper_id = p.id)"
                                    " FROM papers p").fetchall()
            raw_s = time.perf_counter() - t
            export_s = {}
            for style in ("table", "dated", "venue", "digest"):
                t = time.perf_counter()
                out, _ = render_list(lib, ExportOptions(style=style, name=result.name))
                export_s[style] = round(time.perf_counter() - t, 3)
                if style == "table":
                    from readerapp.core.export.roundtrip import render_html, table_problems

                    round_trip = render_html(out) == render_html(text) and not table_problems(out)
            readme = tmp / "README.md"
            readme.write_text(f"head\n<!-- readerapp:begin {result.name} -->\n<!-- readerapp:end {result.name} -->\n",
                              encoding="utf-8")
            t = time.perf_counter()
            apply_plan(plan_export(lib, ExportOptions(style="table", name=result.name), into=readme))
            into_s = time.perf_counter() - t
            mtime = readme.stat().st_mtime_ns
            t = time.perf_counter()
            second = plan_export(lib, ExportOptions(style="table", name=result.name), into=readme)
            written = apply_plan(second)
            unchanged_s = time.perf_counter() - t
            mtime_kept = readme.stat().st_mtime_ns == mtime
    save("export", {
        "papers": n, "entries": result.entries, "sections": result.sections, "added_again": again.added,
        "import_s": round(import_s, 3), "reimport_s": round(reimport_s, 3), "raw_sql_read_s": round(raw_s, 4),
        "rows_read": len(rows), "export_s": export_s, "round_trip_ok": round_trip,
        "into_readme_s": round(into_s, 3), "unchanged_reexport_s": round(unchanged_s, 3),
        "unchanged_reexport_wrote": len(written), "mtime_kept": mtime_kept,
        "machine": "2 cores shared with other work (figures vary run to run)",
        "targets": {"import_s": 3, "export_s": 0.5},
        "ok": import_s <= 3 and max(export_s.values()) <= 0.5 and not written and round_trip,
    })


if __name__ == "__main__":
    main()
