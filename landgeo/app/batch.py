"""Many landscapes: one task per landscape, run here, on a local Dask cluster, or on the user's.

A task carries only small data — a recipe path, or a unit's recipe as a plain
dict — and the output folder; workers read layers and rasters from their paths.
Administrative units layers are read once per worker process (see
:func:`read_vector_once`), not once per landscape. Each task writes
``OUT/<slug>/`` through :func:`landgeo.pipeline.write_profile_dir` and returns
one summary row; a failing landscape is recorded and the others go on. The run
ends with ``OUT/summary.csv`` in task order, ``OUT/indicators.csv`` (every
landscape's indicator rows, the shared measurement table) and ``OUT/atlas.pdf``,
drawn here from the written folders.

Dask is optional (the ``dask`` extra). Without it, or with ``workers=0``, the
tasks run one after another in this process and give the same bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import os
import re
import time
import traceback
import uuid
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..delineate import delineate
from ..delineate.admin import boundary_from_units, normalize_name
from ..delineate.combine import postprocess
from ..errors import LandgeoError, OutputError, OutputExistsError, UsageError
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
from ..io.vector import read_vector, report_of
from ..monitor import read_indicators_csv, write_indicators_csv
from ..recipe.parse import Recipe, input_paths, parse_recipe, read_recipe
from ..render.atlas import AtlasFailure, write_atlas
from ..render.outputs import load_profile_dir
from .pipeline import build_profile, write_profile_dir
from .scheduler_probe import probe_tcp_scheduler
from .units_recipes import units_recipes

log = logging.getLogger(__name__)

INSTALL_HINT = 'pip install "landgeo[dask]"'
SUMMARY_FIELDS = ("slug", "status", "area_ha", "verdict", "population", "sites", "main_ecosystem", "error", "source")
CONNECT_TIMEOUT_S = 20


@dataclass(frozen=True)
class Task:
    """One landscape to profile: small, plain data that travels to a worker.

    ``data`` is the recipe as a dict (units form) resolved against ``file``;
    when ``data`` is None the recipe is read from ``file``.
    """
    slug: str
    source: str
    file: str
    data: dict | None = None

    def recipe(self) -> Recipe:
        return read_recipe(self.file) if self.data is None else parse_recipe(self.data, Path(self.file))


@dataclass(frozen=True)
class Row:
    """One line of summary.csv."""

    slug: str
    status: str  # ok | failed | skipped (--resume: already complete)
    area_ha: float | None = None
    verdict: str | None = None
    population: float | None = None
    sites: int | None = None
    main_ecosystem: str | None = None
    error: str | None = None
    source: str | None = None
    rasters: tuple[tuple[str, str], ...] = ()  # rasters drawn on the sheet (name, path); not in the CSV


@dataclass
class BatchResult:
    """The rows in task order, the summary file and the atlas (when rendered)."""

    rows: list[Row]
    summary: Path
    atlas: Path | None = None

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if r.status == "failed"]


# --- tasks -------------------------------------------------------------------------------

def plan_batch(recipes: Sequence[str | Path] = (), *, units: str | Path | None = None,
               field: str | Sequence[str] | None = None, layer: str | None = None, attach: str | Path | None = None,
               where: str | None = None, country_field: str | None = None) -> tuple[list[Task], list[Row]]:
    """The tasks of a batch (recipe files, then the units of a layer) and the recipes that failed to read.

    ``field`` is one field or several (a key, e.g. ``["name", "adm0_a3"]``); ``where`` filters the units.

    Raises
    ------
    UsageError
        Neither recipes nor ``units`` given, or ``units`` without ``field``.
    """
    if isinstance(field, (list, tuple)):
        field = [f for f in field if f] or None
    if units is None and (field or layer or attach or where or country_field):
        raise UsageError(Text("--field, --key, --layer, --where, --country-field and --attach go with --units LAYER; "
                              "add --units or leave them out"))
    if units is not None and not field:
        raise UsageError(Text("--units {units}: add --field NAME, the field that names each unit", params={"units": str(units)}))
    if not recipes and units is None:
        raise UsageError(Text("give recipe files (landgeo batch a.toml b.toml -o DIR) or --units LAYER --field NAME"))
    tasks, failed = recipe_tasks(recipes)
    if units is not None:
        tasks += units_tasks(units, field=field, layer=layer, attach=attach, where=where, country_field=country_field)
    return tasks, failed


def recipe_tasks(recipes: Iterable[str | Path]) -> tuple[list[Task], list[Row]]:
    """Tasks for recipe files; a recipe that cannot be read is a failed row, not an exception."""
    tasks, failed = [], []
    for path in recipes:
        path = Path(path)
        try:
            recipe = read_recipe(path)
        except LandgeoError as exc:
            log.error("%s: %s", path, exc)
            failed.append(Row(slug=path.stem, status="failed", error=str(exc), source=str(path)))
            continue
        tasks.append(Task(recipe.slug, str(path), str(recipe.path)))
    return tasks, failed


def units_tasks(units: str | Path, *, field: str | Sequence[str], layer: str | None = None, attach: str | Path | None = None,
                where: str | None = None, country_field: str | None = None) -> list[Task]:
    """One task per landscape of a units layer (see :mod:`landgeo.app.units_recipes`)."""

    found = units_recipes(units, field=field, layer=layer, attach=attach, where=where, country_field=country_field)
    return [Task(u.slug, u.source, str(u.file), u.data) for u in found]


# --- the worker side ------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _read_cached(path: str, stamp: tuple[int, int], layer, crs, where, expect):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gdf = read_vector(path, layer=layer, crs=crs, where=where, expect=expect)
    return gdf, tuple((w.category, w.message) for w in caught)  # the Warning objects: DataWarning keeps its French text


def _read_key(path: str | Path, *, layer=None, crs=None, where=None, expect="polygon") -> tuple:
    st = Path(path).stat()
    return str(Path(path).resolve()), (st.st_mtime_ns, st.st_size), layer, crs, where, expect


def _cached_frame(key: tuple):
    """The cached frame (shared: never modify it) with the reader's warnings issued again."""
    gdf, caught = _read_cached(*key)
    for category, message in caught:
        if isinstance(message, Warning):
            warnings.warn(message, stacklevel=3)
        else:
            warnings.warn(message, category, stacklevel=3)
    return gdf


