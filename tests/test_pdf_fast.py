"""render/pdf_fast: the faster PDF paths write matplotlib's text bytes and images of the same pixels, and put matplotlib back."""

import contextlib
import io

import matplotlib
import matplotlib._text_helpers as text_helpers
import numpy as np
import pytest
from matplotlib import patheffects, textpath
from matplotlib.backends import _backend_pdf_ps, backend_pdf
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from PIL import Image

from landgeo.render import pdf_fast as fast
from landgeo.render.page import RC
from landgeo.render.rasterise import pdf_pages_png

TEXTS = [
    "Forêt de Sanwi – 10 km² … → ≥ 5 %",  # accents and symbols outside Latin-1
    "AVATAR To Wa Ty",  # kerning pairs
    "Ανατολική Μακεδονία · Свердловская область",  # Greek and Cyrillic (DejaVu Sans has both)
    "no\u00a0break",
    "مرحبا بالعالم · שלום",  # right to left, Arabic joined forms: one character, several glyphs
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
    # legends: columns, a title, patches and markers, a label on two lines, one stretched to its box
    ax.plot([0, 2], [1, 1], marker="o", label="Sites (12)")
    ax.bar([0.5], [1.5], label="Forêt dense\nsempervirente", color="#2b7a3b")
    ax.legend(title="Légende", ncol=2, loc="upper left", fontsize=7, title_fontsize=8, alignment="left")
    fig.legend(handles=ax.get_legend_handles_labels()[0], loc="lower right", mode="expand", ncol=2,
               bbox_to_anchor=(0.6, 0.0, 0.4, 0.1), frameon=True, shadow=True)
    return fig


def _pdf(fig, *, faster: bool, rc=None) -> bytes:
    buf = io.BytesIO()
    with matplotlib.rc_context({**RC, **(rc or {})}):
        if faster:
            with fast.pdf_fast(), PdfPages(buf, metadata={"CreationDate": None}) as pages:
                pages.savefig(fig)
        else:
            with PdfPages(buf, metadata={"CreationDate": None}) as pages:
                pages.savefig(fig)
    return buf.getvalue()


@pytest.mark.parametrize("fonttype", [3, 42, "core"])
def test_text_is_written_with_the_same_bytes_as_matplotlib(fonttype):
    rc = {"pdf.use14corefonts": True} if fonttype == "core" else {"pdf.fonttype": fonttype}  # core: AFM metrics
    stock = _pdf(_figure(), faster=False, rc=rc)
    assert _pdf(_figure(), faster=True, rc=rc) == stock
    marker = {3: b"/Type3", 42: b"/CIDFontType2", "core": b"/Helvetica"}[fonttype]
    assert marker in stock and len(stock) > 5_000  # real text


def test_fallback_fonts_and_missing_glyphs_give_the_same_bytes(recwarn):
    """A font list (DejaVu Sans, STIX) for glyphs DejaVu Sans lacks; no bundled font has 漢字 (Last Resort)."""
    def figure():
        fig = _figure()
        fig.text(0.1, 0.5, "Sites \u1d81 · 漢字 · Kora", fontsize=9)
        return fig

    rc = {"font.family": ["DejaVu Sans", "STIXGeneral"]}
    stock = _pdf(figure(), faster=False, rc=rc)
    assert b"LastResort" in stock  # the missing glyphs were drawn from the fallback
    assert _pdf(figure(), faster=True, rc=rc) == stock


def test_text_is_measured_from_font_files_read_into_memory():
    if not fast._supported():
        pytest.skip(f"pdf_fast changes nothing on matplotlib {matplotlib.__version__}")
    from matplotlib.font_manager import FontPath, FontProperties

    fig = _figure()
    with matplotlib.rc_context(RC), fast.pdf_fast():
        renderer = backend_pdf.RendererPdf(backend_pdf.PdfFile(io.BytesIO()), 72, 6, 4)
        font = renderer._get_font_ttf(FontProperties(family=["sans-serif"], size=12))
        width, height, descent = renderer.get_text_width_height_descent("Kora Hills", FontProperties(size=12), False)
    assert isinstance(font.fname, fast._FontBytes)  # no file system call for each glyph
    assert str(FontPath(font.fname, 0)).endswith("DejaVuSans.ttf")  # the PDF names the font file, as matplotlib
    with matplotlib.rc_context(RC):
        stock = backend_pdf.RendererPdf(backend_pdf.PdfFile(io.BytesIO()), 72, 6, 4)
        assert stock.get_text_width_height_descent("Kora Hills", FontProperties(size=12), False) == (
            width, height, descent)
    assert width > 40 and fig is not None


def test_a_font_setting_changed_between_pages_is_followed():
    fig = _figure()
    buf = {}
    for faster in (False, True):
        out = io.BytesIO()
        with matplotlib.rc_context(RC), (fast.pdf_fast() if faster else contextlib.nullcontext()):
            with PdfPages(out, metadata={"CreationDate": None}) as pages:
                pages.savefig(fig)
                with matplotlib.rc_context({"font.family": "serif", "font.serif": ["DejaVu Serif"]}):
                    pages.savefig(_figure())
        buf[faster] = out.getvalue()
    assert b"DejaVuSerif" in buf[False] and buf[True] == buf[False]


def test_matplotlib_is_put_back_after_nested_and_failing_uses():
    def current():
        return (text_helpers.layout, backend_pdf.RendererPdf.draw_text, backend_pdf.RendererPdf._get_font_ttf,
                backend_pdf.PdfFile._writePng, _backend_pdf_ps.CharacterTracker.track_glyph, Legend.draw,
                textpath.TextToPath._get_font, backend_pdf.get_font, backend_pdf.RendererPdf._get_font_height_metrics,
                backend_pdf.pdfRepr, backend_pdf.FigureCanvasPdf.print_pdf)

    before = current()
    names = ("draw_text", "_get_font_ttf", "_get_font_height_metrics")
    own = {name: name in vars(backend_pdf.RendererPdf) for name in names}
    with pytest.raises(RuntimeError), fast.pdf_fast():
        with fast.pdf_fast():
            if fast._supported():
                assert text_helpers.layout is not before[0]
                assert all(now is not stock for now, stock in zip(current(), before))
        if fast._supported():
            assert text_helpers.layout is not before[0]  # the outer use is still open
        raise RuntimeError("a page failed")
    assert current() == before
    # a method RendererPdf only inherits is not left copied onto it
    assert {name: name in vars(backend_pdf.RendererPdf) for name in names} == own


def test_the_faster_path_is_used_on_the_matplotlib_it_was_written_for():
    if not matplotlib.__version__.startswith("3.11."):
        pytest.skip(f"written against matplotlib 3.11; this is {matplotlib.__version__} (the stock path is used)")
    assert fast._supported()



def _image_figure() -> Figure:
    rng = np.random.default_rng(3)
    fig = Figure(figsize=(6, 4))
    noise = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)  # > 256 colours: RGB samples
    classes = np.array([[34, 139, 34], [240, 230, 140], [205, 92, 92], [70, 130, 180]], np.uint8)
    few = classes[rng.integers(0, 4, (50, 70))]  # 4 colours: an indexed image (Pillow packs 2-bit indices)
    two = classes[rng.integers(0, 2, (30, 30))]  # 2 colours: 1-bit for Pillow
    blocks = np.kron(rng.integers(0, 2, (6, 6)), np.ones((7, 7), int))  # 2 land-cover classes in blocks:
    two_blocks = classes[blocks]  # viewers draw the edges of 1- and 8-bit indexed images differently
    sixteen = np.kron(rng.integers(0, 16, (5, 5)), np.ones((9, 9), int))
    palette16 = rng.integers(0, 256, (16, 3)).astype(np.uint8)
    shade = np.zeros((45, 45, 4), np.uint8)
    shade[..., 3] = rng.integers(0, 200, (45, 45))  # hillshade-like: black with a varying alpha (a soft mask)
    for rect, img in (([0.02, 0.5, 0.3, 0.45], noise), ([0.35, 0.5, 0.3, 0.45], few),
                      ([0.68, 0.5, 0.3, 0.45], two), ([0.02, 0.02, 0.45, 0.45], shade),
                      ([0.5, 0.02, 0.22, 0.45], two_blocks), ([0.75, 0.02, 0.22, 0.45], palette16[sixteen])):
        ax = fig.add_axes(rect)
        ax.set_axis_off()
        ax.imshow(img, interpolation="nearest", aspect="auto")
    ax.imshow(few, extent=(0, 44, 0, 44), alpha=0.5, zorder=0)  # under the shade: transparency over colour
    return fig


