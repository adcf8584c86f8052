"""Metadata extraction on arbitrary first pages and document info: always an
ExtractedMetadata with sane types, never an exception, bounded time."""

from __future__ import annotations

import re
import time

import pymupdf
from hypothesis import example, given, settings, strategies as st

from readerapp.core.metadata import ExtractedMetadata, extract_metadata

METADATA_EXAMPLES = 300

_fragments = st.sampled_from([
    "arXiv:1502.03167v3 [cs.LG] 2 Mar 2015", "arXiv:", "[cs.CL]", "arXiv:hep-th/9901001", "doi:10.1000/xyz123",
    "https://doi.org/10.48550/arXiv.1706.03762", "10.", "github.com/", "https://github.com/a/b", "Published as a "
    "conference paper at ICLR 2015", "Advances in Neural Information Processing Systems 27", "Journal of Machine "
    "Learning Research 15 (2014)", "Abstract", "Introduction", "∗", "†", "University of Toronto", "and", ",", ";",
    "\n", "  ", "1999", "2049", "0000", "CVPR", "Proceedings of the", "摘要", "清华大学", "张三", "李四",
    "ﬁ", "\u00ad", "\x0c", "Ⅻ", "𝔸𝕓", "", "A" * 300,
])
_FONT = pymupdf.Font("cjk")  # Latin and CJK glyphs, as in real first pages
page_text = st.one_of(st.text(max_size=400), st.lists(_fragments, max_size=30).map(" ".join))


def _doc(lines: list[tuple[str, float]], info_title: str, info_author: str) -> pymupdf.Document:
    doc = pymupdf.open()
    page = doc.new_page()
    y = 60.0
    for text, size in lines:
        if y > 760:
            break
        # TextWriter measures glyphs in C and keeps CJK text extractable; page.insert_text rebuilds a width
        # table up to the highest code point of each line in Python (~0.4 s for one astral character).
        writer = pymupdf.TextWriter(page.rect)
        try:
            writer.append((50, y), text, font=_FONT, fontsize=size)
            writer.write_text(page)
        except Exception:  # text the font cannot lay out: skip that line
            pass
        y += size * 1.4
    doc.set_metadata({"title": info_title, "author": info_author})
    return doc


def _check(meta) -> None:
    assert isinstance(meta, ExtractedMetadata)
    d = meta.as_dict()
    assert set(d) == {"title", "authors", "year", "venue", "arxiv_id", "doi", "code_url", "review"}
    assert isinstance(d["review"], dict) and all(isinstance(v, str) for v in d["review"].values())
    assert d["title"] is None or isinstance(d["title"], str)
    assert isinstance(d["authors"], list) and all(isinstance(a, str) and a for a in d["authors"])
    assert d["year"] is None or (isinstance(d["year"], int) and 1000 <= d["year"] <= 2200)
    if d["arxiv_id"]:
        assert re.fullmatch(r"\d{4}\.\d{4,5}|[a-z][a-z.\-]+/\d{7}", d["arxiv_id"], re.I)
    if d["doi"]:
        assert d["doi"].startswith("10.")


@settings(max_examples=METADATA_EXAMPLES, deadline=None)
@example(lines=[("Published as a conference paper at I 012", 22.0)], texts=[], info_title="", info_author="")
@given(lines=st.lists(st.tuples(page_text, st.floats(4, 40)), max_size=12),
       texts=st.lists(page_text, max_size=3), info_title=st.text(max_size=80), info_author=st.text(max_size=80))
def test_extract_metadata_never_raises(lines, texts, info_title, info_author):
    doc = _doc(lines, info_title, info_author)
    t = time.perf_counter()
    try:
        _check(extract_metadata(doc))  # from the page itself
        _check(extract_metadata(doc, texts))  # with page texts that need not match the layout
        _check(extract_metadata(doc, []))
    finally:
        doc.close()
    assert time.perf_counter() - t < 5.0


def test_extract_metadata_on_an_empty_document():
    doc = pymupdf.open()
    _check(extract_metadata(doc, []))
    doc.close()


# ------------------------------------------------------------------ bad first pages, each under 1 s
def _huge_page_doc(chars: int) -> pymupdf.Document:
    """A first page with `chars` characters of text, written as raw drawing instructions
    (laying out megabytes with TextWriter would take minutes)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((10, 10), "x", fontname="helv", fontsize=2)  # registers the font resource /helv
    line = b"(lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor) '\n"
    block = line * 480 + b"0 768 Td\n"  # 480 lines down the page, then back up: all of it on the page
    body = b"BT /helv 1.5 Tf 1.6 TL 10 800 Td\n" + block * (chars // (75 * 480) + 1) + b"ET\n"
    doc.update_stream(page.get_contents()[0], body)
    return doc


def _image_only_doc() -> pymupdf.Document:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 300, 400), False)
    pix.clear_with(200)
    page.insert_image(page.rect, pixmap=pix)
    return doc


HOSTILE = ("\u202e\u202dTitle\u200b\u200d\u2066 of a paper\ufeff" + "e\u0301\u0302\u0303\u0304" * 200 +
           "\x00\x07" + "𝔸𝕓𝕔" * 50 + "\ud7ff\ue000\uf8ff" * 100 + "ﷺ" * 20 + "A" * 5000)


def _timed(doc, texts=None):
    t = time.perf_counter()
    meta = extract_metadata(doc, texts)
    elapsed = time.perf_counter() - t
    _check(meta)
    return meta, elapsed


def test_megabytes_of_first_page_text_fall_back_in_under_1s():
    doc = _huge_page_doc(2_000_000)
    try:
        text = doc[0].get_text()
        assert len(text) > 1_500_000
        meta, elapsed = _timed(doc, [text])  # the importer passes the text it extracted
        assert elapsed < 1.0 and meta.title is None and "title" in meta.review
        meta, elapsed = _timed(doc, ["x" * 3_000_000, "y" * 3_000_000])
        assert elapsed < 1.0
    finally:
        doc.close()


def test_no_text_image_only_and_hostile_unicode_fall_back_in_under_1s():
    for doc, texts in ((pymupdf.open(), []), (_image_only_doc(), [""]), (_image_only_doc(), None)):
        if doc.page_count == 0:
            doc.new_page()
        meta, elapsed = _timed(doc, texts)
        assert elapsed < 1.0 and meta.title is None
        doc.close()
    doc = _doc([(HOSTILE, 24), (HOSTILE[:400], 11)] * 3, HOSTILE, HOSTILE)
    try:
        for texts in (None, [HOSTILE * 50], [HOSTILE] * 3):
            meta, elapsed = _timed(doc, texts)
            assert elapsed < 1.0
            assert meta.title is None or len(meta.title) <= 500
    finally:
        doc.close()
