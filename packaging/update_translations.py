"""Refresh the UI translations.

    .venv/bin/python packaging/update_translations.py          # lupdate + lrelease
    .venv/bin/python packaging/update_translations.py --check  # exit 1 if anything is untranslated or stale

1. pyside6-lupdate scans readerapp/ui/*.py and readerapp/app.py (self.tr(...),
   QCoreApplication.translate(...)) into resources/translations/readerapp_zh_CN.ts,
   keeping the translations already there and dropping strings no longer used;
   readerapp_en.ts gets only the plural forms ("%n paper(s)" -> "1 paper", "2 papers").
2. New strings show up as type="unfinished": translate them with
   `pyside6-linguist resources/translations/readerapp_zh_CN.ts` (or edit the XML).
3. pyside6-lrelease compiles every .ts to the .qm next to it. Commit both.

Qt's own strings (standard dialogs and buttons) come from qtbase_zh_CN.qm, which
PySide6 ships in its translations folder; readerapp.ui.i18n loads it from there.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TRANSLATIONS = REPO / "resources" / "translations"
LANGS = ("zh_CN",)


def _tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else name


def sources() -> list[str]:
    files = sorted((REPO / "readerapp" / "ui").glob("*.py")) + [REPO / "readerapp" / "app.py"]
    return [str(f.relative_to(REPO)) for f in files]


def lupdate() -> None:
    for lang in LANGS:
        subprocess.run([_tool("pyside6-lupdate"), *sources(), "-no-obsolete", "-locations", "none",
                        "-source-language", "en", "-target-language", lang,
                        "-ts", str(TRANSLATIONS / f"readerapp_{lang}.ts")], cwd=REPO, check=True)
    subprocess.run([_tool("pyside6-lupdate"), *sources(), "-pluralonly", "-no-obsolete", "-locations", "none",
                    "-source-language", "en", "-target-language", "en",
                    "-ts", str(TRANSLATIONS / "readerapp_en.ts")], cwd=REPO, check=True)


def lrelease(out_dir: Path | None = None) -> list[Path]:
    out = []
    for ts in sorted(TRANSLATIONS.glob("readerapp_*.ts")):
        qm = (out_dir or TRANSLATIONS) / ts.with_suffix(".qm").name
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        out.append(qm)
    return out


def check() -> list[str]:
    problems = []
    for ts in sorted(TRANSLATIONS.glob("readerapp_*.ts")):
        text = ts.read_text(encoding="utf-8")
        n = text.count('type="unfinished"')
        if n:
            problems.append(f"{ts.name}: {n} untranslated string(s)")
    with tempfile.TemporaryDirectory() as tmp:
        for qm in lrelease(Path(tmp)):
            committed = TRANSLATIONS / qm.name
            if not committed.exists() or committed.read_bytes() != qm.read_bytes():
                problems.append(f"{qm.name} is not compiled from the current .ts")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report untranslated strings and stale .qm files")
    parser.add_argument("--no-lupdate", action="store_true", help="only compile the .ts files")
    args = parser.parse_args()
    if args.check:
        problems = check()
        print("\n".join(problems) or "translations are complete and compiled")
        return 1 if problems else 0
    if not args.no_lupdate:
        lupdate()
    for qm in lrelease():
        print(f"wrote {qm.relative_to(REPO)}")
    for problem in check():
        print(problem)
    return 0


if __name__ == "__main__":
    sys.exit(main())
