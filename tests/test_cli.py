"""The command line, run as a user runs it: a subprocess on a temp library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from pdfgen import make_pdf

PAPER_KEYS = ["id", "title", "authors", "year", "venue", "arxiv_id", "doi", "code_url", "path", "pages", "status"]
HIT_KEYS = ["paper_id", "title", "page", "snippet", "score"]


def run(args, *, library=None, env=None, input=None):
    full_env = dict(os.environ, **(env or {}))
    cmd = [sys.executable, "-m", "readerapp"] + (["--library", str(library)] if library else []) + args
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, input=input, timeout=300)


@pytest.fixture
def cli_library(tmp_path, corpus_dir):
    lib = tmp_path / "clilib"
    files = [corpus_dir / n for n in ("kingma-adam.pdf", "ioffe-batch-norm.pdf")]
    r = run(["import", *map(str, files)], library=lib)
    assert r.returncode == 0, r.stderr
    return lib


def test_import_list_show_search_set_json(cli_library):
    papers = json.loads(run(["list", "--json"], library=cli_library).stdout)
    assert len(papers) == 2 and all(list(p) == PAPER_KEYS for p in papers)
    adam = next(p for p in papers if p["path"].endswith("kingma-adam.pdf"))
    assert adam["pages"] == 15 and adam["status"] == "to-read"

    hits = json.loads(run(["search", "adaptive moment estimation", "--json", "--limit", "3"],
                          library=cli_library).stdout)
    assert hits and all(list(h) == HIT_KEYS for h in hits)
    assert hits[0]["paper_id"] == adam["id"] and "<mark>" in hits[0]["snippet"]

    assert run(["set", str(adam["id"]), "title", "Adam: A Method for Stochastic Optimization"],
               library=cli_library).returncode == 0
    assert run(["set", str(adam["id"]), "note.problem", "-"], library=cli_library,
               input="学习率难调\n").returncode == 0
    shown = json.loads(run(["show", str(adam["id"]), "--json"], library=cli_library).stdout)
    assert shown["title"] == "Adam: A Method for Stochastic Optimization"
    assert shown["note"]["problem"] == "学习率难调\n"
    text = run(["show", str(adam["id"])], library=cli_library).stdout
    assert "Adam: A Method" in text and "学习率难调" in text


def test_library_from_environment(cli_library):
    r = run(["list", "--json"], env={"READERAPP_LIBRARY": str(cli_library)})
    assert len(json.loads(r.stdout)) == 2


def test_import_exit_status_and_no_traceback(tmp_path, corpus_dir):
    folder = tmp_path / "mixed"
    folder.mkdir()
    make_pdf(folder / "ok.pdf", ["fine text"])
    (folder / "bad.pdf").write_text("garbage")
    r = run(["import", str(folder)], library=tmp_path / "lib")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout
    lines = [ln for ln in r.stdout.splitlines() if "bad.pdf" in ln]
    assert len(lines) == 1 and lines[0].startswith("failed") and "not a PDF" in lines[0]
    assert run(["import", str(folder / "ok.pdf")], library=tmp_path / "lib").returncode == 0  # duplicate is fine
    assert run(["import"], library=tmp_path / "lib").returncode == 2  # usage error


def test_usage_and_value_errors_are_one_line(tmp_path, cli_library):
    r = run(["set", "1", "colour", "red"], library=cli_library)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "unknown field" in r.stderr
    r = run(["show", "999"], library=cli_library)
    assert r.returncode == 1 and r.stderr.strip() == "readerapp: error: no paper with id 999"
    r = run(["search", '"unbalanced AND ( *'], library=cli_library)
    assert r.returncode == 0 and "Traceback" not in r.stderr


def test_search_starts_fast_without_heavy_imports(cli_library):
    code = (
        "import sys, time; t=time.perf_counter();"
        "from readerapp.cli import main; rc = main(['--library', sys.argv[1], 'search', 'gradient', '--json']);"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'PySide6', 'pymupdf', 'fitz') if m in sys.modules];"
        "print('HEAVY', heavy, file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code, str(cli_library)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "HEAVY []" in r.stderr
    best = min(_timed([sys.executable, "-m", "readerapp", "--library", str(cli_library), "search", "gradient"])
               for _ in range(3))
    print(f"readerapp search wall time: {best * 1000:.0f} ms")
    assert best < 1.5  # the 0.5 s target is measured by the benchmark; this guards against heavy imports


def _timed(cmd) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, timeout=60, check=True)
    return time.perf_counter() - t


def test_version_and_module_entry():
    from readerapp import __version__

    r = run(["--version"])
    assert r.returncode == 0 and r.stdout.strip() == f"readerapp {__version__}"


def test_set_section_and_unassign_take_a_paper_in_and_out_of_a_section(cli_library):
    papers = json.loads(run(["list", "--json"], library=cli_library).stdout)
    pid = str(papers[0]["id"])
    assert run(["set", pid, "section", "Optimisers/First order"], library=cli_library).returncode == 0
    assert run(["set", pid, "section", "Reading group"], library=cli_library).returncode == 0
    shown = json.loads(run(["show", pid, "--json"], library=cli_library).stdout)
    assert sorted(shown["sections"]) == ["Optimisers / First order", "Reading group"]

    r = run(["unassign", pid, "Optimisers/First order"], library=cli_library)
    assert r.returncode == 0, r.stderr
    shown = json.loads(run(["show", pid, "--json"], library=cli_library).stdout)
    assert shown["sections"] == ["Reading group"]  # still in the library and in its other section
    assert len(json.loads(run(["list", "--json"], library=cli_library).stdout)) == 2

    r = run(["unassign", pid, "Optimisers/First order"], library=cli_library)  # not in it any more
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "is not in section" in r.stderr
    r = run(["unassign", pid, "No such section"], library=cli_library)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "no section" in r.stderr
