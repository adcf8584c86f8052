"""Export a COPY of a paper's PDF with its highlights and comments as real PDF
annotations (highlight / underline / square), so other viewers show them.
The original file is never opened for writing."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from readerapp.core.errors import InvalidValue, NotFound, ReaderError


def _rgb(color: str) -> tuple[float, float, float]:
    c = (color or "").strip().lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    try:
        return tuple(int(c[i:i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]
    except (ValueError, IndexError):
        return (1.0, 0.83, 0.0)


def export_annotated_pdf(lib, paper_id: int, out: str | Path) -> dict:
    """Write the annotated copy to `out`; returns {"path", "annotations", "skipped"}."""
    import pymupdf

    paper = lib.get_paper(paper_id)
    if not paper.path:
        raise NotFound(f"paper {paper_id} has no PDF (it came from a list; import its PDF first)")
    src = Path(paper.path)
    if not src.is_file():
        raise NotFound(f"the PDF of paper {paper_id} is missing: {src} (use `readerapp relocate`)")
    out = Path(out).expanduser()
    if out.exists() and out.resolve() == src.resolve():
        raise InvalidValue("the annotated copy cannot overwrite the original PDF; choose another file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + out.name + ".", suffix=".tmp", dir=str(out.parent))
    os.close(fd)
    count = skipped = 0
    try:
        shutil.copyfile(src, tmp)  # the original is only read
        doc = pymupdf.open(tmp)
        try:
            for h in lib.highlights(paper_id):
                if not 0 <= h.page < doc.page_count or not h.quads:
                    skipped += 1
                    continue
                page = doc[h.page]
                quads = [pymupdf.Quad((q[0], q[1]), (q[2], q[3]), (q[4], q[5]), (q[6], q[7])) for q in h.quads]
                if h.kind == "area":
                    rect = pymupdf.Rect()
                    for q in quads:
                        rect |= q.rect
                    annot = page.add_rect_annot(rect)
                    annot.set_colors(stroke=_rgb(h.color))
                elif h.kind == "underline":
                    annot = page.add_underline_annot(quads)
                    annot.set_colors(stroke=_rgb(h.color))
                else:
                    annot = page.add_highlight_annot(quads)
                    annot.set_colors(stroke=_rgb(h.color))
                info = {"content": h.comment or "", "title": "readerapp"}
                if h.text:
                    info["subject"] = h.text[:200]
                annot.set_info(info)
                annot.update()
                count += 1
            doc.save(tmp + ".out", garbage=1, deflate=True)
        finally:
            doc.close()
        os.replace(tmp + ".out", out)
    except (RuntimeError, ValueError) as exc:
        raise ReaderError(f"cannot write the annotated PDF: {exc}") from None
    finally:
        for leftover in (tmp, tmp + ".out"):
            try:
                os.unlink(leftover)
            except OSError:
                pass
    return {"path": str(out), "annotations": count, "skipped": skipped}