def _pixels(pdf: bytes, dpi: int) -> np.ndarray:
    (png,) = pdf_pages_png(pdf, [0], dpi=dpi)
    with Image.open(io.BytesIO(png)) as im:
        return np.asarray(im.convert("RGB"))


@pytest.mark.parametrize("dpi", [72, 100, 200])
def test_images_draw_the_same_pixels_as_matplotlibs(dpi):
    stock, faster = _pdf(_image_figure(), faster=False), _pdf(_image_figure(), faster=True)
    assert faster != stock  # the image streams are encoded differently
    a, b = _pixels(stock, dpi), _pixels(faster, dpi)
    assert a.shape == b.shape == (4 * dpi, 6 * dpi, 3)
    assert len(np.unique(a.reshape(-1, 3), axis=0)) > 1000  # the images were drawn, noise and all
    assert np.array_equal(a, b)


def test_pdf_syntax_of_numbers_operators_and_strings_is_matplotlibs():
    values = [0.0, -0.0, 1.0, -2.5, 1e-11, 123456.78901234567, 0.1 + 0.2, 1e15, np.float64(3.25), np.float64(-1e-7),
              7, True, backend_pdf.Op.moveto, b"", b"Kora (demo) \\ 100%", b"\x00\xff(", backend_pdf.Name("F1"), None,
              "Forêt", [1.5, b"a"], {"Type": backend_pdf.Name("Page")}]
    stock = backend_pdf.pdfRepr
    with fast.pdf_fast():
        for value in values:
            assert fast._pdf_repr(value) == stock(value), value
        for bad in (float("nan"), float("inf"), np.float64("-inf")):
            with pytest.raises(ValueError, match="finite"):
                fast._pdf_repr(bad)


def test_a_pdf_renderer_used_outside_a_pdf_print_measures_as_matplotlibs():
    """Line heights are kept only while print_pdf draws (at 72 dpi); a renderer made by hand at 100 dpi measures as stock."""
    def extent(faster: bool):
        with fast.pdf_fast() if faster else contextlib.nullcontext():
            fig = Figure(dpi=100)
            text = fig.text(0.1, 0.1, "two\nlines", fontsize=20)
            renderer = backend_pdf.RendererPdf(backend_pdf.PdfFile(io.BytesIO()), 100, 4.8, 6.4)
            return text.get_window_extent(renderer).bounds

    stock = extent(False)
    assert extent(True) == stock and stock[3] > 60  # two lines of 20 pt at 100 dpi