def read_vector_once(path: str | Path, *, layer=None, crs=None, where=None, expect="polygon"):
    """:func:`landgeo.layers.read_vector`, read once per process while the file is unchanged.

    The key holds the path, its modification time and size, and the read
    options; each call gets its own copy and the reader's warnings again, so a
    cached read gives the same profile as a fresh one.
    """
    return _cached_frame(_read_key(path, layer=layer, crs=crs, where=where, expect=expect)).copy()


@functools.lru_cache(maxsize=8)
def _name_index(key: tuple, field: str) -> dict[str, tuple[int, ...]]:
    """Row positions of each unit name (as the admin method matches names) in a cached frame."""

    index: dict[str, list[int]] = {}
    for i, value in enumerate(_read_cached(*key)[0][field]):
        index.setdefault(normalize_name(value), []).append(i)
    return {k: tuple(v) for k, v in index.items()}


def _admin_units(b):
    """The units an admin recipe selects from: its layer read once per process.

    When every name in ``values`` is in the layer, only the rows they name
    (in layer order), found through a per-process index: the admin method then
    selects the same rows in the same order, without a scan of the whole layer
    per landscape. Otherwise the whole layer, so errors list the closest names.
    """
    key = _read_key(b["path"], layer=b.get("layer"), crs=b.get("crs"), where=b.get("where"))
    gdf = _cached_frame(key)
    field, values = b.get("field"), b.get("values")
    if field and values and field in gdf.columns:
        hits = [_name_index(key, field).get(normalize_name(v)) for v in values]
        if all(hits):
            return gdf.iloc[sorted({i for h in hits for i in h})]
    return gdf.copy()


def delineate_reusing_layers(recipe: Recipe):
    """The recipe's boundary, with units layers of admin recipes read once per process.

    Same steps as :func:`landgeo.delineate.admin.boundary_from_recipe` then the
    common post-processing; other methods go to :func:`landgeo.delineate.delineate`.
    """
    b = recipe.boundary
    if b["method"] not in ("admin", "jurisdiction") or "path" not in b:
        return delineate(recipe)
    units = _admin_units(b)
    boundary = boundary_from_units(
        units, label=report_of(units).label, field=b.get("field"), values=b.get("values"), points=b.get("points"),
        where=b.get("where"), level=b.get("level"), parent_field=b.get("parent_field"), method=b["method"],
        lang=recipe.language, definition=b.get("definition"),
    )
    return postprocess(boundary, b, lang=recipe.language, file=recipe.path)


def _main_ecosystem(ecosystems) -> str | None:
    """The class with the largest area in profile["ecosystems"] (a list, or a dict holding one)."""
    if isinstance(ecosystems, dict):
        ecosystems = next((v for v in ecosystems.values() if isinstance(v, list)), None)
    items = [e for e in ecosystems or () if isinstance(e, dict) and e.get("area_ha") is not None]
    if not items:
        return None
    best = max(items, key=lambda e: e["area_ha"])
    return str(best.get("class") or best.get("name") or "") or None


def row_from_profile(profile: dict, *, status: str, source: str) -> Row:
    """A summary row from a profile.json's content; sections not computed are empty."""
    return Row(
        slug=profile["slug"],
        status=status,
        area_ha=profile.get("area_ha"),
        verdict=(profile.get("scale") or {}).get("verdict"),
        population=(profile.get("population") or {}).get("total"),
        sites=(profile.get("sites") or {}).get("count"),
        main_ecosystem=_main_ecosystem(profile.get("ecosystems")) or _main_ecosystem(profile.get("land_cover")),
        source=source,
    )


