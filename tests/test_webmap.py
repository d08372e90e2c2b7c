"""The web map: offline HTML, escaping, and a headless-Chromium check with the network disabled."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landgeo.render.webmap import popup_html, write_webmap

from .render_data import XSS, demo_inputs, landcover_tif, sites_in_boundary

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()), None)

# Injected into a copy of map.html: records errors, console errors, alert() calls, every resource the page
# fetched, popup contents, and counts of the rendered elements; then writes them into the DOM as JSON.
PROBE = r"""
<script>
window.__probe = {errors: [], alerts: 0, popups: [], popup_imgs: 0};
window.alert = function () { window.__probe.alerts += 1; };
window.addEventListener('error', function (e) { window.__probe.errors.push(String(e.message || e.type)); }, true);
(function () { var ce = console.error; console.error = function () {
  window.__probe.errors.push(Array.prototype.join.call(arguments, ' ')); ce.apply(console, arguments); }; })();
window.addEventListener('load', function () { setTimeout(function () {
  var p = window.__probe;
  var maps = Object.keys(window).filter(function (k) { return /^map_[0-9a-f]{32}$/.test(k); });
  p.maps = maps.length;
  maps.forEach(function (k) {
    var m = window[k];
    m.on('popupopen', function (e) {
      var el = e.popup.getElement();
      p.popups.push(el.querySelector('.leaflet-popup-content').textContent);
      p.popup_imgs += el.querySelectorAll('.leaflet-popup-content img').length;
    });
    m.eachLayer(function (l) { if (l.getPopup && l.getPopup() && l.getLatLng) { l.openPopup(); } });
  });
  setTimeout(function () {
    p.boundary = document.querySelectorAll('path.landgeo-boundary').length;
    p.site_markers = document.querySelectorAll('path.landgeo-site').length;
    p.clusters = Array.prototype.map.call(document.querySelectorAll('.marker-cluster span'),
      function (s) { return parseInt(s.textContent, 10); });
    p.overlays = document.querySelectorAll('.leaflet-control-layers-overlays input').length;
    p.legend = document.querySelectorAll('.landgeo-legend').length;
    p.scale = document.querySelectorAll('.leaflet-control-scale').length;
    p.tiles = document.querySelectorAll('img.leaflet-tile').length;
    p.title = (document.querySelector('.landgeo-title h1') || {}).textContent;
    p.legend_text = (document.querySelector('.landgeo-legend') || {}).textContent;
    p.injected = document.querySelectorAll('.landgeo-title img, .landgeo-legend b, .landgeo-legend img').length;
    p.images = document.querySelectorAll('img.leaflet-image-layer').length;
    p.resources = performance.getEntriesByType('resource').map(function (r) { return r.name; });
    var out = document.createElement('pre'); out.id = 'probe'; out.textContent = JSON.stringify(p);
    document.body.appendChild(out);
  }, 800);
}, 300); });
</script>
"""


def run_in_chromium(html_path: Path, tmp_path: Path) -> dict:
    """Open ``html_path`` (with the probe) in headless Chromium, network disabled; return the probe's JSON."""
    if CHROMIUM is None:
        pytest.skip("headless Chromium not installed (/usr/bin/chromium; apt-get install chromium)")
    page = html_path.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1)
    probe_path = tmp_path / "probe.html"
    probe_path.write_text(page, encoding="utf-8")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
           f"--user-data-dir={tmp_path / 'chromium-profile'}",
           "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
           "--virtual-time-budget=5000", "--dump-dom", probe_path.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert match, f"the page did not finish loading in Chromium (exit {proc.returncode}): {proc.stderr[-800:]}"
    return json.loads(html.unescape(match.group(1)))


def test_offline_html_loads_nothing_from_the_network(tmp_path):
    profile, layers = demo_inputs()
    page = write_webmap(profile, layers, tmp_path / "map.html", offline=True).read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", page)
    assert "L.tileLayer" not in page
    assert "L.markerClusterGroup" in page or "MarkerClusterGroup" in page  # plugin inlined
    assert XSS not in page  # the raw name never appears unescaped
    assert "&amp;lt;img" in page or "\\u0026lt;img" in page


def test_online_map_adds_openstreetmap_tiles(tmp_path):
    profile, layers = demo_inputs()
    page = write_webmap(profile, layers, tmp_path / "map.html", offline=False).read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" in page


def test_same_inputs_give_same_bytes(tmp_path):
    profile, layers = demo_inputs()
    a = write_webmap(profile, layers, tmp_path / "a.html").read_bytes()
    b = write_webmap(profile, layers, tmp_path / "b.html").read_bytes()
    assert a == b


