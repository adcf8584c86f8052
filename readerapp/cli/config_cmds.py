"""config: show, get and set user settings (the settings file in the user's config folder)."""

from __future__ import annotations

import json
import sys
from dataclasses import fields
from pathlib import Path

from readerapp.cli import EXIT_OK, print_json

# One line per key for `readerapp config --help` and the table; the full
# documentation is in readerapp/core/settings.py and docs/install.md.
KEY_HELP = {
    "library_path": "library folder used when --library and $READERAPP_LIBRARY are not given",
    "embedding_model": "sentence-transformers model name or folder for semantic search",
    "embedding_device": "device for embeddings: auto, cpu, cuda or mps",
    "theme": "window theme: system, light or dark",
    "language": "interface language: system, en or zh_CN",
    "export_style": "default list style for export: table, dated, venue or digest",
    "export_language": "labels in exported lists: zh or en",
    "template_dir": "folder with your own export templates",
    "backup_keep": "automatic backups of the library to keep",
    "backup_interval_hours": "hours between automatic backups",
    "ocr_language": "Tesseract language(s) for scanned PDFs, e.g. eng+chi_sim",
    "lookup_online": "allow `readerapp lookup` to ask arXiv, Crossref and DBLP: true or false",
}
_PATH_KEYS = ("library_path", "template_dir")
_UNSET_WORDS = ("", "null", "none", "default")


def register(sub) -> None:
    keys = "\n".join(f"  {k:22} {v}" for k, v in KEY_HELP.items())
    import argparse

    p = sub.add_parser(
        "config", help="show, get or set settings",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Without KEY: every setting with its value and where it comes from (default, the "
                    "settings file, or the environment). With KEY: its value. With KEY VALUE: check the "
                    "value and save it. A bad settings file never stops readerapp: bad entries are "
                    "reported and their defaults used.\n\nKeys:\n" + keys)
    p.add_argument("key", nargs="?", metavar="KEY")
    p.add_argument("value", nargs="?", metavar="VALUE",
                   help="new value; 'default' (or an empty string) removes the key from the file")
    p.add_argument("--unset", action="store_true", help="remove KEY from the settings file (back to its default)")
    p.add_argument("--path", action="store_true", help="print the settings file's path and exit")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_config)


def _defaults() -> dict:
    from readerapp.core.settings import Settings

    return {f.name: f.default for f in fields(Settings) if f.name != "problems"}


def _raw_file(path: Path) -> tuple[dict | None, str | None]:
    """The settings file as a dict (None when absent), or an error text when unreadable."""
    if not path.exists():
        return None, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return None, str(exc)
    if not isinstance(data, dict):
        return None, "the file does not hold a JSON object"
    return data, None


def describe() -> dict:
    """Every key: value in effect, default, source, and the file's problems."""
    import os

    from readerapp.core.paths import default_library_dir
    from readerapp.core.settings import load_settings, settings_path

    path = settings_path()
    settings = load_settings(path)
    raw, error = _raw_file(path)
    defaults = _defaults()
    rows = []
    for key, default in defaults.items():
        value = getattr(settings, key)
        if raw is not None and key in raw:
            source = "file" if value == raw[key] or (isinstance(value, float) and value == raw[key]) \
                else "default (the file's value is invalid)"
        else:
            source = "default"
        row = {"key": key, "value": value, "default": default, "source": source, "help": KEY_HELP.get(key, "")}
        if key == "library_path":
            env = os.environ.get("READERAPP_LIBRARY")
            if env:
                row["effective"] = env
                row["source"] += "; overridden by $READERAPP_LIBRARY"
            elif value is None:
                row["effective"] = str(default_library_dir())
        rows.append(row)
    return {"path": str(path), "exists": path.exists(), "error": error, "settings": rows,
            "problems": list(settings.problems)}


