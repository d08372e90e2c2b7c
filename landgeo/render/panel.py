"""A rectangle of the page for a legend, a table or a diagram, drawn without an Axes.

An Axes costs about 7 ms to make even when it is switched off (two axes with their ticks, four
spines, three titles), several per sheet. A panel's texts, patches, lines and legend are figure
artists placed in the rectangle's own coordinates instead: (0, 0) its lower left corner, (1, 1) its
upper right, as an axes switched off with both limits 0–1 would place them. Patches and lines are
clipped to the rectangle as an axes clips them; texts are not.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox, BboxTransformTo, Transform, TransformedBbox

__all__ = ["Panel"]


class Panel:
    """The rectangle ``rect`` = (left, bottom, width, height) of ``fig``, in figure fractions."""

    def __init__(self, fig: Figure, rect: Sequence[float], *, aspect: float | None = None):
        """``aspect``: the panel's height over its width on paper; it then shrinks to that, centred in ``rect``
        (as an axes with ``set_aspect(..., adjustable="box")``, but once, for the figure's size now)."""
        self.figure = fig
        if aspect is not None:
            fig_w, fig_h = fig.get_size_inches()
            whole = Bbox.from_bounds(*rect)
            rect = whole.shrunk_to_aspect(aspect, whole, fig_h / fig_w).anchored("C", whole).bounds
        self.rect = tuple(float(v) for v in rect)
        self.box = TransformedBbox(Bbox.from_bounds(*self.rect), fig.transFigure)  # in display units
        self.transform = BboxTransformTo(self.box)  # the panel's 0–1 coordinates to display units

    def text(self, x: float, y: float, s: str, *, transform: Transform | None = None, **kwargs) -> Text:
        """A text at (x, y) of the panel, or of ``transform`` (``Figure.text`` keywords)."""
        return self.figure.text(x, y, s, transform=transform or self.transform, **kwargs)

    def add(self, artist: Artist, *, transform: Transform | None = None) -> Artist:
        """``artist`` (its coordinates the panel's, or ``transform``'s), clipped to the panel."""
        artist.set_transform(transform or self.transform)
        artist.set_clip_box(self.box)
        return self.figure.add_artist(artist)

    def plot(self, xs: Sequence[float], ys: Sequence[float], **kwargs) -> Line2D:
        """A line through the points (xs, ys) of the panel (``Line2D`` keywords)."""
        return self.add(Line2D(xs, ys, **kwargs))

    def legend(self, handles, *, loc: str, anchor: Sequence[float] = (0, 0, 1, 1), **kwargs) -> Legend:
        """A legend of ``handles`` at ``loc`` of ``anchor`` (a point or a box of the panel; default the panel)."""
        return self.figure.legend(handles=handles, loc=loc, bbox_to_anchor=anchor, bbox_transform=self.transform,
                                  **kwargs)