def test_french_labels(tmp_path):
    profile, layers = demo_inputs()
    page = write_webmap(profile, layers, tmp_path / "map.html", lang="fr").read_text(encoding="utf-8")
    page = html.unescape(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page))
    for word in ("Limite du paysage", "Unités administratives", "Cours d'eau", "Légende", "Sites d'EMAPE"):
        assert word in page, word


def test_popup_html_escapes_labels_and_values():
    out = popup_html({XSS: XSS, "area_ha": 1234.5}, title=XSS, lang="en")
    assert "<img" not in out
    assert out.count("&lt;img src=x onerror=alert(1)&gt;") == 3


@pytest.mark.browser
def test_map_initialises_offline_in_chromium_and_escapes_names(tmp_path):
    profile, layers = demo_inputs(n_sites=5, name="Offin </script><img src=x onerror=alert(2)>")
    eco = layers["ecosystems"].copy()
    eco.loc[0, "class"] = "<b onmouseover=alert(3)>forest</b>"  # a class name from the data, shown in the legend
    layers = dict(layers, ecosystems=eco)
    path = write_webmap(profile, layers, tmp_path / "map.html", offline=True)
    probe = run_in_chromium(path, tmp_path)
    assert probe["errors"] == []
    assert probe["resources"] == []  # nothing fetched: no network needed
    assert probe["maps"] == 1
    assert probe["boundary"] == 1
    assert probe["site_markers"] + sum(probe["clusters"]) == 5
    assert probe["overlays"] == 6  # context, ecosystems, admin units, rivers, boundary, sites
    assert probe["legend"] == 1 and probe["scale"] == 1 and probe["tiles"] == 0
    assert probe["alerts"] == 0 and probe["popup_imgs"] == 0
    assert any(XSS in text for text in probe["popups"])  # the name is shown as text
    assert probe["title"] == "Offin </script><img src=x onerror=alert(2)>"
    assert "<b onmouseover=alert(3)>forest</b>" in probe["legend_text"]
    assert probe["injected"] == 0


@pytest.mark.browser
def test_many_sites_are_clustered_and_all_counted(tmp_path):
    profile, layers = demo_inputs()
    fp = sites_in_boundary(3, seed=5, first_name="footprint")
    fp = fp.set_geometry(shapely.buffer(fp.geometry.values, 0.004))  # three mining footprints (polygons)
    sites = pd.concat([sites_in_boundary(297, seed=3), fp], ignore_index=True)
    layers = dict(layers, sites=gpd.GeoDataFrame(sites, geometry="geometry", crs=4326))
    path = write_webmap(profile, layers, tmp_path / "map.html", offline=True)
    probe = run_in_chromium(path, tmp_path)
    assert probe["errors"] == []
    assert probe["resources"] == []
    assert len(probe["clusters"]) >= 1
    assert probe["site_markers"] + sum(probe["clusters"]) == 300
    assert probe["overlays"] == 7  # footprints get their own layer
    assert probe["alerts"] == 0


@pytest.mark.browser
def test_land_cover_raster_is_an_inlined_overlay_when_there_are_no_ecosystem_polygons(tmp_path):
    profile, layers = demo_inputs()
    layers = {k: v for k, v in layers.items() if k != "ecosystems"}
    path = write_webmap(profile, layers, tmp_path / "map.html", rasters={"landcover": landcover_tif(tmp_path / "lc.tif")})
    page = path.read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
    for name in ("Croplands", "Savannas", "Water"):  # legend from the raster's CLASSES tag
        assert name in page
    probe = run_in_chromium(path, tmp_path)
    assert probe["errors"] == [] and probe["resources"] == []
    assert probe["images"] == 1
    assert probe["overlays"] == 6  # context, land cover, admin units, rivers, boundary, sites


@pytest.mark.realdata
@pytest.mark.browser
def test_real_asgm_footprints_are_clustered_and_all_counted(tmp_path):
    from landgeo.io.vector import read_vector

    from .conftest import shared_data

    gpkg = shared_data("asgm_earthrise_mining_detector", "asgm_mining_polygons.gpkg")
    sites = read_vector(gpkg, layer="ghana_ashanti_2017_2020", expect="polygon").to_crs(4326)
    boundary = gpd.GeoDataFrame(geometry=[shapely.box(*sites.total_bounds).buffer(0.05)], crs=4326)
    profile = {"name": "Ashanti ASGM", "area_ha": None}
    path = write_webmap(profile, {"boundary": boundary, "sites": sites}, tmp_path / "map.html", lang="fr")
    probe = run_in_chromium(path, tmp_path)
    assert probe["errors"] == [] and probe["resources"] == []
    assert len(probe["clusters"]) >= 1
    assert probe["site_markers"] + sum(probe["clusters"]) == len(sites) == 407
    assert probe["overlays"] == 4  # country outlines, boundary, footprints, sites