def parse_value(key: str, text: str):
    """The command-line text converted to the key's type and checked like the settings file."""
    from readerapp.core.errors import InvalidValue
    from readerapp.core.settings import _check

    defaults = _defaults()
    if key not in defaults:
        raise InvalidValue(f"unknown setting {key!r}; known settings: {', '.join(defaults)}")
    default = defaults[key]
    value: object = text
    if isinstance(default, bool):
        value = text
    elif isinstance(default, int):
        try:
            value = int(text)
        except ValueError:
            raise InvalidValue(f"{key} must be a positive whole number, not {text!r}") from None
    elif isinstance(default, float):
        try:
            value = float(text)
        except ValueError:
            raise InvalidValue(f"{key} must be a positive number, not {text!r}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidValue(f"{key} must be a finite positive number, not {text!r}")
    elif key in _PATH_KEYS:
        folder = Path(text).expanduser().absolute()
        if folder.exists() and not folder.is_dir():
            raise InvalidValue(f"{key} must be a folder, and {folder} is a file")
        if key == "template_dir" and not folder.is_dir():
            raise InvalidValue(f"template_dir {folder} does not exist")
        value = str(folder)
    try:
        return _check(key, value, default)
    except ValueError as exc:
        raise InvalidValue(f"{key} {exc}, not {text!r}") from None


def _write_raw(path: Path, data: dict) -> None:
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def update_file(key: str, value, *, unset: bool = False) -> tuple[Path, str | None]:
    """Set or remove one key in the settings file, keeping every other entry as it is
    (unknown keys too: a newer readerapp may have written them). An unreadable file is
    moved aside to settings.json.broken-<time> first, never overwritten.
    Returns the file's path and the backup's path when one was made."""
    import time

    from readerapp.core.settings import settings_path

    path = settings_path()
    raw, error = _raw_file(path)
    moved = None
    if error is not None:
        backup = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
        path.replace(backup)
        moved = str(backup)
        raw = None
    data = dict(raw or {})
    if unset:
        data.pop(key, None)
    else:
        data[key] = value
    _write_raw(path, data)
    return path, moved


def _show(value) -> str:
    return "" if value is None else str(value)


def cmd_config(args) -> int:
    from readerapp.core.errors import InvalidValue
    from readerapp.core.settings import settings_path

    if args.path:
        print(settings_path())
        return EXIT_OK
    if args.key is None:
        if args.unset:
            raise InvalidValue("--unset needs a KEY")
        info = describe()
        if args.json:
            print_json(info)
            return EXIT_OK
        state = "" if info["exists"] else " (not created yet: all defaults)"
        print(f"settings file: {info['path']}{state}")
        for row in info["settings"]:
            shown = _show(row["value"]) or f"(unset: {row.get('effective', 'none')})"
            print(f"  {row['key']:22} = {shown:30}  [{row['source']}]")
        for problem in info["problems"]:
            print(f"problem: {problem}", file=sys.stderr)
        return EXIT_OK

    defaults = _defaults()
    if args.key not in defaults:
        raise InvalidValue(f"unknown setting {args.key!r}; known settings: {', '.join(defaults)}")
    if args.value is None and not args.unset:
        row = next(r for r in describe()["settings"] if r["key"] == args.key)
        if args.json:
            print_json(row)
        else:
            print(_show(row["value"]))
        return EXIT_OK
    if args.unset and args.value is not None:
        raise InvalidValue("give either VALUE or --unset, not both")
    unset = args.unset or args.value.strip().lower() in _UNSET_WORDS
    value = None if unset else parse_value(args.key, args.value)
    path, moved = update_file(args.key, value, unset=unset)
    if moved:
        print(f"the unreadable settings file was moved to {moved}", file=sys.stderr)
    if args.json:
        print_json({"key": args.key, "value": value if not unset else defaults[args.key], "path": str(path)})
    elif unset:
        print(f"{args.key} reset to its default ({_show(defaults[args.key]) or 'none'}) in {path}")
    else:
        print(f"{args.key} = {_show(value)} saved in {path}")
    return EXIT_OK
