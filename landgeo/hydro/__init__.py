"""Floor 3: hydrology on grids — numba kernels (core, condition, accumulate, units) and the FlowGrid object over them (flowgrid)."""
