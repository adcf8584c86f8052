"""The `theme` setting: system, light or dark (a Fusion palette), and the few colours the app
draws itself (secondary text, error text, comment text, Markdown preview cards), derived from
the palette so that both themes keep WCAG contrast >= 4.5:1 (tests/gui/test_theme_contrast.py)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_system_style: str | None = None
_system_palette: QPalette | None = None


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(30, 30, 32), QColor(45, 45, 48), QColor(220, 220, 220)
    disabled = QColor(127, 127, 127)
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, QColor(40, 40, 43))
    p.setColor(QPalette.ColorRole.ToolTipBase, QColor(60, 60, 64))
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150))  # 4.7:1 on Window, 5.6:1 on Base
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, window)
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.BrightText, QColor(255, 90, 90))
    p.setColor(QPalette.ColorRole.Link, QColor(100, 160, 255))
    p.setColor(QPalette.ColorRole.Highlight, QColor(50, 110, 200))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.Light, QColor(70, 70, 74))
    p.setColor(QPalette.ColorRole.Midlight, QColor(60, 60, 64))
    p.setColor(QPalette.ColorRole.Mid, QColor(40, 40, 43))
    p.setColor(QPalette.ColorRole.Dark, QColor(20, 20, 22))
    p.setColor(QPalette.ColorRole.Shadow, QColor(0, 0, 0))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def light_palette() -> QPalette:
    from PySide6.QtWidgets import QStyleFactory

    p = QStyleFactory.create("Fusion").standardPalette()
    # Fusion's selection blue (#308cc6) gives white text 3.7:1; this one 5.3:1
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Highlight, QColor("#2f6db5"))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return p


def apply_theme(theme: str) -> str:
    """Apply "system", "light" or "dark" to the running application; returns the effective scheme."""
    global _system_style, _system_palette
    app = QApplication.instance()
    if app is None:
        return theme
    if _system_style is None:
        _system_style = app.style().name()
        _system_palette = QPalette(app.palette())
    if theme == "system":
        hints = QGuiApplication.styleHints()
        from PySide6.QtCore import Qt

        if hints.colorScheme() == Qt.ColorScheme.Dark:
            app.setStyle("Fusion")
            app.setPalette(dark_palette())
            return "dark"
        app.setStyle(_system_style)
        app.setPalette(_system_palette)
        return "light"
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme == "dark" else light_palette())
    return theme


# ---------------------------------------------------------------- derived colours
MIN_CONTRAST = 4.5


def luminance(c: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""
    def ch(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def is_dark(palette: QPalette | None = None) -> bool:
    pal = palette or QApplication.palette()
    return luminance(pal.color(QPalette.ColorRole.Window)) < 0.2


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


def secondary_text(palette: QPalette | None = None) -> QColor:
    """A dimmer text colour (author/year lines, 'All changes saved') that still reads >= 4.5:1
    on both the window and the base colour."""
    pal = palette or QApplication.palette()
    text = pal.color(QPalette.ColorRole.WindowText)
    bgs = (pal.color(QPalette.ColorRole.Window), pal.color(QPalette.ColorRole.Base))
    t = 0.45
    while t > 0:
        c = _mix(text, bgs[0], t)
        if all(contrast(c, bg) >= MIN_CONTRAST + 0.2 for bg in bgs):
            return c
        t -= 0.05
    return QColor(text)


def error_text(palette: QPalette | None = None) -> QColor:
    return QColor("#ff8a80") if is_dark(palette) else QColor("#b00020")


def comment_text(palette: QPalette | None = None) -> QColor:
    """Highlight comments in the list (a blue that is not a link)."""
    return QColor("#8ab4f8") if is_dark(palette) else QColor("#1f5fa8")


def preview_style(palette: QPalette | None = None) -> tuple[str, str]:
    """(widget style sheet, document CSS) of a Markdown preview card in the current theme."""
    if is_dark(palette):
        bg, fg, bar, quote, code, pre, rule = "#26262a", "#dcdcdc", "#6a6450", "#b4b4b4", "#34343a", "#303036", "#5a5a5a"
    else:
        bg, fg, bar, quote, code, pre, rule = "#f6f5f0", "#202020", "#c9c4b0", "#555555", "#e8e8e8", "#ececec", "#bbbbbb"
    widget = (f"QTextBrowser {{ background: {bg}; color: {fg}; border-left: 3px solid {bar};"
              " border-radius: 2px; padding: 2px 4px; }")
    css = (f"blockquote {{ color: {quote}; margin-left: 10px; }} code {{ font-family: monospace; background-color: "
           f"{code}; }} pre {{ background-color: {pre}; }} span.img {{ color: {quote}; }} "
           f"td, th {{ border: 1px solid {rule}; padding: 2px 4px; }} a {{ color: {comment_text(palette).name()}; }}")
    return widget, css


def set_text_color(widget, color: QColor) -> None:
    """Give a label its own text colour (no style sheet: it follows later palette changes cheaply)."""
    pal = widget.palette()
    if pal.color(QPalette.ColorRole.WindowText) != color:
        pal.setColor(QPalette.ColorRole.WindowText, color)
        pal.setColor(QPalette.ColorRole.Text, color)
        widget.setPalette(pal)
