"""The Landscape Performance Scorecard as a radar (spider) chart: the 20 criteria C1–I5, one outline per date.

As on the workshop template: criteria clockwise from the top, grouped by goal
(conservation C, production P, livelihoods L, institutions I), scores 1–5 on
the radius. The latest date is drawn solid and filled, earlier dates as thin
dashed outlines; each goal's mean at the latest date is an arc across its five
spokes. With several dated scorecards a line under the chart gives the trend
of each goal mean since the first date.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Wedge
from matplotlib.transforms import Affine2D, offset_copy

from ..i18n import N_, fmt_number, translator
from ..monitor.dates import date_key
from . import style
from .labels import colon
from .panel import Panel

CRITERIA = tuple(f"{g}{i}" for g in "CPLI" for i in range(1, 6))
GOALS = (("conservation", "C"), ("production", "P"), ("livelihoods", "L"), ("institutions", "I"))
GOAL_COLOURS = {"C": "#2e7d32", "P": "#d9730d", "L": "#2166ac", "I": "#7b3294"}
DATE_COLOURS = ("#9e9e9e", "#6d8fb3", "#c98b4f", "#5b9b72")  # earlier dates; the latest is drawn in TEXT colour

#: key → English message id (looked up in the catalogues of landgeo.i18n)
TEXT = {
    'title': N_('Landscape Performance Scorecard'),
    'short_title': N_('Performance Scorecard'),
    'conservation': N_('Conservation'),
    'production': N_('Production'),
    'livelihoods': N_('Livelihoods'),
    'institutions': N_('Institutions'),
    'trend': N_('Change in goal means since {d}'),
    'means': N_('goal means'),
}

def text(key: str, lang: str, **fields) -> str:
    """A scorecard chart text in ``lang``."""
    return translator(lang)(TEXT[key], **fields)


def dated_cards(scorecards: Sequence[Mapping[str, Any]] | None) -> list[Mapping[str, Any]]:
    """Scorecards that have scores, in date order (undated ones last)."""

    cards = [c for c in (scorecards or []) if isinstance(c, Mapping) and c.get("scores")]
    return sorted(cards, key=lambda c: date_key(c.get("date") or "9999"))


def _signed(v: float, lang: str) -> str:
    return ("+" if v > 0 else "−" if v < 0 else "±") + fmt_number(abs(v), lang, 1)


def trend_text(cards: Sequence[Mapping[str, Any]], lang: str) -> str | None:
    """``Change in goal means since 2022: C +0.5 · P +0.5 …`` (None with fewer than two dated cards)."""
    cards = [c for c in cards if c.get("date") and c.get("goal_means")]
    if len(cards) < 2:
        return None
    a, b = cards[0]["goal_means"], cards[-1]["goal_means"]
    parts = [f"{letter} {_signed(b[g] - a[g], lang)}" for g, letter in GOALS if a.get(g) is not None and b.get(g) is not None]

    return text("trend", lang, d=cards[0]["date"]) + colon(lang) + " · ".join(parts)


def _xy(theta, r):
    """The radar's coordinates (−5..5 on both axes) of (angle clockwise from the top, radius)."""
    return np.asarray(r) * np.sin(theta), np.asarray(r) * np.cos(theta)


