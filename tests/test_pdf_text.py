"""render/pdf_text: the faster PDF text path writes the PDF matplotlib writes, and puts matplotlib back."""

import io

import matplotlib
import matplotlib._text_helpers as text_helpers
import pytest
from matplotlib import patheffects
from matplotlib.backends import backend_pdf
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from landgeo.render import pdf_text as fast
from landgeo.render.page import RC

TEXTS = [
    "Forêt de Sanwi – 10 km² … → ≥ 5 %",  # accents and symbols outside Latin-1
    "AVATAR To Wa Ty",  # kerning pairs
    "Ανατολική Μακεδονία · Свердловская область",  # Greek and Cyrillic (DejaVu Sans has both)
    "no\u00a0break",
    "",
]


def _figure() -> Figure:
    fig = Figure(figsize=(6, 4))
    ax = fig.add_axes([0.1, 0.15, 0.5, 0.7])
    ax.plot([0, 1, 2], [2, 0, 1])
    ax.set_title("Mined area (ha) — 2015 → 2025", fontweight="bold")
    ax.set_xticks([0, 1, 2], ["2015", "2020", "São Tomé"])
    for i, s in enumerate(TEXTS):
        fig.text(0.62, 0.9 - 0.12 * i, s, fontsize=6 + i, rotation=15 * i, fontweight="bold" if i % 2 else "normal")
    # a halo label is drawn as outlines (text to path): its glyphs must still be loaded
    ax.text(0.5, 1.0, "Rivière Comoé", path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")],
            style="italic")
    fig.text(0.1, 0.02, "multi\nline", linespacing=1.4)
    return fig


def _pdf(fig, *, faster: bool) -> bytes:
    buf = io.BytesIO()
    with matplotlib.rc_context(RC):
        if faster:
            with fast.pdf_text(), PdfPages(buf, metadata={"CreationDate": None}) as pages:
                pages.savefig(fig)
        else:
            with PdfPages(buf, metadata={"CreationDate": None}) as pages:
                pages.savefig(fig)
    return buf.getvalue()


def test_the_faster_path_writes_the_same_bytes_as_matplotlib():
    stock = _pdf(_figure(), faster=False)
    assert _pdf(_figure(), faster=True) == stock
    assert b"/Type3" in stock and len(stock) > 5_000  # real text was written, as Type 3 fonts


def test_matplotlib_is_put_back_after_nested_and_failing_uses():
    before = (text_helpers.layout, backend_pdf.RendererPdf.draw_text, backend_pdf.RendererPdf._get_font_ttf)
    with pytest.raises(RuntimeError), fast.pdf_text():
        with fast.pdf_text():
            if fast._supported():
                assert text_helpers.layout is not before[0]
                assert backend_pdf.RendererPdf.draw_text is not before[1]
        if fast._supported():
            assert text_helpers.layout is not before[0]  # the outer use is still open
        raise RuntimeError("a page failed")
    assert (text_helpers.layout, backend_pdf.RendererPdf.draw_text, backend_pdf.RendererPdf._get_font_ttf) == before


def test_the_faster_path_is_used_on_the_matplotlib_it_was_written_for():
    if not matplotlib.__version__.startswith("3.11."):
        pytest.skip(f"written against matplotlib 3.11; this is {matplotlib.__version__} (the stock path is used)")
    assert fast._supported()

