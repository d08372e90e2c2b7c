"""A validated basin tree (HYBAS_ID → NEXT_DOWN) with a pre-order interval index.

Every unit drains to at most one unit downstream (``NEXT_DOWN``; ``0`` marks an
outlet: the sea, an endorheic sink or a coastal unit). A ``NEXT_DOWN`` naming an
id that is not in the table means the unit *drains out of the layer* (the
layer was clipped from a larger one, the way users hold HydroBASINS): it is an
outlet of this table, listed in :attr:`BasinTable.drains_out`; tracing upstream
never needs the units downstream. Cycles and duplicate ids stay errors. Numbering the units in
depth-first pre-order, the units upstream of ``u`` (``u`` included) are exactly
the positions ``pre[u] .. pre[u] + size[u] - 1``: tracing is a slice, and
upstream totals of any per-unit value come from one cumulative sum.

Building the index is O(n): validation and the child lists are numpy, the
depth-first walk is one compiled (numba) loop. On 10^6 units it builds in well
under a second; see ``benchmarks/bench_trace.py``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numba
import numpy as np

from ...errors import BasinTableError
from ...i18n import Text

log = logging.getLogger(__name__)

_SHOW = 10  # how many ids an error message lists


def _listing(values, total: int | None = None) -> str:
    values = [int(v) for v in values]
    total = len(values) if total is None else total
    text = ", ".join(str(v) for v in values[:_SHOW])
    if total > _SHOW:
        text += f", … ({total} in all)"
    return text


@numba.njit(cache=True, nogil=True)
def _preorder(roots, child_ptr, child_idx, parent, n):  # pragma: no cover - compiled
    """Depth-first pre-order numbering from ``roots``; unreached units keep pre = -1."""
    order = np.empty(n, dtype=np.int64)
    pre = np.full(n, -1, dtype=np.int64)
    size = np.ones(n, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    pos = 0
    for r in roots:
        sp = 0
        stack[0] = r
        sp = 1
        while sp > 0:
            sp -= 1
            u = stack[sp]
            pre[u] = pos
            order[pos] = u
            pos += 1
            # push children in reverse so the first child is visited first
            for k in range(child_ptr[u + 1] - 1, child_ptr[u] - 1, -1):
                stack[sp] = child_idx[k]
                sp += 1
    # subtree sizes: children come after their parent in pre-order
    for k in range(pos - 1, -1, -1):
        u = order[k]
        p = parent[u]
        if p >= 0:
            size[p] += size[u]
    return order[:pos], pre, size


@numba.njit(cache=True, nogil=True)
def _children(parent, n):  # pragma: no cover - compiled
    """Child lists as CSR (``child_idx[child_ptr[u]:child_ptr[u + 1]]``), by counting sort."""
    child_ptr = np.zeros(n + 1, dtype=np.int64)
    for u in range(n):
        if parent[u] >= 0:
            child_ptr[parent[u] + 1] += 1
    for u in range(n):
        child_ptr[u + 1] += child_ptr[u]
    fill = child_ptr[:-1].copy()
    child_idx = np.empty(child_ptr[n], dtype=np.int64)
    for u in range(n):
        p = parent[u]
        if p >= 0:
            child_idx[fill[p]] = u
            fill[p] += 1
    return child_ptr, child_idx


def _as_int_ids(values, what: Text, source: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind == "b" or arr.dtype.kind not in "fO":
        raise BasinTableError(Text("{source}: {what} must hold integer ids, found values of type {dtype}; check the field mapping", params={"source": str(source), "what": what, "dtype": str(arr.dtype)}))
    try:
        as_float = arr.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise BasinTableError(Text("{source}: {what} must hold integer ids ({exc}); check the field mapping", params={"source": str(source), "what": what, "exc": str(exc)})) from exc
    bad = ~np.isfinite(as_float) | (as_float != np.round(as_float))
    if bad.any():
        rows = np.nonzero(bad)[0]
        raise BasinTableError(
            Text("{source}: {what} is empty or not an integer in {value} rows (rows {value2}); every unit needs an integer id, and NEXT_DOWN = 0 for an outlet", params={"source": str(source), "what": what, "value": str(bad.sum()), "value2": str(_listing(rows, int(bad.sum())))})
        )
    return as_float.astype(np.int64)


@dataclass(frozen=True, eq=False)
class BasinTable:
    """A validated drainage tree over ``n`` basin units (row positions ``0..n-1``).

    Attributes
    ----------
    ids, next_down
        The units' ids and the id each drains to (``outlet`` for none).
    parent
        Row position of the downstream unit, ``-1`` for an outlet.
    order
        Row positions in depth-first pre-order.
    pre, size
        ``order[pre[u]:pre[u] + size[u]]`` are ``u`` and every unit upstream of it.
    """

    ids: np.ndarray
    next_down: np.ndarray
    parent: np.ndarray
    order: np.ndarray
    pre: np.ndarray
    size: np.ndarray
    child_ptr: np.ndarray
    child_idx: np.ndarray
    outlet: int = 0
    source: str = "basin table"
    #: Row positions of the units whose NEXT_DOWN is not in the table (they drain out of the layer).
    drains_out: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    def from_arrays(cls, ids, next_down, *, outlet: int = 0, source: str = "basin table") -> BasinTable:
        """Validate ``ids``/``next_down`` and build the interval index.

        Parameters
        ----------
        ids, next_down
            Integer ids of the units and of the unit each drains to.
        outlet
            The ``next_down`` value that marks an outlet (HydroBASINS: 0).
        source
            A name for error messages (the file, or file:layer).

        Raises
        ------
        BasinTableError
            On duplicate ids, a NEXT_DOWN cycle, or non-integer values; the
            message names the ids. A NEXT_DOWN naming an id not in the table is
            not an error: that unit drains out of the layer (see :attr:`drains_out`).
        """
        ids = _as_int_ids(ids, Text("the id field"), source)
        nd = _as_int_ids(next_down, Text("the NEXT_DOWN field"), source)
        n = len(ids)
        if len(nd) != n:
            raise BasinTableError(Text("{source}: {n} ids but {n2} NEXT_DOWN values", params={"source": str(source), "n": n, "n2": len(nd)}))
        sorter = np.argsort(ids)  # ids are unique once checked: no need for a stable sort
        sorted_ids = ids[sorter]
        dup = sorted_ids[1:][sorted_ids[1:] == sorted_ids[:-1]]
        if len(dup):
            dup = np.unique(dup)
            raise BasinTableError(Text("{source}: duplicate unit ids {value}; each unit needs its own id", params={"source": str(source), "value": str(_listing(dup))}))
        if (ids == outlet).any():
            raise BasinTableError(Text("{source}: a unit has id {outlet}, the value that marks an outlet in NEXT_DOWN; renumber it", params={"source": str(source), "outlet": str(outlet)}))
        is_outlet = nd == outlet
        # look NEXT_DOWN up among the sorted ids; sorting the queries first keeps the search cache-friendly
        nd_order = np.argsort(nd)
        pos = np.empty(n, dtype=np.int64)
        pos[nd_order] = np.searchsorted(sorted_ids, nd[nd_order])
        pos = np.minimum(pos, max(n - 1, 0))
        found = (sorted_ids[pos] == nd) if n else np.zeros(0, bool)
        missing = ~found & ~is_outlet
        drains_out = np.nonzero(missing)[0].astype(np.int64)
        if len(drains_out):
            pairs = [f"{ids[r]} → {nd[r]}" for r in drains_out[:_SHOW]]
            shown = ", ".join(pairs) + (", …" if len(drains_out) > _SHOW else "")
            log.info(Text("{layer}: {n} unit drains out of the layer ({units})", "{layer}: {n} units drain out of the layer ({units})",
                          params={"layer": str(source), "n": len(drains_out), "units": shown}))
        is_outlet = is_outlet | missing
        parent = np.where(is_outlet, -1, sorter[pos]).astype(np.int64)
        child_ptr, kids = _children(parent, n)
        roots = np.nonzero(parent < 0)[0].astype(np.int64)
        order, pre, size = _preorder(roots, child_ptr, kids, parent, n)
        if len(order) < n:
            cls._raise_cycle(ids, parent, pre, source)
        arrays = (ids.copy(), nd.copy(), parent, order, pre, size, child_ptr, kids)  # copies: never freeze the caller's arrays
        for a in (*arrays, drains_out):
            a.flags.writeable = False  # upstream() hands out views: keep the index immutable
        return cls(*arrays, int(outlet), source, drains_out)

    def drains_out_text(self, limit: int = _SHOW) -> str:
        """``"7120019190 → 7120018050, …"``: the units that drain out of the layer and where to."""
        pairs = [f"{int(self.ids[r])} → {int(self.next_down[r])}" for r in self.drains_out[:limit]]
        more = f", … ({len(self.drains_out)})" if len(self.drains_out) > limit else ""  # the count: no words, any language
        return ", ".join(pairs) + more

    @staticmethod
    def _raise_cycle(ids, parent, pre, source) -> None:
        unreached = np.nonzero(pre < 0)[0]
        # walk downstream from one unreached unit until a unit repeats: that is the cycle
        seen: dict[int, int] = {}
        u = int(unreached[0])
        while u not in seen:
            seen[u] = len(seen)
            u = int(parent[u])
        walk = list(seen)
        cycle = walk[seen[u]:]
        chain = " → ".join(str(int(ids[c])) for c in cycle[:_SHOW])
        more = " → …" if len(cycle) > _SHOW else ""
        raise BasinTableError(
            Text("{source}: NEXT_DOWN forms a cycle ({chain}{more} → {n}); {n2} units never reach an outlet. Fix NEXT_DOWN so that the chain ends in 0", params={"source": str(source), "chain": str(chain), "more": str(more), "n": int(ids[cycle[0]]), "n2": len(unreached)})
        )

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, ids) -> np.ndarray:
        """Row positions of ``ids``; :class:`BasinTableError` naming unknown ids."""
        want = _as_int_ids(np.atleast_1d(np.asarray(ids)), Text("the requested ids"), self.source)
        sorter = np.argsort(self.ids, kind="stable")
        sorted_ids = self.ids[sorter]
        pos = np.minimum(np.searchsorted(sorted_ids, want), max(len(self) - 1, 0))
        ok = (sorted_ids[pos] == want) if len(self) else np.zeros(len(want), bool)
        if not ok.all():
            raise BasinTableError(Text("{source}: no unit with id {value}; check the ids against the id field", params={"source": str(self.source), "value": str(_listing(want[~ok]))}))
        return sorter[pos]

    def upstream(self, u: int) -> np.ndarray:
        """Row positions of ``u`` and every unit that drains to it (a view, pre-order)."""
        start = self.pre[u]
        return self.order[start : start + self.size[u]]

    def upstream_of_many(self, units) -> np.ndarray:
        """Row positions upstream of any of ``units`` (each once, pre-order)."""
        units = np.unique(np.asarray(units, dtype=np.int64))
        if len(units) == 0:
            return np.zeros(0, dtype=np.int64)
        mark = np.zeros(len(self) + 1, dtype=np.int64)
        np.add.at(mark, self.pre[units], 1)
        np.add.at(mark, self.pre[units] + self.size[units], -1)
        covered = np.cumsum(mark[:-1]) > 0
        return self.order[covered]

    def children(self, u: int) -> np.ndarray:
        """Row positions of the units draining directly to ``u``."""
        return self.child_idx[self.child_ptr[u] : self.child_ptr[u + 1]]

    def downstream(self, u: int) -> np.ndarray:
        """Row positions from ``u`` down to its outlet (``u`` first)."""
        pre_u = self.pre[u]
        anc = np.nonzero((self.pre <= pre_u) & (pre_u < self.pre + self.size))[0]
        return anc[np.argsort(-self.pre[anc])]

    def root(self, u: int) -> int:
        """Row position of the outlet unit ``u`` drains to (``u`` itself for an outlet)."""
        return int(self.downstream(u)[-1])

    def upstream_totals(self, values, units=None) -> np.ndarray:
        """For each unit (or each of ``units``), the sum of ``values`` over its upstream set.

        ``values`` is per row; NaN propagates into the totals it is part of.
        """
        vals = np.asarray(values, dtype=np.float64)
        cs = np.zeros(len(self) + 1)
        np.cumsum(vals[self.order], out=cs[1:])
        if units is None:
            return cs[self.pre + self.size] - cs[self.pre]
        units = np.asarray(units, dtype=np.int64)
        return cs[self.pre[units] + self.size[units]] - cs[self.pre[units]]

    def selection_outlets(self, rows) -> np.ndarray:
        """The units of a selection whose downstream unit is not in it."""
        rows = np.asarray(rows, dtype=np.int64)
        inside = np.zeros(len(self), dtype=bool)
        inside[rows] = True
        par = self.parent[rows]
        return rows[(par < 0) | ~inside[np.maximum(par, 0)]]
