"""Architecture rules: the core never imports Qt; the UI never writes SQL."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import readerapp

PKG = Path(readerapp.__file__).parent


def _modules(subpackage: str) -> list[str]:
    path = PKG / subpackage
    return [f"readerapp.{subpackage}.{m.name}" for m in pkgutil.walk_packages([str(path)])]


def test_importing_every_core_and_cli_module_loads_no_qt():
    mods = _modules("core") + _modules("cli")
    assert len(mods) >= 10
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')"
        " or m.startswith('readerapp.ui'))\n"
        "print(bad)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_no_qt_import_statement_in_core():
    offenders = [str(p) for p in (PKG / "core").rglob("*.py")
                 if re.search(r"^\s*(from|import)\s+(PySide6|shiboken6|readerapp\.ui)", p.read_text(), re.M)]
    assert offenders == []


def test_import_linter_contract_holds():
    r = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], capture_output=True,
                       text=True, cwd=PKG.parent, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "KEPT" in r.stdout


def test_ui_writes_no_sql():
    offenders = []
    for p in (PKG / "ui").rglob("*.py"):
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(r"\.execute(many|script)?\(|\bsqlite3\b", code) or \
                    re.search(r"[\"'](SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b", code):
                offenders.append(f"{p.name}:{n}: {line.strip()}")
    assert offenders == []


def test_gui_tests_write_screenshots_into_a_temporary_folder_not_the_source_tree():
    import re
    from pathlib import Path

    import conftest

    repo = Path(__file__).resolve().parents[1]
    assert not conftest.SCREENSHOTS.resolve().is_relative_to(repo.resolve())
    for path in (repo / "tests").rglob("test_*.py"):
        if path.name == "test_architecture.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""["']screenshots["']""", text), f"{path.name} writes screenshots itself"
        assert ".grab().save(" not in text, f"{path.name} saves a grab itself (use conftest.save_screenshot)"


def test_nothing_outside_the_storage_package_uses_a_private_member_of_the_library():
    """Code outside readerapp/core/storage (and the Library facade) goes through the
    managers and IndexStore: no `_query`, `_notify`, `idx`, `lock`, `conn` of a library."""
    import ast

    private = {"_query", "_notify", "_listeners", "idx", "lock", "conn", "db", "_db"}
    owners = {"library", "lib", "self.library", "self.lib", "self._library"}
    offenders = []
    for p in PKG.rglob("*.py"):
        rel = p.relative_to(PKG).as_posix()
        if rel.startswith("core/storage/") or rel == "core/library.py":
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private and ast.unparse(node.value) in owners:
                offenders.append(f"{rel}:{node.lineno}: {ast.unparse(node)}")
    assert offenders == []


def test_only_the_index_store_speaks_sql_to_the_index():
    """The derived index's tables are named in SQL only inside readerapp/core/storage."""
    tables = r"\b(search_fts|indexed_files|embed_queue|embed_model|chunks|vectors|vector_tombstones)\b"
    sql = re.compile(r"[\"'][^\"']*\b(SELECT|INSERT|UPDATE|DELETE)\b[^\"']*" + tables, re.I)
    offenders = []
    for p in PKG.rglob("*.py"):
        rel = p.relative_to(PKG).as_posix()
        if rel.startswith("core/storage/"):
            continue
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if sql.search(line.split("#", 1)[0]):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []
