"""Floor 3: hydrology on grids — the numba kernels (fill, D8, flats, accumulation, tracing)."""