def run_task(task: Task, out_root: str, *, lang: str | None = None, offline: bool = True, maps: bool = True,
             overwrite: bool = False, min_ha: float | None = None, max_ha: float | None = None) -> Row:
    """Profile one landscape into ``out_root/<slug>/`` and return its summary row; never raises."""

    try:
        result = build_profile(task.recipe(), lang=lang, min_ha=min_ha, max_ha=max_ha, delineator=delineate_reusing_layers)
        write_profile_dir(result, out_root, overwrite=overwrite, offline=offline, maps=maps)
        row = row_from_profile(result.profile, status="ok", source=task.source)
        return dataclasses.replace(row, rasters=tuple((k, str(v)) for k, v in result.rasters.items()))
    except LandgeoError as exc:
        log.error("%s: %s", task.source, exc)
        return Row(task.slug, "failed", error=str(exc), source=task.source)
    except Exception as exc:  # an internal error on one landscape must not stop the batch
        log.error("%s: internal error\n%s", task.source, traceback.format_exc())
        return Row(task.slug, "failed", error=f"internal error: {type(exc).__name__}: {exc}", source=task.source)


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


def _connect(workers: int, scheduler: str | None, timeout: float):
    """A dask Client (and the LocalCluster it owns, or None)."""
    from dask.distributed import Client, LocalCluster  # optional: Dask (the [dask] extra)

    if scheduler:
        try:
            address = check_scheduler_address(scheduler)
            probe_tcp_scheduler(address, timeout)  # before Dask trusts what the server sends
            return Client(address, timeout=timeout, set_as_default=False), None
        except UsageError:
            raise
        except Exception as exc:  # OSError, TimeoutError, or a server that is not Dask (garbage frames, MemoryError)
            raise UsageError(Text(
                "--scheduler {address}: no Dask scheduler answered within {timeout:.0f} s ({reason}); give the address "
                "`dask scheduler` prints (tcp://HOST:PORT), or leave out --scheduler for a local cluster",
                params={"address": str(scheduler), "timeout": float(timeout), "reason": str(exc)})) from exc
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    return Client(cluster, set_as_default=False), cluster


def _run_dask(tasks, out_root, options, on_row, *, workers: int, scheduler: str | None, timeout: float) -> list[Row]:
    from dask.distributed import as_completed  # optional: Dask (the [dask] extra)

    client, cluster = _connect(workers, scheduler, timeout)
    try:
        log.info("batch: %d landscapes on %s", len(tasks), scheduler or f"a local cluster of {workers} worker processes")
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
                row = Row(tasks[i].slug, "failed", error=f"worker failed: {type(exc).__name__}: {exc}", source=tasks[i].source)
                log.error("%s: %s", tasks[i].source, row.error)
            rows[i] = row
            on_row(row)
        return rows
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


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
        for name in ("summary.csv", "atlas.pdf") if atlas else ("summary.csv",):
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
    outputs = [out_root / t.slug for t in tasks] + [out_root / "summary.csv", out_root / "atlas.pdf"]
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
    with atomic_file(out_root / "atlas.pdf", overwrite=overwrite) as tmp:
        write_atlas(items, tmp, lang=lang)
    return out_root / "atlas.pdf"


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
        Worker processes of the local Dask cluster (one thread each); default
        the number of CPUs. ``0`` runs the tasks in this process, without Dask.
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
            log.info("batch: %d landscapes already complete, skipped (--resume)", len(skipped))
    on_row = on_row or (lambda row: None)
    for row in skipped.values():
        on_row(row)
    options = dict(lang=lang, offline=offline, maps=maps, overwrite=overwrite, min_ha=min_ha, max_ha=max_ha)
    if workers is None:
        workers = os.cpu_count() or 1
    start = time.perf_counter()
    if not todo:
        done: list[Row] = []
    elif scheduler is None and workers == 0:
        done = _run_serial(todo, str(out_root), options, on_row)
    elif not _have_dask():
        if scheduler:
            raise UsageError(Text("--scheduler needs Dask, which is not installed; {hint}", params={"hint": INSTALL_HINT}))
        log.warning("batch: Dask is not installed, so the %d landscapes run one after another; for parallel runs: %s",
                    len(todo), INSTALL_HINT)
        done = _run_serial(todo, str(out_root), options, on_row)
    else:
        done = _run_dask(todo, str(out_root), options, on_row, workers=max(1, min(workers, len(todo))), scheduler=scheduler,
                         timeout=connect_timeout)
    it = iter(done)
    rows = [skipped[i] if i in skipped else next(it) for i in range(len(tasks))] + list(dup_failed) + list(failed)
    for row in list(dup_failed) + list(failed):
        on_row(row)
    log.info("batch: %d landscapes in %.1f s", len(todo), time.perf_counter() - start)
    out_root.mkdir(parents=True, exist_ok=True)  # only now: a run that could not start leaves nothing
    summary = write_summary(rows, out_root / "summary.csv", overwrite=replace_own)
    write_batch_indicators(rows, out_root, overwrite=replace_own)
    pdf = None
    if atlas:
        try:
            pdf = write_batch_atlas(rows, out_root, lang=lang, overwrite=replace_own)
        except Exception:  # the profiles and the summary are written; say why the atlas is missing
            log.exception("batch: the atlas could not be written; the profiles and %s are complete", summary)
    return BatchResult(rows, summary, pdf)
