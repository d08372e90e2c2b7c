"""Distance from sites to the nearest water: rivers, lakes, any line or polygon layer.

Every site gets a distance, without a cap, from every water layer that is near
enough to say: a layer with a feature within 25 km of the landscape, for the
sites within 25 km of the layer's extent (its bounding box). Where no water
layer is near enough (no river data around the landscape, a layer of another
region, no water layer at all), a site's distance is unknown (NaN, null in
profile.json), never a number that reads as "far from water".

* A :class:`WaterLayer` holds the features read so far (EPSG:4326), the extent
  the layer's data covers (the whole layer's bounding box) and, for a layer
  read from a file by a window, how to read a larger window.
* :func:`distances_to_water` measures each site against each layer
  (:func:`landgeo.geodesy.nearest_distance_m`: nearest in a Lambert azimuthal
  equal-area CRS, measured geodesically on WGS84). A distance found inside the
  window read is exact when it is shorter than the site's distance to the
  window's edge; otherwise the window is widened (× 4) and the layer read
  again, until the distance is exact or the window holds the whole layer.
* A site inside a water polygon (a lake) is at 0 m.

The API takes any number of layers, so a caller adds lakes, reservoirs or
wetlands beside the rivers: ``distances_to_water(sites, [rivers, lakes])``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from ..geo import geodesy

log = logging.getLogger(__name__)
WGS84 = CRS.from_epsg(4326)
#: First window read around the sites (m), widened × 4 while a distance is not yet exact.
FIRST_WINDOW_M = 25_000.0
WIDEN = 4.0
#: A distance counts as exact when below this share of the distance to the window's edge.
EDGE_SAFETY = 0.99
#: A water layer says something about the sites within this distance of its extent (its bounding box);
#: farther away (a layer of another region) their distance is unknown.
COVER_MARGIN_M = 25_000.0

Bbox = tuple[float, float, float, float]


@dataclass
class WaterLayer:
    """One water layer (lines or polygons) for site distances.

    Attributes
    ----------
    label
        Name for notes and the profile (``file:layer``).
    kind
        ``"river"``, ``"lake"`` or any word (``"water"``): the profile keeps a
        distance per kind.
    geoms
        The features read so far, EPSG:4326.
    extent
        (minx, miny, maxx, maxy) in lon/lat of the area the layer's data
        covers (for a file: the whole layer's bounding box): a site more than
        :data:`COVER_MARGIN_M` outside it is not covered by the layer, its
        distance unknown. None: the layer covers every site (features given
        whole, e.g. a frame in memory).
    window
        The lon/lat box ``geoms`` were read from; None when the whole layer is read.
    read
        ``read(bbox) -> geometries`` (EPSG:4326) for a wider window; None when
        ``geoms`` is already the whole layer.
    """

    label: str
    kind: str
    geoms: np.ndarray
    extent: Bbox | None
    window: Bbox | None = None
    read: Callable[[Bbox], np.ndarray] | None = field(default=None, repr=False)

    @classmethod
    def from_frame(cls, frame: gpd.GeoDataFrame | gpd.GeoSeries, *, label: str, kind: str = "water",
                   extent: Bbox | None = None) -> WaterLayer:
        """A layer from features in memory (any CRS; transformed to EPSG:4326), taken as the whole layer.

        ``extent``: the lon/lat box the data covers (default: everywhere).
        """
        series = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
        if series.crs is not None and not CRS(series.crs).equals(WGS84, ignore_axis_order=True):
            series = series.to_crs(WGS84)
        geoms = np.asarray([g for g in series.values if g is not None and not g.is_empty], dtype=object)
        return cls(label=label, kind=kind, geoms=geoms, extent=extent)

    def covers(self, points: np.ndarray) -> np.ndarray:
        """Which of ``points`` (lon/lat shapely points) the layer is near enough to say about:
        within :data:`COVER_MARGIN_M` of its extent (and only if it has features)."""
        if len(self.geoms) == 0 and self.read is None:
            return np.zeros(len(points), dtype=bool)
        if self.extent is None:
            return np.ones(len(points), dtype=bool)
        box = window_around([shapely.box(*self.extent)], COVER_MARGIN_M)
        return shapely.intersects(shapely.box(*box), points)


@dataclass(frozen=True)
class WaterDistances:
    """Distances (m, geodesic) from each site to the nearest water; NaN = unknown.

    ``by_kind`` maps each layer kind to its own distances; ``distance_m`` is the
    smallest over the layers that cover the site.
    """

    distance_m: np.ndarray
    by_kind: dict[str, np.ndarray]
    layers: tuple[str, ...]
    #: Layers with no feature within 25 km of the landscape: they say nothing about its sites.
    silent: tuple[str, ...] = ()

    @property
    def known(self) -> np.ndarray:
        return np.isfinite(self.distance_m)


def _edge_distance_m(points: np.ndarray, window: Bbox) -> np.ndarray:
    """Geodesic distance (m) from each point to the nearest side of a lon/lat box (0 outside it)."""
    xy = shapely.get_coordinates(points)
    lon, lat = xy[:, 0], xy[:, 1]
    minx, miny, maxx, maxy = window
    n = len(lon)
    d = np.minimum.reduce([
        geodesy.distance_m(lon, lat, np.full(n, minx), lat),
        geodesy.distance_m(lon, lat, np.full(n, maxx), lat),
        geodesy.distance_m(lon, lat, lon, np.full(n, miny)),
        geodesy.distance_m(lon, lat, lon, np.full(n, maxy)),
    ])
    inside = (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
    return np.where(inside, d, 0.0)


def window_around(geoms, metres: float) -> Bbox:
    """A lon/lat box ``metres`` (at least) around ``geoms`` (EPSG:4326)."""
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(np.asarray(geoms, dtype=object)))
    lat = max(abs(miny), abs(maxy))
    pad_lon = geodesy.metres_to_degrees(metres, min(lat, 89.0))
    pad_lat = metres / 110_574.0
    return (max(minx - pad_lon, -180.0), max(miny - pad_lat, -90.0), min(maxx + pad_lon, 180.0), min(maxy + pad_lat, 90.0))


def _contains(outer: Bbox, inner: Bbox) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def _layer_distances(sites: np.ndarray, points: np.ndarray, layer: WaterLayer, around) -> np.ndarray:
    """Exact distances from ``sites`` to ``layer`` (NaN where it does not cover them), widening its window."""
    out = np.full(len(sites), np.nan)
    covered = layer.covers(points)
    if not covered.any():
        return out
    todo = np.flatnonzero(covered)
    margin = FIRST_WINDOW_M
    while True:
        d, _ = geodesy.nearest_distance_m(sites[todo], layer.geoms, around=around)
        whole = layer.window is None or layer.read is None or layer.extent is None or _contains(layer.window, layer.extent)
        if whole:
            out[todo] = d  # the whole layer was searched: exact (NaN only if it holds nothing)
            return out
        exact = np.isfinite(d) & (d <= EDGE_SAFETY * _edge_distance_m(points[todo], layer.window))
        out[todo[exact]] = d[exact]
        todo = todo[~exact]
        if len(todo) == 0:
            return out
        margin *= WIDEN
        wider = window_around(sites[todo], margin)
        if layer.extent is not None:  # no need to read beyond what the layer holds
            wider = (max(wider[0], min(layer.window[0], layer.extent[0])), max(wider[1], min(layer.window[1], layer.extent[1])),
                     min(wider[2], max(layer.window[2], layer.extent[2])), min(wider[3], max(layer.window[3], layer.extent[3])))
        wider = (min(wider[0], layer.window[0]), min(wider[1], layer.window[1]),
                 max(wider[2], layer.window[2]), max(wider[3], layer.window[3]))
        log.debug("%s: %d sites farther from water than the window read; reading %s", layer.label, len(todo), wider)  # how it reads
        layer.geoms = np.asarray(layer.read(wider), dtype=object)
        layer.window = wider


def near_enough(layer: WaterLayer, around: BaseGeometry | None) -> bool:
    """Whether ``layer`` has a feature within :data:`COVER_MARGIN_M` of ``around`` (the landscape).

    A layer with no water near the landscape says nothing about how close its
    sites are to water (1:10m rivers 170 km away do not mean the mines are dry):
    the distances are then unknown.
    """
    if around is None or around.is_empty:
        return len(layer.geoms) > 0 or layer.read is not None
    box = shapely.box(*window_around([around], COVER_MARGIN_M))
    geoms = layer.geoms
    if layer.read is not None and (layer.window is None or not _contains(layer.window, box.bounds)):
        geoms = np.asarray(layer.read(box.bounds), dtype=object)
    geoms = geoms[shapely.intersects(box, geoms)] if len(geoms) else geoms
    if not len(geoms):
        return False
    d, _ = geodesy.nearest_distance_m([around], geoms, around=around)  # from the landscape's outline or inside
    return bool(np.isfinite(d[0]) and d[0] <= COVER_MARGIN_M)


def distances_to_water(sites, layers: Sequence[WaterLayer], *, around: BaseGeometry | None = None) -> WaterDistances:
    """Geodesic distance (m) from every site to the nearest feature of the water ``layers``.

    Parameters
    ----------
    sites
        Points or polygons (EPSG:4326); a footprint's distance is from its nearest edge.
    layers
        Any number of :class:`WaterLayer` (rivers, lakes…). A layer counts for a
        site only where its extent covers the site.
    around
        Centre of the equal-area CRS used to find the nearest feature (default: the sites).

    Returns
    -------
    WaterDistances
        NaN where no layer covers the site (unknown).

    >>> line = gpd.GeoSeries([shapely.LineString([(0.1, -1), (0.1, 1)])], crs=4326)
    >>> river = WaterLayer.from_frame(line, label="r", kind="river", extent=(-1, -1, 1, 1))
    >>> res = distances_to_water([shapely.Point(0, 0), shapely.Point(5, 5)], [river])  # (5, 5): 440 km off its extent
    >>> round(float(res.distance_m[0])), bool(np.isnan(res.distance_m[1]))
    (11132, True)
    """
    sites = np.asarray(list(sites) if not isinstance(sites, np.ndarray) else sites, dtype=object)
    points = shapely.point_on_surface(sites) if len(sites) else np.zeros(0, dtype=object)
    best = np.full(len(sites), np.nan)
    by_kind: dict[str, np.ndarray] = {}
    silent = []
    for layer in layers:
        if not near_enough(layer, around):
            silent.append(layer.label)
            d = np.full(len(sites), np.nan)
        else:
            d = _layer_distances(sites, points, layer, around) if len(sites) else np.zeros(0)
        prev = by_kind.get(layer.kind)
        by_kind[layer.kind] = d if prev is None else np.fmin(prev, d)
        best = np.fmin(best, d)
    return WaterDistances(best, by_kind, tuple(layer.label for layer in layers), tuple(silent))
