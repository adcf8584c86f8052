"""Text and metadata extraction from one PDF, run inside a worker process."""

from __future__ import annotations

import logging
import os
import re
import shutil

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 20  # a page with fewer characters counts as having no text layer
TEXT_STATUSES = ("ok", "no-text", "ocr", "garbled")


def warm_up() -> None:
    """Worker initializer: import PyMuPDF (and the metadata module) before the first file."""
    import pymupdf  # noqa: F401

    try:
        import readerapp.core.metadata  # noqa: F401
    except ImportError:
        pass


def tesseract_available() -> bool:
    """Tesseract is installed with its language data (Debian/Ubuntu: apt package tesseract-ocr)."""
    return shutil.which("tesseract") is not None and tessdata_dir() is not None


_TESSDATA_GLOBS = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tesseract-ocr/tessdata",
                   "/usr/share/tessdata", "/usr/local/share/tessdata", "/usr/local/share/tesseract-ocr/*/tessdata",
                   "/opt/homebrew/share/tessdata", "/opt/local/share/tessdata",
                   "C:/Program Files/Tesseract-OCR/tessdata")
_tessdata_cache: list = []


def tessdata_dir() -> str | None:
    """The folder holding Tesseract's *.traineddata files, found without TESSDATA_PREFIX:
    $TESSDATA_PREFIX when it holds language data, else what `tesseract --list-langs`
    reports, else the usual install locations. Cached per process."""
    if _tessdata_cache:
        return _tessdata_cache[0]
    import glob
    import re
    import subprocess

    candidates = [os.environ.get("TESSDATA_PREFIX") or ""]
    exe = shutil.which("tesseract")
    if exe:
        try:
            out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=10)
            m = re.search(r'"([^"]+)"', out.stdout + out.stderr)
            if m:
                candidates.append(m.group(1))
        except (OSError, subprocess.SubprocessError):
            pass
        candidates.append(os.path.join(os.path.dirname(exe), "tessdata"))
    for pattern in _TESSDATA_GLOBS:
        candidates += sorted(glob.glob(pattern), reverse=True)
    found = next((c for c in candidates if c and glob.glob(os.path.join(c, "*.traineddata"))), None)
    _tessdata_cache.append(found)
    return found


def ocr_language(wanted: str) -> str:
    """`wanted` ("eng+chi_sim") reduced to the installed languages ("eng" when none is)."""
    folder = tessdata_dir()
    if folder is None:
        return "eng"
    have = [lang for lang in wanted.split("+") if os.path.isfile(os.path.join(folder, f"{lang}.traineddata"))]
    return "+".join(have) or "eng"


OCR_BUDGET_S = 80.0  # OCR stops after this long, well inside the importer's per-file time limit


