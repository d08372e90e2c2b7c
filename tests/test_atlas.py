"""The atlas: a contents page, a page per landscape, failures recorded and the others kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from landgeo.render.atlas import AtlasFailure, summary_lines, write_atlas

from .render_data import demo_inputs

pypdf = pytest.importorskip("pypdf")


def _pages_text(pdf):
    reader = pypdf.PdfReader(str(pdf))
    return reader, [re.sub(r"[\s\u00a0\u202f]+", " ", p.extract_text() or "") for p in reader.pages]


def test_atlas_keeps_good_landscapes_and_names_the_broken_ones(tmp_path):
    p1, l1 = demo_inputs(name="Offin Valley")
    p2, l2 = demo_inputs(name="Vallée du Bandama")
    p3, l3 = demo_inputs(name="Broken layers")
    l3 = dict(l3, sites="not a GeoDataFrame")  # fails while drawing
    items = [(p1, l1), AtlasFailure("kibale", "layers/missing.gpkg: file not found"), (p3, l3), (p2, l2, {})]
    entries = write_atlas(items, tmp_path / "atlas.pdf", lang="en")
    assert [e.status for e in entries] == ["ok", "failed", "failed", "ok"]
    assert [e.page for e in entries] == [2, None, None, 3]
    assert entries[1].error == "layers/missing.gpkg: file not found"
    assert "Broken layers" == entries[2].name and entries[2].error

    reader, texts = _pages_text(tmp_path / "atlas.pdf")
    assert len(reader.pages) == 3  # contents + two sheets
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)
    contents = texts[0]
    assert "Landscape atlas" in contents and "Contents" in contents
    assert "kibale" in contents and "layers/missing.gpkg: file not found" in contents
    assert "Broken layers" in contents
    assert "Offin Valley" in texts[1] and "Vallée du Bandama" in texts[2]

    lines = summary_lines(entries)
    assert lines[1].startswith("kibale\tfailed\t")


def test_french_atlas_contents(tmp_path):
    p1, l1 = demo_inputs()
    entries = write_atlas([(p1, l1), AtlasFailure("x", "erreur")], tmp_path / "a.pdf", lang="fr")
    _, texts = _pages_text(tmp_path / "a.pdf")
    assert "Atlas des paysages" in texts[0] and "Sommaire" in texts[0] and "échec" in texts[0]
    assert "Superficie" in texts[1]
    assert entries[0].page == 2


def test_unknown_item_type_is_a_clear_error(tmp_path):
    with pytest.raises(TypeError, match="cannot use an item"):
        write_atlas([42], tmp_path / "a.pdf")


@pytest.mark.slow
def test_profile_many_writes_an_atlas_that_names_the_broken_recipe(tmp_path):
    from landgeo.app.pipeline import ATLAS, profile_many

    repo = Path(__file__).resolve().parents[1]
    good = repo / "boundaries" / "demo-districts.toml"
    if not good.is_file():
        pytest.skip(f"demo recipe missing: {good}")
    text = good.read_text(encoding="utf-8").replace("../layers/demo", (repo / "layers" / "demo").as_posix())
    text = text.replace("ecoregions.gpkg", "no_such_ecoregions.gpkg").replace('slug = "demo-kora-hills"', 'slug = "broken"')
    broken = tmp_path / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    outcomes = profile_many([good, broken], tmp_path / "out")
    assert [o.status for o in outcomes] == ["ok", "failed"]
    folder = tmp_path / "out" / "demo-kora-hills"
    for name in ("map.html", "sheet.pdf", "sheet.png", "profile.json"):
        assert (folder / name).is_file(), name
    reader, texts = _pages_text(tmp_path / "out" / ATLAS)
    assert len(reader.pages) == 3  # contents + the good landscape's sheet and its change page (dated layers)
    assert "broken" in texts[0] and "no_such_ecoregions.gpkg" in texts[0]
    assert "Kora Hills (demo)" in texts[1]
    assert "Change over time" in texts[2] and "Kora Hills (demo)" in texts[2]
    # one indicators.csv for the landscapes profiled: the good one's own rows
    shared = (tmp_path / "out" / "indicators.csv").read_text(encoding="utf-8")
    assert shared == (folder / "indicators.csv").read_text(encoding="utf-8")


def test_long_contents_run_over_several_pages(tmp_path):
    p1, l1 = demo_inputs()
    items = [AtlasFailure(f"landscape {i:02d}", "broken") for i in range(30)] + [(p1, l1)]
    entries = write_atlas(items, tmp_path / "a.pdf")
    reader, texts = _pages_text(tmp_path / "a.pdf")
    assert len(reader.pages) == 3  # 31 rows at 26 per page: two contents pages, then the one sheet
    assert entries[-1].page == 3
    assert "landscape 00" in texts[0] and "landscape 29" in texts[1]
    assert "Vallée de l'Offin" in texts[2]


def test_atlas_copies_sheets_already_drawn_and_draws_the_others(tmp_path):
    from landgeo.render.sheet import write_sheet

    p1, l1 = demo_inputs(name="Drawn by a worker")
    p2, l2 = demo_inputs(name="Drawn here")
    sheet = tmp_path / "w" / "sheet.pdf"
    write_sheet(p1, l1, pdf=sheet)
    items = [(p1, {"boundary": l1["boundary"]}, {}, sheet), (p2, l2, {}, tmp_path / "missing.pdf")]
    entries = write_atlas(items, tmp_path / "atlas.pdf", lang="en", title="Atlas from pages")
    assert [(e.status, e.page) for e in entries] == [("ok", 2), ("ok", 3)]
    reader, texts = _pages_text(tmp_path / "atlas.pdf")
    assert len(reader.pages) == 3
    assert "Drawn by a worker" in texts[0] and "Drawn here" in texts[0]  # the contents list both
    assert "Drawn by a worker" in texts[1] and "Drawn here" in texts[2]  # each page in its place
    # the copied page is the worker's page: same text as its sheet.pdf
    assert texts[1] == _pages_text(sheet)[1][0]
    assert reader.metadata.get("/Title") == "Atlas from pages"


def test_copied_and_drawn_sheets_keep_their_order_and_are_stored_once(tmp_path):
    """assemble: contents, then sheets in order; a drawn page is in the atlas once, not twice."""
    import io

    import numpy as np
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from pypdf import PdfReader

    from landgeo.render.atlas_pages import assemble

    def page(text):
        fig = Figure(figsize=(4, 3))
        fig.text(0.1, 0.5, text)
        ax = fig.add_axes([0.5, 0.1, 0.4, 0.4])
        ax.set_axis_off()
        ax.imshow(np.random.default_rng(1).random((300, 300)))  # an image, so a stored copy would show in the size
        return fig

    drawn = io.BytesIO()
    with PdfPages(drawn, metadata={"Title": "T"}) as pages:
        for text in ("Contents", "Drawn B", "Drawn D"):
            pages.savefig(page(text))
    for name in ("A", "C"):
        with PdfPages(tmp_path / f"{name}.pdf") as pages:
            pages.savefig(page(f"Copied {name}"))
    out = assemble(drawn, 1, [tmp_path / "A.pdf", "drawn", tmp_path / "C.pdf", "drawn"], tmp_path / "atlas.pdf")
    reader = PdfReader(out)
    assert [p.extract_text().strip() for p in reader.pages] == ["Contents", "Copied A", "Drawn B", "Copied C", "Drawn D"]
    assert reader.metadata.get("/Title") == "T"
    parts = len(drawn.getvalue()) + sum((tmp_path / f"{n}.pdf").stat().st_size for n in "AC")
    assert out.stat().st_size < 1.1 * parts  # each page once
    again = assemble(drawn, 1, [tmp_path / "A.pdf", "drawn", tmp_path / "C.pdf", "drawn"], tmp_path / "again.pdf")
    assert again.read_bytes() == out.read_bytes()  # the same pages give the same file
