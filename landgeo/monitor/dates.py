"""Dates and periods of monitoring: labels as the user wrote them, ordered by their first year."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


def date_key(label: str) -> tuple:
    """Sort key of a date label: its first four-digit year, then the label.

    >>> sorted(["2024", "2017-2020", "2015-06-30", "2015"], key=date_key)
    ['2015', '2015-06-30', '2017-2020', '2024']
    """
    m = re.search(r"\d{4}", str(label))
    return (int(m.group()) if m else 10**6, str(label))


def sorted_dates(labels: Iterable[str]) -> list[str]:
    """Distinct date labels in time order."""
    return sorted(set(labels), key=date_key)


def at_or_before(dates: Sequence[str], date: str) -> str | None:
    """The latest of ``dates`` at or before ``date``; else the earliest; None when ``dates`` is empty.

    >>> at_or_before(["2015", "2020"], "2018"), at_or_before(["2015", "2020"], "2010")
    ('2015', '2015')
    """
    if not dates:
        return None
    ordered = sorted(dates, key=date_key)
    before = [d for d in ordered if date_key(d) <= date_key(date)]
    return before[-1] if before else ordered[0]


def steps(dates: Sequence[str]) -> list[tuple[str, str]]:
    """The periods to compare: each date with the next, and the first with the last when there are more than two.

    >>> steps(["2015", "2020", "2024"])
    [('2015', '2020'), ('2020', '2024'), ('2015', '2024')]
    """
    d = sorted_dates(dates)
    out = list(zip(d, d[1:]))
    if len(d) > 2:
        out.append((d[0], d[-1]))
    return out
