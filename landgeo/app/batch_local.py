"""The local batch engine: landscapes on worker processes of the standard library's pool, on this machine.

Each worker is a fork of a server process that imported landgeo once, and runs one landscape at a time
with one thread for the numeric libraries; rows come back in the order they finish. Dask is for
``--scheduler`` (many machines): on one machine this is as fast as a running Dask cluster and needs
neither its start nor its scheduler (``benchmarks/README.md``, Batch).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed

from .batch_worker import Row, run_task

__all__ = ["WORKER_ENVIRON", "run_local"]

log = logging.getLogger(__name__)


#: What Dask's nanny gives its workers: one thread each for the numeric libraries, and memory handed back
#: to the system; without it two workers on two cores each start a thread pool and contend (88 s instead of 61 s).
WORKER_ENVIRON = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                  "NUMBA_NUM_THREADS": "1", "MALLOC_TRIM_THRESHOLD_": "65536"}


@contextlib.contextmanager
def _one_thread_per_worker():
    """``WORKER_ENVIRON`` while the pool's processes (and its fork server) start; this process keeps its own."""
    saved = {k: os.environ.get(k) for k in WORKER_ENVIRON}
    os.environ.update(WORKER_ENVIRON)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_local(tasks, out_root, options, on_row, *, workers: int) -> list[Row]:
    """``workers`` local processes of the standard library's pool, each a fork of a server that imported landgeo once.

    On one machine this does what a Dask LocalCluster did at a fraction of its cost: no scheduler, nannies or
    heartbeats in the main process and no import of the geo stack per worker (``benchmarks/README.md``, Batch).
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["landgeo.app.batch_worker"])
    rows: list[Row | None] = [None] * len(tasks)
    with _one_thread_per_worker(), ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(run_task, task, out_root, **options): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                row = future.result()
            except Exception as exc:  # the worker died (memory, crash): BrokenProcessPool for it and those after
                row = Row(tasks[i].slug, "failed", error=f"worker failed: {type(exc).__name__}: {exc}", source=tasks[i].source)
                log.error("%s: %s", tasks[i].source, row.error)
            rows[i] = row
            on_row(row)
    return rows
