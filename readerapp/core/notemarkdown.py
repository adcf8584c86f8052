"""Markdown of note fields rendered to safe HTML for a preview: raw HTML shown as
text, images replaced by their alt text, at most PREVIEW_CAP characters.
Thread-safe (one converter per thread): the UI renders long notes off its thread."""

from __future__ import annotations

import logging
import threading

import markdown
from markdown.treeprocessors import Treeprocessor

log = logging.getLogger(__name__)


class _NoImages(Treeprocessor):
    """Images become their alt text: the preview never loads anything."""

    def run(self, root):
        for el in root.iter("img"):
            alt = el.get("alt") or ""
            el.attrib.clear()
            el.tag = "span"
            el.set("class", "img")
            el.text = f"[{alt or 'image'}]"
        return root


PREVIEW_CAP = 8_000         # characters of a note field the preview renders (it shows at most 900 px anyway)

_local = threading.local()  # one Markdown converter per thread: they are not thread-safe


def _converter() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
        md.preprocessors.deregister("html_block")   # raw HTML blocks are text, not markup
        md.inlinePatterns.deregister("html")        # inline tags too
        md.treeprocessors.register(_NoImages(md), "readerapp_no_images", 0)
        _local.md = md
    return md


def render_markdown(text: str) -> str:
    """Markdown → HTML with raw HTML shown as text and images replaced by their alt text."""
    md = _converter()
    md.reset()
    try:
        return md.convert(text or "")
    except Exception as exc:  # never let a strange note break the editor
        log.warning("markdown rendering failed: %s", exc)
        return "<pre>" + (text or "").replace("&", "&amp;").replace("<", "&lt;") + "</pre>"


def capped(text: str, cap: int = PREVIEW_CAP) -> tuple[str, bool]:
    """The part of `text` the preview renders (cut at a line end) and whether it was cut."""
    if len(text) <= cap:
        return text, False
    cut = text.rfind("\n", 0, cap)
    return text[: cut if cut > cap // 2 else cap], True
