"""User settings: one JSON file in the user's config folder (platformdirs).

Documented keys (README, "Settings"):

==================== ========================================= ==========================
key                  meaning                                   default
==================== ========================================= ==========================
library_path         library folder used when none is given    (user data dir)/library
embedding_model      sentence-transformers model name or folder all-MiniLM-L6-v2 (packaged)
embedding_device     "auto", "cpu" or "cuda"                   auto
theme                "system", "light" or "dark"               system
language             "system", "en" or "zh_CN"                 system
export_style         table | dated | venue | digest            table
export_language      "zh" or "en" labels in exported lists     zh
template_dir         folder with user export templates         (user config dir)/templates
backup_keep          backups of the user library to keep       10
backup_interval_hours hours between automatic backups          6
ocr_language         Tesseract language(s), e.g. "eng+chi_sim" eng
lookup_online        allow `readerapp lookup` to ask arXiv,    false
                     Crossref and DBLP for metadata
==================== ========================================= ==========================

A settings file that cannot be read, or holds bad values, is reported (logged,
and returned in ``Settings.problems``) and the defaults are used: never a crash.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from readerapp.core.models import EXPORT_STYLES
from readerapp.core.paths import user_config_dir

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
DEFAULT_MODEL = "all-MiniLM-L6-v2"

_CHOICES = {
    "embedding_device": ("auto", "cpu", "cuda", "mps"),
    "theme": ("system", "light", "dark"),
    "language": ("system", "en", "zh_CN"),
    "export_style": EXPORT_STYLES,
    "export_language": ("zh", "en"),
}


@dataclass
class Settings:
    library_path: str | None = None
    embedding_model: str = DEFAULT_MODEL
    embedding_device: str = "auto"
    theme: str = "system"
    language: str = "system"
    export_style: str = "table"
    export_language: str = "zh"
    template_dir: str | None = None
    backup_keep: int = 10
    backup_interval_hours: float = 6.0
    ocr_language: str = "eng"
    lookup_online: bool = False
    problems: list[str] = field(default_factory=list, repr=False, compare=False)

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("problems")
        return data


def settings_path() -> Path:
    return user_config_dir() / SETTINGS_FILE


def _check(name: str, value, default):
    if name in _CHOICES:
        if value not in _CHOICES[name]:
            raise ValueError(f"must be one of {', '.join(_CHOICES[name])}")
        return value
    if isinstance(default, bool):
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
            return value.strip().lower() in ("true", "yes", "on", "1")
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if default is None:
        if value is not None and not isinstance(value, str):
            raise ValueError("must be a text or null")
        return value
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError("must be a positive whole number")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError("must be a positive number")
        return float(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty text")
    return value


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    settings = Settings()
    if not path.exists():
        return settings
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("the file does not hold a JSON object")
    except (OSError, ValueError) as exc:
        msg = f"settings file {path} is unreadable ({exc}); using the defaults"
        log.warning(msg)
        settings.problems.append(msg)
        return settings
    defaults = {f.name: f.default for f in fields(Settings) if f.name != "problems"}
    for key, value in data.items():
        if key not in defaults:
            settings.problems.append(f"settings: unknown key {key!r} ignored")
            continue
        try:
            setattr(settings, key, _check(key, value, defaults[key]))
        except ValueError as exc:
            settings.problems.append(f"settings: {key} {exc}; using {defaults[key]!r}")
    for problem in settings.problems:
        log.warning(problem)
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write atomically (temp file + rename) so a crash never leaves half a file."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(settings.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
