"""The local batch engine: landscapes on worker processes of the standard library's pool, on this machine.

Each worker is a fork of a server process that imported landgeo once (a fresh process where there is no
fork server), runs one landscape at a time with one thread for the numeric libraries and this process's
environment; rows come back in the order they finish. Like every ``multiprocessing`` pool, a worker imports
the calling script again: a script that runs a batch on workers needs ``if __name__ == "__main__":``. Dask is for
``--scheduler`` (many machines): on one machine this is as fast as a running Dask cluster and needs
neither its start nor its scheduler (``benchmarks/README.md``, Batch).

What a worker logs comes back to this process: each worker's ``landgeo`` logger puts its records on a queue of
the pool's context (:class:`WorkerLogHandler`, at this process's level, ``-v``/``-q``), and a listener thread here
hands each one to this process's logger of the same name, so the command line's stderr handler states it in
``--lang`` (a :class:`~landgeo.i18n.Text` message crosses as a ``Text``) and a library user's own logging sees it.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from logging.handlers import QueueHandler, QueueListener
from pathlib import PurePath

from ..errors import LandgeoError, LandgeoWarning
from ..i18n import Text
from .batch_worker import Row, run_task

__all__ = ["WORKER_ENVIRON", "WorkerLogHandler", "run_local"]

log = logging.getLogger(__name__)


#: What Dask's nanny gives its workers: one thread each for the numeric libraries, and memory handed back
#: to the system; without it two workers on two cores each start a thread pool and contend (88 s instead of 61 s).
WORKER_ENVIRON = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                  "NUMBA_NUM_THREADS": "1", "MALLOC_TRIM_THRESHOLD_": "65536"}


@contextlib.contextmanager
def _worker_environ_while_starting():
    """``WORKER_ENVIRON`` in this process while the pool starts its processes (the fork server reads it once)."""
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


_CROSSING = (str, int, float, PurePath, Text, LandgeoError, LandgeoWarning)  # rebuilt as they are in the parent


def _portable(value):
    """``value`` when it can cross to the parent as it is (a ``Text``, a ``LandgeoError``, a path…), else its ``str()``.

    Only landgeo's own message types, paths and plain values cross as they are, and only when they copy
    (``copy.deepcopy`` rebuilds them by the reduction the parent uses: their parameters must allow it);
    anything else crosses as its text.
    """
    if value is None or isinstance(value, (str, int, float)):  # a Sentence is a str that crosses as its Text
        return value
    if not isinstance(value, _CROSSING):
        return str(value)
    try:
        copy.deepcopy(value)
    except Exception:  # noqa: BLE001  # whatever cannot be rebuilt crosses as its text
        return str(value)
    return value


class WorkerLogHandler(QueueHandler):
    """A worker's records onto the parent's queue, still to be formatted there (in the run's language).

    Unlike :meth:`QueueHandler.prepare <logging.handlers.QueueHandler.prepare>`, which formats the message
    here (a ``Text`` would become English), the message and its arguments stay as logged when they can cross
    (:func:`_portable`); only a traceback is made text, as it cannot cross. The record logged is not changed.
    """

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record = copy.copy(record)
        if record.exc_info:
            record.exc_text = record.exc_text or _TRACEBACKS.formatException(record.exc_info)
            record.exc_info = None
        record.msg = _portable(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_portable(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _portable(v) for k, v in record.args.items()}
        return record


_TRACEBACKS = logging.Formatter()


class _ParentLoggers(logging.Handler):
    """The listener's one handler: a worker's record goes to this process's logger of its name (its handlers,
    filters and propagation, as if it had been logged here)."""

    def emit(self, record: logging.LogRecord) -> None:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


class _Listener(QueueListener):
    """A :class:`QueueListener` whose ``stop`` waits a bounded time: a worker killed while writing a record
    (a broken pool) must not hold up the end of the batch."""

    def stop(self, timeout: float = 10.0) -> None:
        thread = self._thread
        if thread is None:
            return
        self.enqueue_sentinel()
        thread.join(timeout)
        self._thread = None


@contextlib.contextmanager
def _worker_logs(context):
    """A queue for the workers' records and the listener that logs them here, stopped however the pool ends."""
    logs = context.Queue()
    listener = _Listener(logs, _ParentLoggers())
    listener.start()
    try:
        yield logs
    finally:
        listener.stop()  # after the records the workers put before they ended
        logs.close()


