"""Floor 3: watersheds from a basin table — the table, tracing upstream, suggesting basins, building a layer from a DEM."""
