"""Floor 1: the ground every floor stands on — geodesy (geodesic areas and lengths on WGS84), CRS helpers."""
