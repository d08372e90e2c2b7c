"""Monitoring over time: a landscape's indicators across dates (floor 5, beside :mod:`landgeo.profile`).

* :func:`monitor_landscape` – every ``[[monitor.*]]`` dated layer of a recipe measured and compared;
* :func:`transition_matrix` – from-class × to-class areas between two land-cover rasters;
* :func:`boundary_change` – dated boundaries against the LandScale 10 % rule;
* :func:`profile_indicators`, :func:`merged_indicators` – the indicator rows of a profile;
* :func:`write_indicators_csv`, :func:`read_indicators_csv` – the long-form shared measurement table.
"""

from .dates import date_key, sorted_dates
from .indicators import (
                         COLUMNS,
                         INDICATORS_CSV,
                         Indicator,
                         merged_indicators,
                         profile_indicators,
                         read_indicators_csv,
                         table_rows,
                         write_indicators_csv,
)
from .landscape import (
                         Monitoring,
                         boundary_change,
                         has_monitoring,
                         monitor_landscape,
                         scorecards_over_time,
)
from .transition import TransitionMatrix, class_polygons, same_grid, transition_matrix

__all__ = [
    "COLUMNS", "INDICATORS_CSV", "Indicator", "Monitoring", "TransitionMatrix", "boundary_change", "class_polygons",
    "date_key", "has_monitoring", "merged_indicators", "monitor_landscape",
    "profile_indicators", "read_indicators_csv", "same_grid", "scorecards_over_time", "sorted_dates", "table_rows",
    "transition_matrix", "write_indicators_csv",
]
