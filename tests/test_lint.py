"""ruff (lint) and mypy (types of readerapp/core) as part of the default test run.

Both read their configuration from pyproject.toml ([tool.ruff], [tool.mypy]).
They are test dependencies (`pip install -e .[test]`); mypy keeps its cache in
.mypy_cache, so a second run takes seconds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    assert found, f"{name} is not installed: pip install -e .[test]"
    return [found]


def test_ruff_finds_nothing_in_the_code_and_the_tests():
    r = subprocess.run([*_tool("ruff"), "check", "--no-cache", "--output-format", "concise", "readerapp", "tests"],
                       cwd=REPO, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_finds_no_type_errors_in_the_core():
    r = subprocess.run([*_tool("mypy")], cwd=REPO, capture_output=True, text=True, timeout=280)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "Success" in r.stdout