def extract_file(path: str, *, ocr: bool = False, ocr_language: str = "eng",
                 ocr_budget_s: float = OCR_BUDGET_S) -> dict:
    """Extract per-page text and metadata of the PDF at `path`.

    Returns {"pages": [str, ...], "page_count": int, "metadata": dict,
    "text_status": "ok"|"no-text"|"ocr"|"garbled", "page_errors": int} or
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
        elif text_quality(pages) == "garbled":
            text_status = "garbled"  # a text layer of wrong glyphs: as good as none
        if text_status != "ok" and ocr and tesseract_available():
            ocr_pages = _ocr_pages(doc, ocr_language, ocr_budget_s)
            if any(len(p.strip()) >= MIN_TEXT_CHARS for p in ocr_pages) and text_quality(ocr_pages) != "garbled":
                pages, text_status = ocr_pages, "ocr"
        metadata = _metadata(doc, pages)
        if text_status == "garbled" and metadata:
            review = metadata.setdefault("review", {})
            for name in ("title", "authors"):
                review[name] = "the PDF's text layer is garbled (wrong glyphs): check it against the page"
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


# Frequent words of English and of the other languages papers are commonly written in (Latin script):
# prose has a third or more of its words among them, a garbled layer almost none.
_COMMON_WORDS = frozenset("""
the of and to in is that for it as was with be by on not he this are or his from at which but have an they
you were her she there been their one all we can has if more when will would who so no our these its also
than them may such into only other some two then what used using use each based however both between where
der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat
le la les de des et en un une du est que qui dans pour par sur pas au avec ce il sont ou plus
el los las y del se por con para una es al lo como más pero sus o este entre cuando
il di che e la per un non sono della le con si da del è al nel gli
o os as um uma não com para por mais dos das
het een van en de dat is op te zijn voor met
и в не на что с по как это для от из к у же но или
""".split())
_ODD = re.compile("[\ue000-\uf8ff\U000f0000-\U0010fffd\ufffd\x00-\x08\x0b\x0e-\x1f]")  # private use, U+FFFD, controls
_LETTER = re.compile(r"[^\W\d_]")
_WIDE = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]")  # CJK, kana, hangul
_SPACE = re.compile(r"\s")
_DIGIT = re.compile(r"\d")
_TOKEN = re.compile(r"[^\W\d_]+")
_OTHER_SCRIPT = re.compile("[\u0250-\u03ff\u0500-\U0010ffff]")  # scripts the word list does not cover
GARBLED_PAGE_SHARE = 0.5  # a document is garbled when at least this share of its judged pages is
PAGE_SAMPLE_CHARS = 8_000  # characters of a page that are judged


def page_quality(text: str) -> str | None:
    """"garbled", "ok", or None when the page says too little to tell (short pages, scripts
    without spaces between words, pages of numbers)."""
    text = text[:PAGE_SAMPLE_CHARS]
    chars = len(text) - len(_SPACE.findall(text))
    if chars < 200:
        return None
    if len(_ODD.findall(text)) > 0.3 * chars:
        return "garbled"
    letters = len(_LETTER.findall(text))
    if len(_WIDE.findall(text)) > 0.3 * max(1, letters):
        return None  # CJK, kana, hangul: words are not separated by spaces
    if letters < 0.4 * chars:
        # mostly symbols and punctuation is a broken font map; mostly digits is a table
        return "garbled" if len(_DIGIT.findall(text)) < 0.3 * chars else None
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < 40:
        return None
    if sum(1 for t in tokens if _OTHER_SCRIPT.match(t)) > 0.5 * len(tokens):
        return None
    common = sum(1 for t in tokens if t in _COMMON_WORDS) / len(tokens)
    return "garbled" if common < 0.04 else "ok"


def text_quality(pages: list[str], max_pages: int = 8) -> str:
    """"garbled" when most pages whose text can be judged are mostly non-words or
    private-use glyphs (a text layer with the wrong glyph mapping), else "ok"."""
    verdicts: list[str] = []
    for page in pages[:max_pages]:
        verdict = page_quality(page)
        if verdict is not None:
            verdicts.append(verdict)
        if len(verdicts) >= 3 and "garbled" not in verdicts:
            return "ok"  # three readable pages: a working text layer (most documents stop here)
    if verdicts and verdicts.count("garbled") >= GARBLED_PAGE_SHARE * len(verdicts):
        return "garbled"
    return "ok"


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


def _ocr_pages(doc, language: str, budget_s: float = OCR_BUDGET_S) -> list[str]:
    """OCR text of each page; pages left when the time budget runs out stay empty
    (a long scanned book is imported with its first pages searchable rather than
    failing the import's per-file time limit)."""
    import time

    out = []
    deadline = time.monotonic() + budget_s
    tessdata = tessdata_dir()  # given explicitly: PyMuPDF would otherwise need TESSDATA_PREFIX or probe per page
    language = ocr_language(language)
    for page in doc:
        if time.monotonic() > deadline:
            log.warning("OCR time budget spent: pages %s-%s left without text", page.number + 1, doc.page_count)
            out += [""] * (doc.page_count - page.number)
            break
        try:
            tp = page.get_textpage_ocr(language=language, dpi=300, full=True, tessdata=tessdata)
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
