"""Many landscapes: one task per landscape, run here, on local worker processes, or on the user's Dask cluster.

A task carries only small data — a recipe path, or a unit's recipe as a plain
dict — and the output folder; workers read layers and rasters from their paths.
Administrative units layers are read once per worker process (see
:func:`read_vector_once`), not once per landscape. Each task writes
``OUT/<slug>/`` through :func:`landgeo.pipeline.write_profile_dir` and returns
one summary row; a failing landscape is recorded and the others go on. The run
ends with ``OUT/summary.csv`` in task order, ``OUT/indicators.csv`` (every
landscape's indicator rows, the shared measurement table) and ``OUT/atlas.pdf``,
drawn here from the written folders.

With ``workers=0`` (the default here; the command line's is the number of CPUs) the tasks run one after
another in this process; every engine gives the same bytes. Dask (the ``dask`` extra) is only needed for
a ``scheduler``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import LandgeoError, NothingToWriteError, OutputError, OutputExistsError, UsageError
from ..i18n import Text
from ..io.atomic import (
    atomic_file,
    check_target,
    is_landgeo_output,
    refuse_inputs,
    write_csv,
)
from ..io.profile_dir import INDICATORS_CSV as INDICATORS
from ..io.text import read_text
from ..monitor import read_indicators_csv, write_indicators_csv
from ..recipe.parse import input_paths
from ..render.atlas import AtlasFailure, write_atlas
from ..render.outputs import load_profile_dir
from .batch_local import run_local
from .batch_worker import (
    SUMMARY_FIELDS,
    BatchResult,
    Row,
    Task,
    delineate_reusing_layers,
    plan_batch,
    read_vector_once,
    recipe_tasks,
    row_from_profile,
    run_task,
    set_aside_row,
    units_tasks,
)
from .pipeline import ATLAS, not_profiled, withhold
from .scheduler_probe import probe_tcp_scheduler

log = logging.getLogger(__name__)

INSTALL_HINT = 'pip install "landgeo[dask]"'
CONNECT_TIMEOUT_S = 20

# --- engines -------------------------------------------------------------------------------

def _have_dask() -> bool:
    try:
        import distributed  # noqa: F401  # optional: Dask (the [dask] extra)
    except ImportError:
        return False
    return True


def _run_serial(tasks, out_root, options, on_row) -> list[Row]:
    rows = []
    for task in tasks:
        rows.append(run_task(task, out_root, **options))
        on_row(rows[-1])
    return rows


SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")


def check_scheduler_address(address: str) -> str:
    """``SCHEME://HOST:PORT`` checked without connecting (a garbage address is refused at once).

    Raises
    ------
    UsageError
        Not an address a Dask scheduler can have.
    """
    fix = Text("give the address `dask scheduler` prints, e.g. tcp://192.168.1.5:8786")
    m = re.fullmatch(r"(?:([a-z]+)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253}):([0-9]{1,5})", address.strip())
    if not m:
        raise UsageError(Text("--scheduler {address}: not a scheduler address (SCHEME://HOST:PORT); {fix}",
                              params={"address": repr(address), "fix": fix}))
    scheme, host, port = m.group(1) or "tcp", m.group(2), int(m.group(3))
    if scheme not in SCHEDULER_SCHEMES:
        raise UsageError(Text("--scheduler {address}: unknown protocol {scheme} (use {schemes}); {fix}",
                              params={"address": repr(address), "scheme": repr(scheme), "schemes": ", ".join(SCHEDULER_SCHEMES),
                                      "fix": fix}))
    if not 1 <= port <= 65535:
        raise UsageError(Text("--scheduler {address}: port {port:d} is not between 1 and 65535; {fix}",
                              params={"address": repr(address), "port": port, "fix": fix}))
    if host.startswith(".") or ".." in host or host.startswith("-"):
        raise UsageError(Text("--scheduler {address}: {host} is not a host name; {fix}",
                              params={"address": repr(address), "host": repr(host), "fix": fix}))
    return f"{scheme}://{host}:{port}"


def _connect(scheduler: str, timeout: float):
    """A dask Client of the running scheduler at ``scheduler``, checked before Dask trusts what it sends."""
    from dask.distributed import Client  # optional: Dask (the [dask] extra)

    try:
        address = check_scheduler_address(scheduler)
        probe_tcp_scheduler(address, timeout)  # before Dask trusts what the server sends
        return Client(address, timeout=timeout, set_as_default=False)
    except UsageError:
        raise
    except Exception as exc:  # OSError, TimeoutError, or a server that is not Dask (garbage frames, MemoryError)
        raise UsageError(Text(
            "--scheduler {address}: no Dask scheduler answered within {timeout:.0f} s ({reason}); give the address "
            "`dask scheduler` prints (tcp://HOST:PORT), or leave out --scheduler for a local cluster",
            params={"address": str(scheduler), "timeout": float(timeout), "reason": str(exc)})) from exc


def _run_dask(tasks, out_root, options, on_row, *, scheduler: str, timeout: float) -> list[Row]:
    from dask.distributed import as_completed  # optional: Dask (the [dask] extra)

    client = _connect(scheduler, timeout)
    try:
        log.info(Text("batch: {n} landscape on {scheduler}", "batch: {n} landscapes on {scheduler}",
                      params={"n": len(tasks), "scheduler": str(scheduler)}))
        run = uuid.uuid4().hex[:8]  # keys unique per run: another batch on a shared scheduler may use the same slugs
        futures = {
            client.submit(run_task, task, out_root, **options, key=f"landgeo-{run}-{i:06d}-{task.slug}", pure=False): i
            for i, task in enumerate(tasks)
        }
        rows: list[Row | None] = [None] * len(tasks)
        for future in as_completed(futures, loop=client.loop):
            i = futures[future]
            try:
                row = future.result()
            except Exception as exc:  # the worker died (memory, crash) or the cluster went away
                row = Row(tasks[i].slug, "failed", error=f"worker failed: {type(exc).__name__}: {exc}", source=tasks[i].source,
                          internal=True)
                log.error(Text("{source}: worker failed: {error}",
                               params={"source": str(tasks[i].source), "error": f"{type(exc).__name__}: {exc}"}))
            rows[i] = row
            on_row(row)
        return rows
    finally:
        client.close()


# --- the batch -----------------------------------------------------------------------------

def _skip_complete(tasks: Sequence[Task], out_root: Path) -> tuple[list[Task], dict[int, Row]]:
    """--resume: tasks whose ``OUT/<slug>/`` is a complete folder landgeo wrote are skipped, their row read from it.

    A folder landgeo did not write is never touched: its task fails with a message.
    """
    todo, skipped = [], {}
    for i, task in enumerate(tasks):
        folder = out_root / task.slug
        done = folder / "profile.json"
        if folder.exists() and not is_landgeo_output(folder):
            skipped[i] = Row(task.slug, "failed", source=task.source,
                             error=f"{folder}: exists and was not written by landgeo, so --resume leaves it alone; "
                                   "move it away or choose another -o")
        elif done.is_file():
            try:
                skipped[i] = row_from_profile(json.loads(read_text(done)), status="skipped", source=task.source)
            except (ValueError, KeyError, TypeError) as exc:
                skipped[i] = Row(task.slug, "failed", source=task.source,
                                 error=f"{done}: not a landgeo profile ({exc}); remove {folder} to profile it again")
        else:
            todo.append(task)
    return todo, skipped


def _refuse_existing(tasks: Sequence[Task], out_root: Path, *, resume: bool, overwrite: bool, atlas: bool) -> None:
    """Before any work: existing folders (without --resume/--overwrite), a summary or atlas of another batch,
    outputs on top of inputs, an -o that cannot be written."""

    if out_root.exists() and not out_root.is_dir():
        raise OutputError(Text("-o {folder}: is a file, not a folder; give a folder for the batch", params={"folder": str(out_root)}))
    check_target(out_root / "summary.csv", overwrite=True, kind="file", create_parents=True)  # -o writable
    if not (resume or overwrite):
        there = [t.slug for t in tasks if (out_root / t.slug).exists()]
        if there:
            params = {"folder": str(out_root), "n": len(there), "shown": ", ".join(there[:5]), "more": len(there) - 5}
            if len(there) > 5:
                message = Text("{folder}: {n} landscape folders already exist ({shown} and {more} more); pass --resume to "
                               "skip complete ones or --overwrite to replace them", params=params)
            else:
                message = Text("{folder}: {n} landscape folder already exists ({shown}); pass --resume to skip complete "
                               "ones or --overwrite to replace them",
                               "{folder}: {n} landscape folders already exist ({shown}); pass --resume to skip complete ones "
                               "or --overwrite to replace them", params=params)
            raise OutputExistsError(message)
        for name in ("summary.csv", INDICATORS) + ((ATLAS,) if atlas else ()):
            if (out_root / name).exists():
                raise OutputExistsError(Text("{file}: already exists (another batch?); pass --resume to continue that "
                                             "batch, --overwrite to replace it, or choose another -o",
                                             params={"file": str(out_root / name)}))
    inputs: list[Path] = []
    for t in {t.file: t for t in tasks if t.data is None}.values():
        with contextlib.suppress(LandgeoError):
            inputs += input_paths(t.recipe())
    for t in [t for t in tasks if t.data is not None][:1]:  # units tasks share their layer and attach recipe
        with contextlib.suppress(LandgeoError):
            inputs += input_paths(t.recipe())
    outputs = [out_root / t.slug for t in tasks] + [out_root / "summary.csv", out_root / INDICATORS, out_root / ATLAS]
    refuse_inputs(outputs, inputs)


def _duplicate_slugs(tasks: Sequence[Task]) -> None:
    """Two landscapes of one batch with one slug would share a folder: refuse before any work."""
    first: dict[str, Task] = {}
    for t in tasks:
        if t.slug in first:
            raise UsageError(Text("{file}: slug {slug} is also used by {other}; both would write OUT/{folder}/, so nothing "
                                  "was written; set [landscape] slug to a unique name",
                                  params={"file": str(t.source), "slug": repr(t.slug), "other": str(first[t.slug].source),
                                          "folder": t.slug}))
        first[t.slug] = t


def write_summary(rows: Sequence[Row], path: str | Path, *, overwrite: bool = True) -> Path:
    """Write summary.csv atomically (UTF-8, one row per landscape, empty cells for missing values, text neutralised)."""
    return write_csv((asdict(r) for r in rows), path, fieldnames=SUMMARY_FIELDS, overwrite=overwrite)


def write_batch_indicators(rows: Sequence[Row], out_root: str | Path, *, overwrite: bool = True) -> Path:
    """``out_root/indicators.csv``: every profiled landscape's own indicators.csv rows, in task order.

    Read back from each landscape's folder, so the table is the same whichever engine ran the batch.
    """
    out_root = Path(out_root)
    rows_out = [row for r in rows if r.status != "failed" and (out_root / r.slug / INDICATORS).is_file()
                for row in read_indicators_csv(read_text(out_root / r.slug / INDICATORS))]
    return write_indicators_csv(rows_out, out_root / INDICATORS, overwrite=overwrite)


def write_batch_atlas(rows: Sequence[Row], out_root: str | Path, *, lang: str | None = None, overwrite: bool = True) -> Path:
    """``out_root/atlas.pdf``: a sheet per landscape profiled (read back from its folder), failures listed.

    Sheets are drawn in this process from the written folders, so the atlas
    is the same whichever engine ran the batch.
    """
    out_root = Path(out_root)
    items = []
    for r in rows:
        if r.status == "failed":
            items.append(AtlasFailure(r.slug, r.error or "failed"))
            continue
        folder = out_root / r.slug
        sheet_pdf = folder / "sheet.pdf"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if sheet_pdf.is_file():  # drawn by the worker: the atlas copies its page (boundary for the overview)
                    profile, layers = load_profile_dir(folder, layers_wanted=("boundary",))
                else:
                    profile, layers = load_profile_dir(folder)
        except LandgeoError as exc:
            items.append(AtlasFailure(r.slug, str(exc)))
            continue
        items.append((profile, layers, {k: Path(v) for k, v in r.rasters}, sheet_pdf if sheet_pdf.is_file() else None))
    lang = lang or next((item[0].get("language") for item in items if isinstance(item, tuple)), None) or "en"
    with atomic_file(out_root / ATLAS, overwrite=overwrite) as tmp:
        write_atlas(items, tmp, lang=lang)
    return out_root / ATLAS


def run_batch(
    tasks: Sequence[Task],
    out_root: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    lang: str | None = None,
    offline: bool = True,
    maps: bool = True,
    min_ha: float | None = None,
    max_ha: float | None = None,
    failed: Sequence[Row] = (),
    on_row: Callable[[Row], Any] | None = None,
    atlas: bool = True,
    connect_timeout: float = CONNECT_TIMEOUT_S,
) -> BatchResult:
    """Profile every task into ``out_root/<slug>/`` and write ``out_root/summary.csv``.

    Parameters
    ----------
    tasks
        From :func:`recipe_tasks` and/or :func:`units_tasks`.
    workers
        Local worker processes (one thread each, see :mod:`.batch_local`); ``0`` or None (the default)
        runs the tasks in this process. A script that asks for workers needs ``if __name__ == "__main__":``.
    scheduler
        ``tcp://HOST:PORT`` of a running Dask scheduler; its workers must see
        the same paths (inputs and ``out_root``) and have landgeo installed.
    maps
        Write map.html, sheet.pdf and sheet.png in each landscape's folder.
    resume
        Skip landscapes whose ``profile.json`` exists; without it (and without
        ``overwrite``) existing landscape folders are refused up front.
    failed
        Rows of landscapes that failed before running (e.g. unreadable recipes),
        reported in the summary.
    on_row
        Called with each row as it completes (a progress bar).
    atlas
        Also write ``out_root/atlas.pdf`` (contents page, a sheet per landscape).
    connect_timeout
        Seconds to wait for ``scheduler`` to answer.

    Returns
    -------
    BatchResult
        Rows in task order (failed-before-running rows last).
    """
    # long: plan, refuse before any work, pick the engine, run, then write the shared summary, indicators and
    # atlas: one place holds the output discipline of the whole batch
    out_root = Path(out_root).resolve()
    tasks = list(tasks)
    if scheduler is not None:
        check_scheduler_address(scheduler)
    _duplicate_slugs(tasks)
    _refuse_existing(tasks, out_root, resume=resume, overwrite=overwrite, atlas=atlas)
    dup_failed: list[Row] = []
    replace_own = resume or overwrite  # summary.csv and atlas.pdf of the batch being resumed or replaced
    skipped: dict[int, Row] = {}
    todo = list(tasks)
    if resume:
        todo, skipped = _skip_complete(tasks, out_root)
        overwrite = True  # only folders landgeo wrote (its marker) are ever replaced; see landgeo.io.atomic
        if skipped:
            log.info(Text("batch: {n} landscape already complete, skipped (--resume)",
                          "batch: {n} landscapes already complete, skipped (--resume)", params={"n": len(skipped)}))
    on_row = on_row or (lambda row: None)
    for row in skipped.values():
        on_row(row)
    options = dict(lang=lang, offline=offline, maps=maps, overwrite=overwrite, min_ha=min_ha, max_ha=max_ha)
    workers = workers or 0
    start = time.perf_counter()
    if not todo:
        done: list[Row] = []
    elif scheduler is None and workers == 0:
        done = _run_serial(todo, str(out_root), options, on_row)
    elif scheduler is None:
        workers = max(1, min(workers, len(todo)))
        log.info(Text("batch: {n} landscape; local worker processes: {workers}", "batch: {n} landscapes; local worker processes: {workers}",
                      params={"n": len(todo), "workers": int(workers)}))
        done = run_local(todo, str(out_root), options, on_row, workers=workers)
    elif not _have_dask():
        raise UsageError(Text("--scheduler needs Dask, which is not installed; {hint}", params={"hint": INSTALL_HINT}))
    else:
        done = _run_dask(todo, str(out_root), options, on_row, scheduler=scheduler, timeout=connect_timeout)
    if overwrite:  # a worker that died left its landscape's earlier folder (run_task sets aside the others')
        done = [set_aside_row(r, t, out_root) if r.status == "failed" else r for r, t in zip(done, todo)]
    it = iter(done)
    rows = [skipped[i] if i in skipped else next(it) for i in range(len(tasks))] + list(dup_failed) + list(failed)
    for row in list(dup_failed) + list(failed):
        on_row(row)
    log.info(Text("batch: {n} landscape in {seconds:,.1f} s", "batch: {n} landscapes in {seconds:,.1f} s",
                  params={"n": len(todo), "seconds": time.perf_counter() - start}))
    out_root.mkdir(parents=True, exist_ok=True)  # only now: a run that could not start leaves nothing
    summary = write_summary(rows, out_root / "summary.csv", overwrite=replace_own)  # failures too: the run's record
    shared = [out_root / INDICATORS] + ([out_root / ATLAS] if atlas else [])
    if all(r.status == "failed" for r in rows):  # an atlas of failures and an empty table are not results
        log.info(not_profiled(shared))
        withhold(shared, replace=replace_own)
        return BatchResult(rows, summary, None)
    write_batch_indicators(rows, out_root, overwrite=replace_own)
    pdf = None
    if atlas:
        try:
            pdf = write_batch_atlas(rows, out_root, lang=lang, overwrite=replace_own)
        except NothingToWriteError as exc:  # no sheet could be drawn (each one's reason is logged)
            log.warning(exc.text)
            withhold([out_root / ATLAS], replace=replace_own)
        except Exception as exc:  # the profiles and the summary are written; say why the atlas is missing
            log.error(Text("batch: the atlas could not be written ({error}); the profiles and {summary} are complete",
                           params={"summary": str(summary), "error": f"{type(exc).__name__}: {exc}"}),
                      exc_info=exc if log.isEnabledFor(logging.DEBUG) else None)  # the traceback with -vv
            withhold([out_root / ATLAS], replace=replace_own)
    return BatchResult(rows, summary, pdf)


#: The public names of a batch, from one place (tasks and rows live in :mod:`landgeo.app.batch_worker`).
__all__ = ["INSTALL_HINT", "SUMMARY_FIELDS", "BatchResult", "Row", "Task", "check_scheduler_address", "delineate_reusing_layers",
           "plan_batch", "read_vector_once", "recipe_tasks", "row_from_profile", "run_batch", "run_task", "units_tasks",
           "write_batch_atlas", "write_batch_indicators", "write_summary"]