def _start_worker(environ: dict[str, str], logs=None, level: int = logging.WARNING) -> None:
    """In each worker: this batch's environment (``SOURCE_DATE_EPOCH``, GDAL options…), not the fork server's,
    and the ``landgeo`` logger's records onto ``logs`` at the parent's ``level``."""
    os.environ.clear()
    os.environ.update(environ)
    if logs is not None:
        logger = logging.getLogger("landgeo")
        logger.handlers[:] = [WorkerLogHandler(logs)]
        logger.setLevel(level)
        logger.propagate = False  # the parent's loggers propagate them; nothing here prints a second copy
    try:
        import numba

        numba.set_num_threads(1)
    except Exception:  # noqa: BLE001  # numba's pool already started wider, or no numba: the environment stands
        pass
    gc.collect()  # garbage of the start-up is not kept for good by the freeze
    gc.freeze()  # the ~300,000 objects of the modules imported so far stay out of every later full collection


def _context():
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["landgeo.app.batch_worker"])
    return context


def _pool(workers: int, context, logs) -> ProcessPoolExecutor:
    level = logging.getLogger("landgeo").getEffectiveLevel()
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=({**os.environ, **WORKER_ENVIRON}, logs, level))


def _failed(task, exc: BaseException) -> Row:
    row = Row(task.slug, "failed", error=f"worker failed: {type(exc).__name__}: {exc}", source=task.source, internal=True)
    log.error(Text("{source}: worker failed: {error}", params={"source": str(task.source), "error": f"{type(exc).__name__}: {exc}"}))
    return row


def _run_pool(tasks, indices, out_root, options, on_row, rows, workers: int) -> list[int]:
    """Run ``tasks[i]`` for ``i`` in ``indices`` on a pool; the indices left unfinished when a worker died."""
    context = _context()
    with _worker_logs(context) as logs:
        pool = _pool(workers, context, logs)
        broken: list[int] = []
        try:
            with _worker_environ_while_starting():
                futures = {pool.submit(run_task, tasks[i], out_root, **options): i for i in indices}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    rows[i] = future.result()
                except BrokenProcessPool:
                    broken.append(i)
                    continue
                except Exception as exc:  # noqa: BLE001  # run_task records its own failures; this is the transport
                    rows[i] = _failed(tasks[i], exc)
                on_row(rows[i])
        except BaseException:  # Ctrl-C, or the caller's on_row: stop feeding the workers, do not wait for the queue
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)  # the workers have ended: every record they logged is on the queue
    return sorted(broken)


def run_local(tasks, out_root, options, on_row, *, workers: int) -> list[Row]:
    """``workers`` local processes of the standard library's pool, each a fork of a server that imported landgeo once.

    When a worker dies (memory, a crash in a native library) the pool is lost with every landscape not yet
    finished; those are run again one at a time, each in a process of its own, so only the landscape that
    kills its process fails (named in its row) and the others are written.
    """
    rows: list[Row | None] = [None] * len(tasks)
    broken = _run_pool(tasks, range(len(tasks)), out_root, options, on_row, rows, workers)
    if broken:
        log.warning(Text("batch: a worker process died; the {n} landscape it left unfinished runs again on its own",
                         "batch: a worker process died; the {n} landscapes it left unfinished run again one at a time",
                         params={"n": len(broken)}))
    for i in broken:
        if _run_pool(tasks, [i], out_root, options, on_row, rows, 1):
            rows[i] = _failed(tasks[i], BrokenProcessPool("the landscape's worker process died"))
            on_row(rows[i])
    return rows
