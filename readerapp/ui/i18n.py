"""Loading the UI translation: readerapp's own .qm and Qt's qtbase .qm (standard dialogs).

The language comes from the `language` setting: "en", "zh_CN", or "system"
(the system locale: any Chinese locale but zh_TW/zh_HK picks Simplified Chinese,
everything else English). Source strings are English; "en" only installs readerapp_en.qm, which holds the
English plural forms ("1 paper", "2 papers").
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from readerapp.core.paths import resources_dir

log = logging.getLogger(__name__)

LANGUAGES = ("en", "zh_CN")


def translations_dir():
    return resources_dir() / "translations"


def resolve_language(setting: str | None, locale: QLocale | None = None) -> str:
    """The UI language for a `language` setting value ("system" follows the locale)."""
    if setting in LANGUAGES:
        return setting
    name = (locale or QLocale.system()).name()  # e.g. "zh_CN", "en_US"
    if name.startswith("zh") and name not in ("zh_TW", "zh_HK", "zh_MO"):
        return "zh_CN"
    return "en"


_installed: list[QTranslator] = []


def install_translation(language: str) -> str:
    """Install the translators for `language` (removing earlier ones); returns the language in effect."""
    app = QCoreApplication.instance()
    remove_translation()
    if app is None:
        return "en"
    if language not in LANGUAGES:
        language = "en"
    own = QTranslator(app)
    if not own.load(str(translations_dir() / f"readerapp_{language}.qm")):
        log.warning("no translation file for %s in %s", language, translations_dir())
        own.deleteLater()
        if language != "en":
            return install_translation("en")
        return "en"
    app.installTranslator(own)
    _installed.append(own)
    if language == "en":
        return "en"
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return language


def remove_translation() -> None:
    app = QCoreApplication.instance()
    while _installed:
        t = _installed.pop()
        if app is not None:
            app.removeTranslator(t)
        t.deleteLater()
