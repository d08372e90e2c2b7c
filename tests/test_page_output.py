"""Sheets are written once as a PDF; the PNGs are its pages drawn by PDFium (render/page.save_pages)."""

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image
from pypdf import PdfReader

from landgeo.render.page import A4_LANDSCAPE_IN, save_pages, save_png


def _page(colour: str) -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE_IN)
    ax = fig.add_axes([0.1, 0.1, 0.5, 0.5])
    ax.set_axis_off()
    ax.add_patch(Rectangle((0, 0), 1, 1, color=colour))
    fig.text(0.7, 0.5, "Forêt – 10 km² … →", fontsize=12)
    return fig


def _rgb(path):
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB")), im.info.get("dpi")


def test_each_png_is_its_pdf_page_at_the_resolution_asked(tmp_path):
    pdf, first, second = tmp_path / "s.pdf", tmp_path / "1.png", tmp_path / "2.png"
    out = save_pages([_page("#ff0000"), _page("#0000ff")], pdf=pdf, pngs=[first, second], dpi=150)
    assert out == [pdf, first, second]
    assert len(PdfReader(pdf).pages) == 2
    for path, colour in ((first, (255, 0, 0)), (second, (0, 0, 255))):
        rgb, dpi = _rgb(path)
        assert rgb.shape == (int(8.27 * 150), int(11.69 * 150), 3)  # whole pixels, as Agg cuts them
        assert dpi == pytest.approx((150, 150), abs=0.02)  # PNG stores whole pixels per metre
        # the square fills 0.1-0.6 of the page: its centre has the colour, the corner is white paper
        h, w, _ = rgb.shape
        assert tuple(rgb[int(h * 0.65), int(w * 0.35)]) == colour  # rows count from the top
        assert tuple(rgb[5, 5]) == (255, 255, 255)
        # text was drawn right of the square: dark pixels there, none in the empty band below it
        assert (rgb[int(h * 0.45):int(h * 0.55), int(w * 0.7):int(w * 0.95)] < 100).any()
        assert not (rgb[int(h * 0.92):, int(w * 0.7):] < 250).any()


def test_a_png_alone_writes_no_pdf_and_the_pages_without_png_are_left_out(tmp_path):
    png = tmp_path / "only.png"
    out = save_pages([_page("#00ff00"), _page("#ff0000")], pngs=[None, png], dpi=72)
    assert out == [png] and sorted(p.name for p in tmp_path.iterdir()) == ["only.png"]
    rgb, _ = _rgb(png)
    assert tuple(rgb[int(rgb.shape[0] * 0.65), int(rgb.shape[1] * 0.35)]) == (255, 0, 0)


def test_save_png_matches_the_pdf_page(tmp_path):
    fig = _page("#123456")
    save_png(fig, tmp_path / "a.png", dpi=100)
    save_pages([fig], pdf=tmp_path / "a.pdf", pngs=[tmp_path / "b.png"], dpi=100)
    assert np.array_equal(_rgb(tmp_path / "a.png")[0], _rgb(tmp_path / "b.png")[0])
    assert (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"
    assert io.BytesIO((tmp_path / "a.png").read_bytes()).read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_page_whose_texts_have_format_characters_is_written(tmp_path):
    """Every page goes through save_pages, which cleans its texts: a BOM would break the PDF backend."""
    fig = Figure(figsize=(4, 3))
    fig.suptitle("\ufeffForêt\u202e")
    fig.add_subplot().set_title("Kora\u2066 Sud\x07")
    out = save_pages([fig], pdf=tmp_path / "p.pdf", pngs=[tmp_path / "p.png"])
    assert out == [tmp_path / "p.pdf", tmp_path / "p.png"]
    text = PdfReader(tmp_path / "p.pdf").pages[0].extract_text()
    assert "Forêt" in text and "Kora" in text and "\ufeff" not in text
