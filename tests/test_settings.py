"""The settings file: documented keys, round trip, and bad files that never crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields

import pytest

from readerapp.core.settings import DEFAULT_MODEL, Settings, load_settings, save_settings, settings_path

DOCUMENTED_KEYS = ["library_path", "embedding_model", "embedding_device", "theme", "language", "export_style",
                   "export_language", "template_dir", "backup_keep", "backup_interval_hours", "ocr_language",
                   "lookup_online"]


def keys() -> list[str]:
    return [f.name for f in fields(Settings) if f.name != "problems"]


def test_every_key_is_documented():
    import readerapp.core.settings as mod
    from readerapp.cli.config_cmds import KEY_HELP

    from conftest import REPO

    assert keys() == DOCUMENTED_KEYS
    install_doc = (REPO / "docs" / "install.md").read_text(encoding="utf-8")
    for key in keys():
        assert key in mod.__doc__, key
        assert KEY_HELP.get(key), key
        assert f"`{key}`" in install_doc, f"{key} is missing from docs/install.md"


def test_missing_file_gives_defaults_without_problems(tmp_path):
    s = load_settings(tmp_path / "absent.json")
    assert s == Settings() and s.problems == []
    assert s.embedding_model == DEFAULT_MODEL and s.theme == "system" and s.backup_keep == 10


def test_round_trip_every_key(tmp_path):
    path = tmp_path / "cfg" / "settings.json"
    s = Settings(library_path=str(tmp_path / "lib"), embedding_model="BAAI/bge-small-zh-v1.5",
                 embedding_device="cpu", theme="dark", language="zh_CN", export_style="venue",
                 export_language="en", template_dir=str(tmp_path / "tpl"), backup_keep=3,
                 backup_interval_hours=0.5, ocr_language="eng+chi_sim")
    assert save_settings(s, path) == path
    assert not path.with_name(path.name + ".tmp").exists()
    back = load_settings(path)
    assert back == s and back.problems == []
    assert json.loads(path.read_text(encoding="utf-8")) == s.to_json()
    assert "problems" not in json.loads(path.read_text(encoding="utf-8"))


def test_unicode_values_survive(tmp_path):
    path = tmp_path / "settings.json"
    save_settings(Settings(library_path=str(tmp_path / "论文库")), path)
    assert "论文库" in path.read_text(encoding="utf-8")  # written as text, not \\u escapes
    assert load_settings(path).library_path.endswith("论文库")


@pytest.mark.parametrize("content, needle", [
    ("{not json", "unreadable"),
    ("", "unreadable"),
    ("[1, 2, 3]", "JSON object"),
    ('"dark"', "JSON object"),
    ("null", "JSON object"),
    ("\xff\xfe garbage", "unreadable"),
])
def test_unreadable_file_gives_defaults_and_a_problem(tmp_path, content, needle, caplog):
    path = tmp_path / "settings.json"
    path.write_bytes(content.encode("latin-1"))
    with caplog.at_level("WARNING", logger="readerapp.core.settings"):
        s = load_settings(path)
    assert s == Settings()
    assert len(s.problems) == 1 and needle in s.problems[0] and str(path) in s.problems[0]
    assert any(needle in r.getMessage() for r in caplog.records)  # reported in the log as well
    assert path.read_bytes() == content.encode("latin-1")  # the user's file is left alone


def test_bad_values_fall_back_per_key(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({
        "theme": "purple",               # not a choice
        "backup_keep": "ten",            # wrong type
        "backup_interval_hours": -2,     # out of range
        "embedding_model": "",           # empty text
        "library_path": 42,              # not text
        "export_style": "dated",         # fine
        "language": "zh_CN",             # fine
        "colour": "red",                 # unknown key
    }), encoding="utf-8")
    s = load_settings(path)
    assert (s.theme, s.backup_keep, s.backup_interval_hours, s.embedding_model, s.library_path) == \
        ("system", 10, 6.0, DEFAULT_MODEL, None)
    assert (s.export_style, s.language) == ("dated", "zh_CN")
    problems = "\n".join(s.problems)
    assert len(s.problems) == 6
    for key in ("theme", "backup_keep", "backup_interval_hours", "embedding_model", "library_path", "colour"):
        assert key in problems


@pytest.mark.parametrize("key, value", [
    ("backup_keep", True), ("backup_keep", 2.5), ("backup_keep", 0), ("backup_interval_hours", "6"),
    ("backup_interval_hours", False), ("theme", None), ("embedding_device", "tpu"), ("ocr_language", []),
    ("template_dir", {"a": 1}), ("export_language", "fr"),
])
def test_wrong_types_are_reported(tmp_path, key, value):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({key: value}), encoding="utf-8")
    s = load_settings(path)
    assert getattr(s, key) == getattr(Settings(), key)
    assert len(s.problems) == 1 and key in s.problems[0]


def test_integer_hours_become_float(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"backup_interval_hours": 12}', encoding="utf-8")
    s = load_settings(path)
    assert s.backup_interval_hours == 12.0 and isinstance(s.backup_interval_hours, float) and not s.problems


def test_default_location_is_the_user_config_folder():
    assert settings_path().parent == __import__("pathlib").Path(os.environ["READERAPP_CONFIG_DIR"])
    assert settings_path().name == "settings.json"


def test_library_path_setting_is_used_by_the_cli(tmp_path):
    """The library_path key really chooses the library (and a bad file never stops the CLI)."""
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    lib = tmp_path / "from-settings"
    env = dict(os.environ, READERAPP_CONFIG_DIR=str(cfg))
    env.pop("READERAPP_LIBRARY", None)
    (cfg / "settings.json").write_text(json.dumps({"library_path": str(lib)}), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "readerapp", "list", "--json"], env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (lib / "library.sqlite3").is_file()

    (cfg / "settings.json").write_text("{broken", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "readerapp", "--library", str(lib), "list", "--json"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and json.loads(r.stdout) == [] and "Traceback" not in r.stderr


# --- readerapp config -------------------------------------------------------------------------------


def config(args, cfg_dir, **extra_env):
    env = dict(os.environ, READERAPP_CONFIG_DIR=str(cfg_dir), **extra_env)
    return subprocess.run([sys.executable, "-m", "readerapp", "config", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_config_show_set_get_unset(tmp_path):
    cfg = tmp_path / "cfg"
    r = config(["--json"], cfg)
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["exists"] is False and [row["key"] for row in info["settings"]] == DOCUMENTED_KEYS
    assert all(row["source"] == "default" for row in info["settings"])

    assert config(["theme", "dark"], cfg).returncode == 0
    assert config(["backup_keep", "4"], cfg).returncode == 0
    assert config(["backup_interval_hours", "1.5"], cfg).returncode == 0
    assert config(["library_path", str(tmp_path / "mylib")], cfg).returncode == 0
    assert json.loads((cfg / "settings.json").read_text(encoding="utf-8")) == {
        "theme": "dark", "backup_keep": 4, "backup_interval_hours": 1.5, "library_path": str(tmp_path / "mylib")}
    assert config(["theme"], cfg).stdout == "dark\n"
    rows = {row["key"]: row for row in json.loads(config(["--json"], cfg).stdout)["settings"]}
    assert rows["theme"]["source"] == "file" and rows["backup_keep"]["value"] == 4
    assert rows["language"]["source"] == "default"

    text = config([], cfg).stdout
    assert "theme" in text and "dark" in text and "[file]" in text and str(cfg / "settings.json") in text

    assert config(["theme", "--unset"], cfg).returncode == 0
    assert config(["theme"], cfg).stdout == "system\n"
    assert "theme" not in json.loads((cfg / "settings.json").read_text(encoding="utf-8"))
    assert config(["--path"], cfg).stdout.strip() == str(cfg / "settings.json")


@pytest.mark.parametrize("args, needle", [
    (["theme", "purple"], "must be one of system, light, dark"),
    (["backup_keep", "0"], "positive whole number"),
    (["backup_keep", "many"], "positive whole number"),
    (["backup_interval_hours", "nan"], "finite"),
    (["colour", "red"], "unknown setting 'colour'"),
    (["template_dir", "/nonexistent/readerapp-templates"], "does not exist"),
])
def test_config_rejects_bad_values_in_one_line(tmp_path, args, needle):
    cfg = tmp_path / "cfg"
    config(["language", "en"], cfg)
    before = (cfg / "settings.json").read_text(encoding="utf-8")
    r = config(args, cfg)
    assert r.returncode == 2 and needle in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert (cfg / "settings.json").read_text(encoding="utf-8") == before  # nothing changed


def test_config_library_path_must_not_be_a_file(tmp_path):
    cfg = tmp_path / "cfg"
    f = tmp_path / "afile"
    f.write_text("x")
    r = config(["library_path", str(f)], cfg)
    assert r.returncode == 2 and "is a file" in r.stderr


def test_config_keeps_unknown_keys_and_bad_entries_it_did_not_touch(tmp_path):
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "settings.json").write_text(json.dumps({"future_key": [1, 2], "theme": "blue"}), encoding="utf-8")
    r = config(["--json"], cfg)
    info = json.loads(r.stdout)
    assert r.returncode == 0 and len(info["problems"]) == 2
    assert {row["key"]: row["source"] for row in info["settings"]}["theme"].startswith("default (")
    assert config(["language", "zh_CN"], cfg).returncode == 0
    assert json.loads((cfg / "settings.json").read_text(encoding="utf-8")) == {
        "future_key": [1, 2], "theme": "blue", "language": "zh_CN"}


def test_config_set_moves_an_unreadable_file_aside(tmp_path):
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "settings.json").write_text("{oops", encoding="utf-8")
    shown = config([], cfg)
    assert shown.returncode == 0 and "unreadable" in shown.stderr and "Traceback" not in shown.stderr
    r = config(["theme", "light"], cfg)
    assert r.returncode == 0 and "moved to" in r.stderr
    broken = list(cfg.glob("settings.json.broken-*"))
    assert len(broken) == 1 and broken[0].read_text(encoding="utf-8") == "{oops"  # the user's text is kept
    assert json.loads((cfg / "settings.json").read_text(encoding="utf-8")) == {"theme": "light"}


def test_config_shows_the_environment_override(tmp_path):
    cfg = tmp_path / "cfg"
    rows = json.loads(config(["--json"], cfg, READERAPP_LIBRARY=str(tmp_path / "envlib")).stdout)["settings"]
    lib = next(r for r in rows if r["key"] == "library_path")
    assert lib["effective"] == str(tmp_path / "envlib") and "READERAPP_LIBRARY" in lib["source"]
