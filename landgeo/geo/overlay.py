"""The rules every overlay of lon/lat geometries follows (one value each, used on every floor).

``DENSIFY_DEG``: before geodesic areas of overlay pieces, edges are cut to at most 0.01° (about
1 km), so that a straight lon/lat edge and the geodesic between its ends agree to well under 1e-6
of the area and the pieces add up (see :mod:`landgeo.comparison.result`).

``SLIVER_SHARE``: a unit that holds less than this share of a landscape touches it only by an
edge sliver (a digitising offset), and is neither listed as spanned nor counted.
"""

from __future__ import annotations

#: Longest lon/lat edge (degrees) kept before an overlay whose pieces are measured geodesically.
DENSIFY_DEG = 0.01
#: Share of the landscape below which a touching unit is an edge sliver (0.01 %).
SLIVER_SHARE = 1e-4