def draw_scorecard_radar(fig, rect, scorecards, lang: str, *, fontsize: float = 6.0, title: bool = True,
                         max_dates: int = 4, legend: str = "right"):
    """Draw the radar in ``rect`` (figure fraction); returns its :class:`~landgeo.render.panel.Panel`, or None without scores.

    ``legend``: the dates' key to the ``"right"`` of the chart or ``"below"`` it. Drawn on a square
    panel (rings, spokes and wedges as patches and lines): a polar axes cost about a third of a
    sheet's PDF and PNG time for the same picture, and a plain axes ≈ 7 ms to make.
    """
    cards = dated_cards(scorecards)[-max_dates:]
    if not cards:
        return None
    n = len(CRITERIA)
    rmax = 5.0
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    panel = Panel(fig, rect, aspect=1.0)  # square on paper, centred in rect
    data = Affine2D().translate(rmax, rmax).scale(1 / (2 * rmax)) + panel.transform  # (-5..5)² to the panel
    width = 2 * math.pi / n
    for k, (_goal, letter) in enumerate(GOALS):  # a faint wedge behind each goal's five criteria
        a0 = angles[5 * k] - width / 2
        panel.add(Wedge((0, 0), rmax, 90 - math.degrees(a0 + 5 * width), 90 - math.degrees(a0),
                        facecolor=GOAL_COLOURS[letter], alpha=0.06, edgecolor="none", zorder=0), transform=data)
    ring = np.linspace(0, 2 * math.pi, 121)
    grid = [np.column_stack(_xy(ring, r)) for r in (1, 2, 3, 4)]
    grid += [np.column_stack(_xy(np.array([a, a]), np.array([0.0, rmax]))) for a in angles]
    panel.add(LineCollection(grid, colors="#cccccc", linewidths=0.4, zorder=1), transform=data)
    panel.add(LineCollection([np.column_stack(_xy(ring, rmax))], colors="#bbbbbb", linewidths=0.5, zorder=1),
              transform=data)
    rlab = width / 2  # the radius labels between the first two spokes
    for v in (1, 2, 3, 4, 5):
        x, y = _xy(rlab, v)
        panel.text(x, y, fmt_number(v, lang), fontsize=fontsize - 1.5, color=style.MUTED, ha="center", va="center",
                   zorder=5, transform=data)
    pad = fontsize * 1.2  # points outside the rim, as a polar axes puts its angle labels
    for a, crit in zip(angles, CRITERIA):  # texts shifted in points (an annotation each cost 3x as much)
        panel.text(*_xy(a, rmax), crit, fontsize=fontsize, fontweight="bold", color=GOAL_COLOURS[crit[0]],
                   ha="center", va="center", transform=offset_copy(data, fig=fig, x=pad * math.sin(a),
                                                                   y=pad * math.cos(a), units="points"))
    closed = np.concatenate([angles, angles[:1]])
    outlines = []
    for i, card in enumerate(cards):
        scores = card["scores"]
        vals = np.array([float(scores.get(c) or 0) for c in CRITERIA])
        x, y = _xy(closed, np.concatenate([vals, vals[:1]]))
        latest = i == len(cards) - 1
        colour = style.TEXT if latest else DATE_COLOURS[i % len(DATE_COLOURS)]
        outlines.append(panel.add(Line2D(x, y, color=colour, linewidth=1.1 if latest else 0.8, zorder=3,
                                         linestyle="-" if latest else (0, (3, 2)), label=str(card.get("date") or "–")),
                                  transform=data))
        if latest:
            panel.add(Polygon(np.column_stack([x, y]), closed=True, facecolor=colour, edgecolor=colour, alpha=0.10,
                              zorder=2), transform=data)
    means = cards[-1].get("goal_means") or {}
    for k, (goal, letter) in enumerate(GOALS):  # the latest goal means as arcs over their spokes
        m = means.get(goal)
        if m is None:
            continue
        th = np.linspace(angles[5 * k] - width * 0.4, angles[5 * k + 4] + width * 0.4, 30)
        panel.add(Line2D(*_xy(th, np.full(th.size, m)), color=GOAL_COLOURS[letter], linewidth=2.2, alpha=0.85,
                         zorder=4, solid_capstyle="butt"), transform=data)
    if title:
        panel.text(0.5, 1.0, text("title", lang), fontsize=fontsize + 1.5, fontweight="bold", color=style.TEXT,
                   ha="center", va="baseline", transform=offset_copy(panel.transform, fig=fig, y=10, units="points"))
    if legend == "below":
        panel.legend(outlines, loc="upper center", anchor=(0.5, -0.12), fontsize=fontsize - 0.3, frameon=False,
                     handlelength=1.6, borderaxespad=0, ncol=min(2, len(outlines)), columnspacing=1.0)
    else:
        panel.legend(outlines, loc="upper left", anchor=(1.0, 1.08), fontsize=fontsize - 0.5, frameon=False,
                     handlelength=1.6, borderaxespad=0)
    return panel


def goal_lines(card: Mapping[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """(letter, goal name, mean) rows of one scorecard, for a legend beside the radar."""
    means = card.get("goal_means") or {}
    return [(letter, text(goal, lang), fmt_number(means[goal], lang, 1) if means.get(goal) is not None else "–")
            for goal, letter in GOALS]
