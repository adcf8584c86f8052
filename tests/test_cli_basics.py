"""`readerapp --version`, `--help` on every subcommand, `python -m readerapp`, and logging."""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

import readerapp
from readerapp.cli import build_parser, setup_logging

# Commands that exist since the first releases; discovery must find at least these.
KNOWN = {("import",), ("search",), ("list",), ("show",), ("set",), ("config",), ("install-desktop",)}
HEAVY_MODULES = ("torch", "sentence_transformers", "transformers", "PySide6")


def run(args, env=None, cwd=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "readerapp", *args], capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})), cwd=cwd, timeout=timeout)


def subcommands(parser: argparse.ArgumentParser, prefix=()) -> list[tuple[str, ...]]:
    """Every command path in the parser, nested ones too (`readerapp export list` -> ("export", "list"))."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found.append((*prefix, name))
                found.extend(subcommands(child, (*prefix, name)))
    return found


def test_version_matches_the_package():
    r = run(["--version"])
    assert r.returncode == 0 and r.stdout == f"readerapp {readerapp.__version__}\n"
    from importlib.metadata import version

    assert version("readerapp") == readerapp.__version__


def test_console_script_runs():
    script = Path(sys.executable).with_name("readerapp")
    assert script.is_file(), "the readerapp console script is not installed in this environment"
    r = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == f"readerapp {readerapp.__version__}"


def test_discovery_finds_the_command_modules():
    paths = subcommands(build_parser())
    assert KNOWN <= set(paths), KNOWN - set(paths)
    assert len(paths) == len(set(paths))


def test_every_subcommand_help_exits_zero_without_heavy_imports(tmp_path):
    """Each command found in the parser (whoever added it) answers --help with exit 0, in one
    process that must not have imported torch or Qt by the end: help has to stay instant."""
    paths = [list(p) for p in subcommands(build_parser())]
    script = (
        "import io, json, sys, contextlib\n"
        "from readerapp.cli import main\n"
        "paths = json.loads(sys.argv[1])\n"
        "out = []\n"
        "for p in [[]] + paths:\n"
        "    buf = io.StringIO()\n"
        "    code = 'returned'\n"
        "    with contextlib.redirect_stdout(buf):\n"
        "        try:\n"
        "            main(p + ['--help'])\n"
        "        except SystemExit as exc:\n"
        "            code = exc.code\n"
        "    out.append({'path': p, 'code': code, 'text': buf.getvalue()})\n"
        f"heavy = [m for m in {HEAVY_MODULES!r} if m in sys.modules]\n"
        "print(json.dumps({'results': out, 'heavy': heavy}))\n"
    )
    r = subprocess.run([sys.executable, "-c", script, json.dumps(paths)], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["results"]) == len(paths) + 1
    for res in data["results"]:
        name = " ".join(["readerapp", *res["path"]])
        assert res["code"] in (0, None), f"`{name} --help` exited {res['code']}"
        assert res["text"].startswith(f"usage: {name}"), f"`{name} --help` printed: {res['text'][:200]!r}"
    top = data["results"][0]["text"]
    assert all(p[0] in top for p in paths if len(p) == 1)  # every command is listed in the main help
    assert data["heavy"] == [], f"--help imported {data['heavy']}"


def test_python_m_readerapp_from_another_folder(tmp_path):
    lib = tmp_path / "lib"
    r = run(["--library", str(lib), "list", "--json"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [] and (lib / "library.sqlite3").is_file()


def test_unknown_command_is_a_one_line_usage_error():
    r = run(["frobnicate"])
    assert r.returncode == 2 and "invalid choice" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 2  # the message and the pointer to --help


def test_logs_go_to_the_log_file_and_debug_prints_them(tmp_path):
    logs = tmp_path / "logs"
    env = {"READERAPP_LOG_DIR": str(logs)}
    r = run(["--library", str(tmp_path / "lib1"), "list"], env=env)
    assert r.returncode == 0, r.stderr
    log_text = (logs / "readerapp.log").read_text(encoding="utf-8")
    assert "applying library migration" in log_text  # creating a library logs its migrations
    assert "applying" not in r.stderr  # without --debug nothing is printed

    r = run(["--debug", "--library", str(tmp_path / "lib2"), "list"], env=env)
    assert r.returncode == 0
    assert "INFO readerapp.core.db: applying library migration" in r.stderr
    from readerapp.core.db import latest_version

    # two new libraries, each logging every library migration once
    assert (logs / "readerapp.log").read_text(encoding="utf-8").count("applying library migration") == \
        2 * latest_version("library")


def test_default_log_folder_is_the_platform_user_log_dir(tmp_path):
    import platformdirs

    from readerapp.core import paths

    env = dict(os.environ)
    env.pop("READERAPP_LOG_DIR", None)
    code = "from readerapp.core.paths import user_log_dir; print(user_log_dir())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert Path(out.stdout.strip()) == Path(platformdirs.user_log_dir(paths.APP_NAME, appauthor=False))


def test_log_file_rotates(tmp_path, monkeypatch):
    monkeypatch.setenv("READERAPP_LOG_DIR", str(tmp_path / "logs"))
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    try:
        setup_logging(debug=False)
        handlers = [h for h in root.handlers if isinstance(h, RotatingFileHandler)
                    and Path(h.baseFilename).parent == tmp_path / "logs"]
        assert len(handlers) == 1
        handler = handlers[0]
        assert handler.maxBytes > 0 and handler.backupCount >= 1
        log = logging.getLogger("readerapp.test_rotation")
        line = "x" * 1000
        for i in range(handler.maxBytes * (handler.backupCount + 2) // 1000 + 10):
            log.info("%d %s", i, line)
        handler.flush()
        files = sorted(p.name for p in (tmp_path / "logs").iterdir())
        assert files == ["readerapp.log"] + [f"readerapp.log.{n}" for n in range(1, handler.backupCount + 1)]
        for p in (tmp_path / "logs").iterdir():
            assert p.stat().st_size <= handler.maxBytes + 2000
    finally:
        for h in root.handlers:
            if h not in saved_handlers:
                h.close()
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)


def test_unusable_log_folder_does_not_stop_the_command(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    r = run(["--library", str(tmp_path / "lib"), "list", "--json"],
            env={"READERAPP_LOG_DIR": str(blocker / "logs")})
    assert r.returncode == 0 and json.loads(r.stdout) == [] and "Traceback" not in r.stderr
