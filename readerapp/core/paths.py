"""Where readerapp keeps things: user folders, packaged data, the default library."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "readerapp"

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _data_root(name: str) -> Path:
    """Packaged data folder `name` (db, resources).

    In a wheel the folders live in ``readerapp/_data``; in a source checkout
    (editable install, tests) they are at the repository root.
    """
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name


def migrations_dir() -> Path:
    return _data_root("db")


def resources_dir() -> Path:
    return _data_root("resources")


def _platformdirs():
    import platformdirs

    return platformdirs.PlatformDirs(APP_NAME, appauthor=False)


def user_data_dir() -> Path:
    override = os.environ.get("READERAPP_DATA_DIR")
    return Path(override) if override else Path(_platformdirs().user_data_dir)


def user_config_dir() -> Path:
    override = os.environ.get("READERAPP_CONFIG_DIR")
    return Path(override) if override else Path(_platformdirs().user_config_dir)


def user_log_dir() -> Path:
    override = os.environ.get("READERAPP_LOG_DIR")
    return Path(override) if override else Path(_platformdirs().user_log_dir)


def user_cache_dir() -> Path:
    """Derived data that can be rebuilt at any time (e.g. the ONNX export of the embedding model)."""
    override = os.environ.get("READERAPP_CACHE_DIR")
    return Path(override) if override else Path(_platformdirs().user_cache_dir)


def default_library_dir() -> Path:
    return user_data_dir() / "library"


def resolve_library_dir(cli_value: str | os.PathLike | None = None) -> Path:
    """The library folder: --library, else $READERAPP_LIBRARY, else the settings file, else the default."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("READERAPP_LIBRARY")
    if env:
        return Path(env).expanduser()
    try:
        from readerapp.core.settings import load_settings

        configured = load_settings().library_path
    except Exception:  # a broken settings file never stops the app
        configured = None
    if configured:
        return Path(configured).expanduser()
    return default_library_dir()
