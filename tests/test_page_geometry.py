"""Page geometry, colour modes, find and history of the PDF view: pure code, tested without Qt."""

from __future__ import annotations

import subprocess
import sys

import pytest

from readerapp.ui import color_modes
from readerapp.ui.page_geometry import GAP, MARGIN, PT_TO_PX, TILE, PageLayout, intersect
from readerapp.ui.pdf_find import FindResults, find_chunks
from readerapp.ui.pdf_history import NavigationHistory
from readerapp.ui.pdf_selection import build_lines, caret, quad8, selection, word_at

SIZES = [(612.0, 792.0), (612.0, 792.0), (842.0, 595.0), (300.0, 400.0)]


def test_pure_modules_and_the_render_worker_import_no_qt():
    """The worker process and the pure parts of the view never load Qt."""
    code = ("import sys; import readerapp.ui.page_geometry, readerapp.ui.color_modes, readerapp.ui.pdf_find, "
            "readerapp.ui.pdf_history, readerapp.ui.pdf_selection, readerapp.ui.render_worker; "
            "print(sorted(m for m in sys.modules if m.startswith('PySide6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_layout_stacks_pages_and_maps_coordinates_both_ways():
    lay = PageLayout(SIZES, zoom=1.5)
    lay.layout(800)
    ppp = 1.5 * PT_TO_PX
    assert lay.page_y[0] == MARGIN
    for i in range(1, len(SIZES)):
        _, y, _, h = lay.page_rect(i - 1)
        assert lay.page_y[i] == y + h + GAP
    assert lay.content_w == pytest.approx(max(w for w, _ in SIZES) * ppp + 2 * MARGIN)
    for page in range(len(SIZES)):
        x, y, w, h = lay.page_rect(page)
        cx, cy = lay.to_content(page, 100.0, 50.0)
        assert lay.to_pdf(page, cx, cy) == pytest.approx((100.0, 50.0))
        assert lay.page_at(cx, cy) == page
        assert lay.page_at(x + w / 2, y + h / 2) == page
    # in the gap between two pages: no page, or the nearest one
    _, y0, _, h0 = lay.page_rect(0)
    assert lay.page_at(lay.content_w / 2, y0 + h0 + 2) == -1
    assert lay.page_at(lay.content_w / 2, y0 + h0 + 2, nearest=True) == 0
    assert lay.page_at(lay.content_w / 2, y0 + h0 + GAP - 2, nearest=True) == 1
    assert lay.position(lay.page_y[2] + 30 * ppp) == (2, pytest.approx(30.0))
    assert lay.most_visible((0, lay.page_y[1] + 5, 800, 300)) == 1
    assert list(lay.pages_in(0, lay.content_h)) == [0, 1, 2, 3]


@pytest.mark.parametrize("zoom,dpr", [(1.0, 1.0), (4.0, 1.0), (2.5, 2.0), (8.0, 1.25)])
def test_tiles_cover_each_page_exactly_once(zoom, dpr):
    lay = PageLayout(SIZES, zoom=zoom)
    lay.layout(1000)
    for page in range(len(SIZES)):
        w, h = SIZES[page]
        s = lay.device_scale(dpr)
        tiles = lay.tiles(page, dpr)
        ntx, nty = lay.tile_grid(page, dpr)
        assert len(tiles) == len(set(tiles)) == ntx * nty
        assert (ntx - 1) * TILE < w * s <= ntx * TILE + 1e-6
        assert (nty - 1) * TILE < h * s <= nty * TILE + 1e-6
        # a view rect gets exactly the tiles that meet it
        x, y, pw, ph = lay.page_rect(page)
        view = (x + pw / 3, y + ph / 3, 200.0, 150.0)
        got = set(lay.tiles(page, dpr, view))
        want = {t for t in tiles if intersect(lay.tile_rect(page, *t, dpr), view)}
        assert got == want and got


def test_fit_zoom():
    lay = PageLayout(SIZES)
    zw = lay.fit_zoom("fit_width", 900, 700, 0)
    assert 842 * PT_TO_PX * zw == pytest.approx(900 - 2 * MARGIN)
    zp = lay.fit_zoom("fit_page", 900, 700, 0)
    assert 792 * PT_TO_PX * zp <= 700 - 2 * GAP + 1e-6


def test_highlights_readable_in_every_mode():
    """Issue 14: the ink over a highlight keeps a WCAG contrast of 4.5:1 in normal, night and sepia."""
    palette = ["#ffd400", "#ff6666", "#5fb236", "#2ea8e5", "#a28ae5", "#e56eee", "#f19837", "#aaaaaa",
               "#000080", "#333333", "#ffffff", "not a colour"]
    for mode in color_modes.MODES:
        assert color_modes.contrast(color_modes.paper(mode), color_modes.ink(mode)) >= 7
        for c in palette:
            fill, comp = color_modes.highlight_fill(c, mode)
            assert comp == ("lighten" if mode == "night" else "multiply")
            assert color_modes.contrast(*color_modes.highlight_result(fill, mode)) >= 4.5, (mode, c, fill)
    assert color_modes.relative_luminance(color_modes.paper("night")) > 0.005  # not pure black
    assert color_modes.mode_tint("normal") is None
    with pytest.raises(ValueError):
        color_modes.check_mode("dark")


def test_find_results_come_in_any_order_and_the_first_from_the_start_page_is_shown():
    f = FindResults()
    f.clear("x", start=3)
    assert f.add_page(5, [(1,) * 8]) is True          # the first hit so far
    assert f.current() == (5, 0)
    assert f.add_page(3, [(2,) * 8, (3,) * 8]) is True  # page 3 (the start) came later: it comes first
    assert f.current() == (3, 0)
    assert f.add_page(0, [(4,) * 8]) is False         # before the start page: after all others
    assert f.current() == (3, 0) and f.total == 4
    assert f.step(1) == (3, 1) and f.step(1) == (5, 0) and f.step(1) == (0, 0)
    assert f.add_page(4, [(5,) * 8]) is False and f.current() == (0, 0)  # the user moved: stays
    assert find_chunks(10, 7, 4) == [[7, 8, 9, 0], [1, 2, 3, 4], [5, 6]]


def test_history_back_and_forward():
    h = NavigationHistory()
    assert h.back((0, 0.0)) is None
    h.push((1, 10.0))
    h.push((5, 0.0))
    assert h.back((9, 0.0)) == (5, 0.0)
    assert h.back((5, 0.0)) == (1, 10.0)
    assert h.forward((1, 10.0)) == (5, 0.0)
    h.push((2, 0.0))
    assert not h.can_go_forward()


def test_selection_text_and_quads():
    #        x0  y0  x1  y1  c    line block
    chars = [(0, 0, 5, 10, "a", 0, 0), (5, 0, 10, 10, "n", 0, 0), (10, 0, 15, 10, "-", 0, 0),
             (0, 12, 5, 22, "d", 1, 0), (5, 12, 10, 22, " ", 1, 0), (10, 12, 15, 22, "b", 1, 0),
             (0, 30, 5, 40, "c", 2, 1)]
    lines = build_lines(chars)
    assert [ln[4:6] for ln in lines] == [[0, 3], [3, 6], [6, 7]]
    quads, text = selection(chars, 0, 7)
    assert text == "and b\nc" and len(quads) == 3
    assert quads[0] == quad8((0, 0, 15, 10))
    assert caret(lines, chars, 6, 5) == 1 and caret(lines, chars, 100, 15) == 6
    assert word_at(chars, 11, 15) == (5, 6) and word_at(chars, 6, 15) is None


def test_facing_layout_puts_pages_in_pairs():
    sizes = [(612.0, 792.0)] * 5
    lay = PageLayout(sizes, zoom=1.0, facing=True)
    lay.layout(2000)
    assert lay.rows() == [[0, 1], [2, 3], [4]]
    r0, r1, r2 = lay.page_rect(0), lay.page_rect(1), lay.page_rect(2)
    assert r0[1] == r1[1] and r1[0] == r0[0] + r0[2] + GAP  # side by side, a gap between
    assert r2[1] == r0[1] + r0[3] + GAP                     # the next row below
    assert r0[0] + r0[2] + GAP + r1[2] / 2 == pytest.approx(lay.content_w / 2 + r1[2] / 2 + GAP / 2, abs=1)
    r4 = lay.page_rect(4)
    assert r4[0] == pytest.approx((lay.content_w - r4[2]) / 2, abs=1)  # a last odd page is centred
    # every page is found where it is drawn, and pages_in reports both pages of a row
    for i in range(5):
        x, y, w, h = lay.page_rect(i)
        assert lay.page_at(x + w / 2, y + h / 2) == i
        assert i in lay.pages_in(y + h / 2, y + h / 2)
    assert list(lay.pages_in(r1[1] + 5, r1[1] + 6)) == [0, 1]
    assert lay.position(r2[1] + 10)[0] == 2
    assert lay.page_at(r1[0] + r1[2] + 50, r1[1] + 10, nearest=True) == 1
    # fit width makes the pair as wide as the view
    z = lay.fit_zoom("fit_width", 1000, 800, 0)
    lay.zoom = z
    lay.layout(1000)
    assert lay.page_rect(0)[2] + GAP + lay.page_rect(1)[2] == pytest.approx(1000 - 2 * MARGIN, abs=2)
    assert lay.most_visible((0, r1[1], 1000, 100)) in (0, 1)
