"""Rendering cost: landgeo's map sheet and web map against geopandas' plot() and plain folium on the same layers.

The peers are the floor, not equals: ``GeoDataFrame.plot`` + ``savefig`` draws the same layers on an
A4 page with no legend, table, inset or chart; plain folium (``GeoJson`` layers with a ``GeoJsonPopup``, a layer
control) writes a map that loads Leaflet from CDNs (it does not work offline), has no legend, no
clustering, and puts attribute values into popups unescaped.

Layers: (1) the three demo landscapes (``boundaries/demo-*.toml``, profiled in this process first,
untimed), each sheet with everything the pipeline gives it (land cover or ecosystems, hillshade and
streams for the DEM watershed, neighbours, admin units, rivers, sites); the peer plots the same
vector layers; (2) the real ASGM footprints of Ashanti, Ghana (``../shared/data``, 407 polygons)
inside a box boundary, over the Natural Earth admin-1 regions, with MODIS land cover for the sheet.
Wall time (best of ``--repeat``) and the load average are printed: the machine is shared.

    python benchmarks/bench_render.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import shapely

DATA = Path(os.environ.get("LANDGEO_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
REPO = Path(__file__).resolve().parents[1]


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _pages(pdf: Path) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf.read_bytes())
    try:
        return len(doc)
    finally:
        doc.close()


def _each_page(res, out: Path, repeat: int) -> tuple[float, float]:
    """Best CPU seconds of the sheet page alone (built, PDF, PNG) and the change page alone (built, PDF)."""
    from landgeo.render.change_page import build_change_page
    from landgeo.render.collector import collector_paused
    from landgeo.render.page import save_pages
    from landgeo.render.sheet import build_sheet

    def sheet_page():
        with collector_paused():  # as write_sheet
            save_pages([build_sheet(res.profile, res.layers, rasters=res.rasters)], pdf=out / "p1.pdf",
                       pngs=[out / "p1.png"])

    def change_page():
        with collector_paused():
            save_pages([build_change_page(res.profile, res.layers, rasters=res.rasters)], pdf=out / "p2.pdf")

    best = []
    for fn in (sheet_page, change_page):
        times = []
        for _ in range(repeat):
            c = time.process_time()
            fn()
            times.append(time.process_time() - c)
        best.append(min(times))
    return best[0], best[1]


def _demo_sheets(repeat: int, out: Path) -> list[tuple]:
    """(name, pages, landgeo wall, peer wall, landgeo CPU, peer CPU) for each demo landscape, in seconds."""
    from matplotlib.figure import Figure

    from landgeo.app.pipeline import build_profile
    from landgeo.recipe import read_recipe
    from landgeo.render.sheet import write_sheet

    rows = []
    for recipe in sorted((REPO / "boundaries").glob("demo-*.toml")):
        res = build_profile(read_recipe(recipe))
        layers = res.layers

        def ours():
            write_sheet(res.profile, layers, pdf=out / "d.pdf", png=out / "d.png", rasters=res.rasters)

        def peer():
            fig = Figure(figsize=(11.69, 8.27))
            ax = fig.add_subplot()
            for key, kw in (("ecosystems", {"column": None, "alpha": 0.8}), ("admin_units", {"facecolor": "none"}),
                            ("rivers", {"color": "blue"}), ("sites", {"color": "purple"}),
                            ("boundary", {"facecolor": "none", "edgecolor": "red"})):
                if key in layers and len(layers[key]):
                    layers[key].plot(ax=ax, **{k: v for k, v in kw.items() if v is not None})
            fig.savefig(out / "dp.pdf")
            fig.savefig(out / "dp.png", dpi=200)

        timings = _best_pair(ours, peer, repeat)
        pages = _pages(out / "d.pdf")
        alone = _each_page(res, out, repeat) if pages > 1 else None
        rows.append((res.profile["name"], pages, *timings, alone))
    return rows


def _best_pair(ours, peer, repeat: int) -> tuple[float, float, float, float]:
    """Best wall and CPU seconds of ``ours`` and ``peer``, run alternately so both see the same load."""
    wall = {0: [], 1: []}
    cpu = {0: [], 1: []}
    for _ in range(repeat):
        for k, fn in enumerate((ours, peer)):
            t, c = time.perf_counter(), time.process_time()
            fn()
            wall[k].append(time.perf_counter() - t)
            cpu[k].append(time.process_time() - c)
    return min(wall[0]), min(wall[1]), min(cpu[0]), min(cpu[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from landgeo.io.vector import read_vector
    from landgeo.render.sheet import write_sheet
    from landgeo.render.webmap import write_webmap

    sites = read_vector(DATA / "asgm_earthrise_mining_detector" / "asgm_mining_polygons.gpkg",
                        layer="ghana_ashanti_2017_2020", expect="polygon").to_crs(4326)
    box = shapely.box(*sites.total_bounds).buffer(0.05)
    admin = read_vector(DATA / "admin_naturalearth_10m" / "ne10m_admin1_admin0.gpkg", layer="admin1",
                        bbox=box.bounds, expect="polygon").to_crs(4326)
    layers = {"boundary": gpd.GeoDataFrame(geometry=[box], crs=4326), "admin_units": admin, "sites": sites}
    rasters = {"landcover": DATA / "landcover_modis_mcd12c1_2019_20km" / "afrilandcover2019_west_africa_GHA_CIV_GIN_SLE.tif"}
    profile = {"name": "Ashanti ASGM", "area_ha": 1.0, "scale": {"verdict": "within"}}
    out = Path(tempfile.mkdtemp())

    def ours_sheet():
        write_sheet(profile, layers, pdf=out / "s.pdf", png=out / "s.png", rasters=rasters)

    def peer_sheet():
        fig = Figure(figsize=(11.69, 8.27))
        ax = fig.add_subplot()
        admin.boundary.plot(ax=ax, color="grey", linewidth=0.7)
        layers["boundary"].boundary.plot(ax=ax, color="red")
        sites.plot(ax=ax, color="purple")
        fig.savefig(out / "p.pdf")
        fig.savefig(out / "p.png", dpi=200)

    def ours_map():
        write_webmap(profile, layers, out / "m.html")

    def peer_map():
        import folium

        m = folium.Map(tiles=None)
        folium.GeoJson(admin, style_function=lambda f: {"fill": False, "color": "grey"}).add_to(m)
        folium.GeoJson(layers["boundary"], style_function=lambda f: {"fill": False, "color": "red"}).add_to(m)
        folium.GeoJson(sites, popup=folium.GeoJsonPopup(fields=["site_id", "area_ha"])).add_to(m)
        folium.LayerControl().add_to(m)
        m.fit_bounds([[box.bounds[1], box.bounds[0]], [box.bounds[3], box.bounds[2]]])
        m.save(out / "p.html")

    demo_rows = _demo_sheets(args.repeat, out)
    rows = []
    for what, ours, peer, files in (("sheet (PDF + 200-dpi PNG)", ours_sheet, peer_sheet, ("s.pdf", "s.png", "p.pdf", "p.png")),
                                    ("web map (HTML)", ours_map, peer_map, ("m.html", "p.html"))):
        t_ours, t_peer = _best(ours, args.repeat), _best(peer, args.repeat)
        sizes = {f: (out / f).stat().st_size for f in files}
        rows.append((what, t_ours, t_peer, sizes))
    print(f"load average {os.getloadavg()[0]:.1f}; best of {args.repeat}")
    print("The PDF's pages: the sheet, and the change page for a dated landscape; the PNG is page 1.")
    print("| demo sheet (PDF + 200-dpi PNG) | PDF pages | landgeo wall | per page | peer wall | ratio "
          "| landgeo CPU | peer CPU | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, pages, a, b, ca, cb, _alone in demo_rows:
        print(f"| {name} | {pages} | {a:.2f} s | {a / pages:.2f} s | {b:.2f} s | {a / b:.2f} | {ca:.2f} s "
              f"| {cb:.2f} s | {ca / cb:.2f} |")
    for name, *_rest, alone in demo_rows:
        if alone:
            print(f"{name}, each page alone (CPU, best of {args.repeat}): the sheet (PDF + PNG) {alone[0]:.2f} s, "
                  f"the change page (PDF) {alone[1]:.2f} s")
    print()
    print(f"{len(sites)} footprints, {len(admin)} admin units; best of {args.repeat}")
    print("| output | landgeo | peer (geopandas plot / plain folium) | landgeo / peer | sizes (bytes) |")
    print("|---|---:|---:|---:|---|")
    for what, a, b, sizes in rows:
        print(f"| {what} | {a:.2f} s | {b:.2f} s | {a / b:.2f} | {', '.join(f'{k} {v:,}' for k, v in sizes.items())} |")


if __name__ == "__main__":
    main()
