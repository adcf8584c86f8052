"""PDFs made by the tests: well-formed ones with known text, and bad ones."""

from __future__ import annotations

from pathlib import Path

import pymupdf


def make_pdf(path: Path, pages: list[str] | None = None, *, title: str | None = None,
             authors: str = "Ada Lovelace and Alan Turing", fontsize: float = 11) -> Path:
    """A PDF whose first page carries a big title and an author line, then body text."""
    pages = pages if pages is not None else ["Body text about neural networks and attention."]
    doc = pymupdf.open()
    for i, text in enumerate(pages):
        page = doc.new_page(width=612, height=792)
        y = 72
        if i == 0 and title:
            page.insert_textbox(pymupdf.Rect(72, y, 540, y + 60), title, fontsize=20, align=1)
            y += 70
            page.insert_textbox(pymupdf.Rect(72, y, 540, y + 20), authors, fontsize=11, align=1)
            y += 40
        page.insert_textbox(pymupdf.Rect(72, y, 540, 720), text, fontsize=fontsize)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    doc.close()
    return path


def make_cjk_pdf(path: Path, text: str) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_textbox(pymupdf.Rect(72, 72, 540, 720), text, fontname="china-s", fontsize=12)
    doc.save(str(path))
    doc.close()
    return path


def make_encrypted_pdf(path: Path, password: str = "secret") -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "confidential text")
    doc.save(str(path), encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw=password, user_pw=password)
    doc.close()
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A page with a drawing and no text layer (like a scan)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.draw_rect(pymupdf.Rect(100, 100, 400, 300), color=(0, 0, 0), fill=(0.5, 0.5, 0.5))
    doc.save(str(path))
    doc.close()
    return path
