"""Map labels that never overlap: candidates by priority, each tried at a few positions, dropped if none is free.

A label is placed only where its box (text extent in display pixels, with a small margin) lies
inside the axes and clear of every box placed before it and of reserved areas (scale bar,
north arrow). Labels are placed in decreasing priority, so a lower-priority label is the one
dropped when two would collide.

>>> from matplotlib.figure import Figure
>>> from matplotlib.backends.backend_agg import FigureCanvasAgg
>>> fig = Figure(figsize=(4, 3)); _ = FigureCanvasAgg(fig); ax = fig.add_axes([0, 0, 1, 1])
>>> lab = Labeller(ax)
>>> lab.add(0.5, 0.5, "Hamlet", priority=1); lab.add(0.5, 0.5, "Big town", priority=10)
>>> [t.get_text() for t in lab.place_all()]  # same place: the lower priority is dropped
['Big town']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matplotlib.transforms import offset_copy

#: Point-label offsets (points) tried in order: upper right, lower right, upper left, lower left, above, below.
POINT_OFFSETS = ((4, 3, "left", "bottom"), (4, -3, "left", "top"), (-4, 3, "right", "bottom"),
                 (-4, -3, "right", "top"), (0, 5, "center", "bottom"), (0, -5, "center", "top"))
CENTRED = ((0, 0, "center", "center"),)


@dataclass(order=True)
class _Candidate:
    sort_key: tuple
    x: float = field(compare=False)
    y: float = field(compare=False)
    text: str = field(compare=False)
    offsets: tuple = field(compare=False)
    kw: dict = field(compare=False)


class Labeller:
    """Collision-free label placement on one axes (display-space boxes; the figure's dpi at call time)."""

    def __init__(self, ax, *, margin: float = 1.08):
        self.ax = ax
        self.margin = margin
        self.boxes: list[Any] = []
        self.placed: list[Any] = []
        self._pending: list[_Candidate] = []
        self._n = 0
        canvas = ax.figure.canvas
        self.renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") else None

    def reserve(self, bbox) -> None:
        """Keep labels off ``bbox`` (a display-space :class:`~matplotlib.transforms.Bbox`)."""
        self.boxes.append(bbox)

    def reserve_artist(self, artist) -> None:
        """Keep labels off the area an artist (patch, text, legend) covers."""
        if self.renderer is not None:
            self.boxes.append(artist.get_window_extent(self.renderer))

    def add(self, x: float, y: float, text: str, *, priority: float = 0.0, point: bool = False, **kw) -> None:
        """Queue a label at data (x, y); ``point=True`` tries positions around the point, else centred on it."""
        if not str(text).strip():
            return
        self._n += 1
        self._pending.append(_Candidate((-float(priority), self._n), float(x), float(y), str(text),
                                        POINT_OFFSETS if point else CENTRED, kw))

    def place_all(self) -> list:
        """Place the queued labels, highest priority first; returns the text artists drawn."""
        drawn = []
        for cand in sorted(self._pending):
            artist = self._try(cand)
            if artist is not None:
                drawn.append(artist)
        self._pending = []
        return drawn

    def place(self, x, y, text, **kw) -> bool:
        """Place one label now, centred (or aligned by ``ha``/``va``) on (x, y); ``False`` if it would collide."""
        artist = self._fit(x, y, text, 0, 0, kw)
        return artist is not None

    def _try(self, cand: _Candidate):
        for dx, dy, ha, va in cand.offsets:
            kw = {**cand.kw, "ha": ha, "va": va} if cand.offsets is not CENTRED else {"ha": "center", "va": "center",
                                                                                     **cand.kw}
            artist = self._fit(cand.x, cand.y, cand.text, dx, dy, kw)
            if artist is not None:
                return artist
        return None

    def _fit(self, x, y, text, dx, dy, kw):
        transform = self.ax.transData
        if dx or dy:
            transform = offset_copy(self.ax.transData, fig=self.ax.figure, x=dx, y=dy, units="points")
        artist = self.ax.text(x, y, text, transform=transform, clip_on=False, **kw)
        if self.renderer is None:
            self.placed.append(artist)
            return artist
        box = artist.get_window_extent(self.renderer).expanded(self.margin, 1.15)
        frame = self.ax.get_window_extent(self.renderer)
        inside = box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1
        if not inside or any(box.overlaps(b) for b in self.boxes):
            artist.remove()
            return None
        self.boxes.append(box)
        self.placed.append(artist)
        return artist
