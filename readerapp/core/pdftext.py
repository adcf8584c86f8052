"""Text and metadata extraction from one PDF, run inside a worker process."""

from __future__ import annotations

import logging
import os
import shutil

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 20  # a page with fewer characters counts as having no text layer


def warm_up() -> None:
    """Worker initializer: import PyMuPDF (and the metadata module) before the first file."""
    import pymupdf  # noqa: F401

    try:
        import readerapp.core.metadata  # noqa: F401
    except ImportError:
        pass


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def extract_file(path: str, *, ocr: bool = False, ocr_language: str = "eng") -> dict:
    """Extract per-page text and metadata of the PDF at `path`.

    Returns {"pages": [str, ...], "page_count": int, "metadata": dict,
    "text_status": "ok"|"no-text"|"ocr", "page_errors": int} or
    {"error": "one-line reason"}. Never raises.
    """
    try:
        import pymupdf
    except Exception as exc:  # pragma: no cover - broken installation
        return {"error": f"PyMuPDF is not available: {exc}"}
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:
        return {"error": f"not a readable PDF ({_short(exc)})"}
    try:
        if doc.needs_pass:
            return {"error": "the PDF is password-protected"}
        if doc.page_count == 0:
            return {"error": "the PDF has no pages"}
        pages: list[str] = []
        page_errors = 0
        for page in doc:
            try:
                pages.append(page.get_text())
            except Exception:
                page_errors += 1
                pages.append("")
        if page_errors == doc.page_count:
            return {"error": "no page of the PDF could be read (damaged file)"}
        text_status = "ok"
        if not any(len(p.strip()) >= MIN_TEXT_CHARS for p in pages):
            text_status = "no-text"
            if ocr and tesseract_available():
                ocr_pages = _ocr_pages(doc, ocr_language)
                if any(len(p.strip()) >= MIN_TEXT_CHARS for p in ocr_pages):
                    pages, text_status = ocr_pages, "ocr"
        metadata = _metadata(doc, pages)
        return {
            "pages": pages,
            "page_count": doc.page_count,
            "metadata": metadata,
            "text_status": text_status,
            "page_errors": page_errors,
        }
    except Exception as exc:
        return {"error": f"extraction failed ({_short(exc)})"}
    finally:
        doc.close()


def _metadata(doc, pages: list[str]) -> dict:
    try:
        from readerapp.core.metadata import extract_metadata
    except ImportError:  # pragma: no cover - during bootstrap only
        title = (doc.metadata or {}).get("title") or ""
        return {"title": title.strip()}
    try:
        return extract_metadata(doc, pages).as_dict()
    except Exception:
        log.exception("metadata extraction failed")
        return {}


def _ocr_pages(doc, language: str) -> list[str]:
    out = []
    for page in doc:
        try:
            tp = page.get_textpage_ocr(language=language, dpi=300, full=True)
            out.append(page.get_text(textpage=tp))
        except Exception as exc:
            log.warning("OCR failed on page %s: %s", page.number + 1, exc)
            out.append("")
    return out


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
