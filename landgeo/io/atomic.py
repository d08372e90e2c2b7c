"""The one output discipline: every file or folder landgeo writes is complete or absent.

How every writer works (use these, never ``open(target, "w")`` on a final path):

- :func:`atomic_file` and :func:`atomic_dir` yield a temporary *sibling* of the
  target (``.landgeo-tmp-<host>-<pid>-<random>-<name>``, with a marker file in it).
  When the block succeeds the result is renamed into place **without replacing**
  anything (``renameat2(RENAME_NOREPLACE)``, or ``link``/``unlink`` for files): if
  the target appeared meanwhile (another run), :class:`OutputExistsError` is
  raised and nothing is replaced. With ``overwrite=True`` the old output is
  swapped out in one step (``RENAME_EXCHANGE`` for folders, ``rename`` for files).
  On any error, or a kill, no half-written target exists.
- A Shapefile is written with its sidecars (``.shx``, ``.dbf``, ``.prj``, ``.cpg``…)
  in the same temporary folder and they are moved together, the ``.shp`` last.
- Folders landgeo wrote hold a marker file (:data:`MARKER`); ``--overwrite`` and
  ``--resume`` only ever replace such folders (or empty ones), never a folder
  landgeo did not write.
- Leftover temporaries of interrupted runs (their process is gone) are removed by
  the next run writing in the same folder — only landgeo's own, recognised by
  name and marker.
- :func:`check_outputs` refuses *before any work* when a target exists without
  ``overwrite``, when two outputs of one run are the same path, when an output is
  or contains a path the run reads, or when the target's folder is missing,
  read-only or a file.
- :func:`neutralise_cell` makes spreadsheet cells inert (``=``, ``+``, ``-``, ``@``,
  tab, CR at the start); :func:`write_csv` writes a neutralised CSV atomically.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
import json
import logging
import os
import secrets
import shutil
import socket
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import OutputError, OutputExistsError, UsageError
from ..i18n import Text
from .cells import FORMULA_STARTS, neutralise_cell, neutralise_frame
from .reads import read_in_this_run
from .targets import (
    MARKER,
    NAME_MAX,
    check_outputs,
    check_target,
    ensure_writable,
    is_landgeo_output,
    refuse_duplicates,
    refuse_inputs,
    write_marker,
)

log = logging.getLogger(__name__)

#: Prefix of landgeo's temporaries; the marker file inside each one.
TMP_PREFIX = ".landgeo-tmp-"
TMP_MARKER = ".landgeo-tmp"
#: Files that travel with a Shapefile (same stem).
SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".fix", ".shp.xml", ".qmd")


# --- naming -----------------------------------------------------------------------

def _host() -> str:
    return "".join(c for c in socket.gethostname() if c.isalnum())[:16] or "host"


def _tmp_name(target_name: str) -> str:
    room = NAME_MAX - len(TMP_PREFIX) - 40
    return f"{TMP_PREFIX}{_host()}-{os.getpid()}-{secrets.token_hex(4)}-{target_name[:max(room, 1)]}"


def _dir_mode() -> int:
    """0777 less the process umask (what ``mkdir`` would give)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _make_tmpdir(parent: Path, target_name: str) -> Path:
    tmp = parent / _tmp_name(target_name)
    try:
        tmp.mkdir(mode=0o700)
        (tmp / TMP_MARKER).write_text(json.dumps({"pid": os.getpid(), "host": _host(), "target": target_name}) + "\n",
                                      encoding="utf-8")
        tmp.chmod(_dir_mode())
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(Text("{file}: cannot write in {folder} ({reason}); choose an output folder you can write to",
                               params={"file": str(parent / target_name), "folder": str(parent),
                                       "reason": str(exc.strerror or exc)})) from exc
    return tmp


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temporaries(folder: str | Path) -> list[Path]:
    """Remove landgeo's temporaries left in ``folder`` by runs that were killed.

    Only entries named ``.landgeo-tmp-<this host>-<pid>-…`` whose process is gone
    and that hold landgeo's marker are removed. Returns what was removed.
    """
    folder = Path(folder)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    host = _host()
    for entry in entries:
        if not entry.name.startswith(TMP_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        parts = entry.name[len(TMP_PREFIX):].split("-", 2)
        if len(parts) < 3 or parts[0] != host or not parts[1].isdigit() or _pid_alive(int(parts[1])):
            continue
        path = Path(entry.path)
        if not ((path / TMP_MARKER).is_file() or (path / MARKER).is_file()):
            continue
        shutil.rmtree(path, ignore_errors=True)
        log.info(Text("removed {path}, a temporary left by an interrupted landgeo run", params={"path": str(path)}))
        removed.append(path)
    return removed


# --- renaming without replacing ------------------------------------------------------------

_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """``renameat2(src, dst, flags)``; False when the system or file system lacks it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(dst))


def rename_noreplace(src: str | Path, dst: str | Path) -> None:
    """Rename ``src`` to ``dst``; :class:`OutputExistsError` if ``dst`` exists (nothing replaced)."""
    src, dst = Path(src), Path(dst)
    try:
        if _renameat2(src, dst, _RENAME_NOREPLACE):
            return
        if src.is_dir():
            if os.path.lexists(dst):
                raise FileExistsError(errno.EEXIST, "exists", str(dst))
            os.rename(src, dst)  # a race window remains on systems without renameat2
        else:
            os.link(src, dst)  # fails if dst exists
            os.unlink(src)
    except FileExistsError as exc:
        raise OutputExistsError(_appeared(dst)) from exc
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            raise OutputExistsError(_appeared(dst)) from exc
        raise OutputError(Text("{file}: cannot be written ({reason}); check the folder's permissions and free space",
                               params={"file": str(dst), "reason": str(exc.strerror or exc)})) from exc


def _appeared(dst: Path) -> Text:
    return Text("{file}: appeared while this run was writing it (another run?); it was left as it is and this run's "
                "result was discarded; run again with another -o, or --overwrite", params={"file": str(dst)})


def _exchange_dir(tmp: Path, target: Path) -> None:
    """Swap ``tmp`` (new) and ``target`` (old) in one step where the system allows; ``tmp`` then holds the old."""
    if os.path.lexists(target) and _renameat2(tmp, target, _RENAME_EXCHANGE):
        return
    if os.path.lexists(target):
        aside = tmp.with_name(tmp.name + "-old")
        os.rename(target, aside)
        os.rename(tmp, target)
        os.rename(aside, tmp)
    else:
        rename_noreplace(tmp, target)
        tmp.mkdir()


# --- the atomic writers ------------------------------------------------------------------------

def _mkdirs(parent: Path) -> list[Path]:
    """Create ``parent`` and missing ancestors; return those created (deepest last)."""
    created = []
    p = parent
    while not p.exists():
        created.append(p)
        p = p.parent
    for d in reversed(created):
        try:
            d.mkdir()
        except FileExistsError:
            pass
        except OSError as exc:
            raise OutputError(Text("{folder}: cannot create the folder ({reason}); choose another output",
                                   params={"folder": str(parent), "reason": str(exc.strerror or exc)})) from exc
    return list(reversed(created))


def _remove_created(created: list[Path]) -> None:
    for d in reversed(created):
        with contextlib.suppress(OSError):
            d.rmdir()  # only if still empty


def _sidecars_of(target: Path) -> list[Path]:
    if target.suffix.lower() != ".shp":
        return []
    return [target.with_name(target.stem + s) for s in SHAPEFILE_SIDECARS if os.path.lexists(target.with_name(target.stem + s))]


def _commit_files(tmpdir: Path, target: Path, overwrite: bool) -> None:
    """Move the written files (the target and its sidecars) next to ``target``, the target last."""
    written = sorted((f for f in tmpdir.iterdir() if f.name != TMP_MARKER), key=lambda f: (f.name == target.name, f.name))
    if not any(f.name == target.name for f in written):
        raise OutputError(Text("{file}: the writer produced no file; nothing was written", params={"file": str(target)}))
    stale = [s for s in _sidecars_of(target) if not (tmpdir / s.name).exists()] if overwrite else []
    moved: list[Path] = []
    try:
        for f in written:
            dst = target.with_name(f.name)
            if overwrite:
                os.replace(f, dst)
            else:
                rename_noreplace(f, dst)
            moved.append(dst)
    except BaseException:
        if not overwrite:
            for dst in moved:  # ours: moved a moment ago
                with contextlib.suppress(OSError):
                    os.unlink(dst)
        raise
    for s in stale:  # sidecars of the old Shapefile that the new one does not have
        with contextlib.suppress(OSError):
            s.unlink()


@contextlib.contextmanager
def atomic_file(target: str | Path, *, overwrite: bool = False, create_parents: bool = False) -> Iterator[Path]:
    """Yield a temporary path (same name, in a temporary sibling folder) that becomes ``target`` on success.

    Write the file (and, for a Shapefile, its sidecars) at the yielded path.
    Raises :class:`OutputExistsError` when ``target`` exists and ``overwrite``
    is false, before the block or (if it appeared meanwhile) at the end.
    ``create_parents``: create missing folders (removed again on failure).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_file(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('done', ['a.txt'])
    """
    target = check_target(target, overwrite=overwrite, kind="file", create_parents=create_parents)
    refuse_inputs([target], read_in_this_run())
    created = _mkdirs(target.parent) if create_parents else []
    try:
        clean_stale_temporaries(target.parent)
        tmpdir = _make_tmpdir(target.parent, target.name)
    except BaseException:
        _remove_created(created)
        raise
    done = False
    try:
        yield tmpdir / target.name
        refuse_inputs([target], read_in_this_run())  # read while the output was being made
        _commit_files(tmpdir, target, overwrite)
        done = True
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
        if not done:
            _remove_created(created)


@contextlib.contextmanager
def atomic_dir(target: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``target`` (marked as landgeo's) when the block succeeds.

    Missing parent folders are created, and removed again if nothing was written.
    ``overwrite`` replaces only a folder landgeo wrote (or an empty one), in one step.
    """
    target = check_target(target, overwrite=overwrite, kind="dir")
    refuse_inputs([target], read_in_this_run())
    created = _mkdirs(target.parent)
    try:
        clean_stale_temporaries(target.parent)
        tmp = _make_tmpdir(target.parent, target.name)
    except BaseException:
        _remove_created(created)
        raise
    try:
        yield tmp
        refuse_inputs([target], read_in_this_run())  # read while the output was being made
        write_marker(tmp)
        (tmp / TMP_MARKER).unlink()
        if os.path.lexists(target) and overwrite:
            check_target(target, overwrite=True, kind="dir")  # still a folder landgeo wrote
            _exchange_dir(tmp, target)
            (tmp / TMP_MARKER).touch()  # tmp now holds the old output: mark it ours until it is gone
        else:
            rename_noreplace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_created(created)
        raise
    shutil.rmtree(tmp, ignore_errors=True)


# --- text outputs ------------------------------------------------------------------------------

def dumps_json(data) -> str:
    """Deterministic JSON: keys in insertion order, UTF-8 text, two-space indent, final newline.

    Non-finite numbers are refused (``ValueError``): NaN is not JSON.
    """
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_json(data, path: str | Path) -> Path:
    """Write JSON at ``path`` (a path inside an atomic folder or file)."""
    path = Path(path)
    path.write_text(dumps_json(data), encoding="utf-8")
    return path


def _csv_cell(value: Any) -> Any:
    """A neutralised cell whose line breaks are ``\\n`` (so the csv module quotes it)."""
    value = "" if value is None else neutralise_cell(value)
    if isinstance(value, str) and "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def write_csv(rows: Iterable[Mapping[str, Any]], path: str | Path, *, fieldnames: Sequence[str],
              overwrite: bool = False) -> Path:
    """Write a CSV (UTF-8, header row, ``\\n`` lines) atomically, every cell neutralised; None is an empty cell.

    A carriage return inside a text becomes a line break (quoted), so rows stay rows.
    """
    path = Path(path)
    with atomic_file(path, overwrite=overwrite) as tmp:
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=[_csv_cell(n) for n in fieldnames], lineterminator="\n",
                               extrasaction="ignore")
            w.writeheader()
            for row in rows:
                w.writerow({_csv_cell(k): _csv_cell(v) for k, v in row.items()})
    return path


def remove_file(target: str | Path) -> bool:
    """Remove the file ``target`` if there is one; True when it was removed. A folder is never removed.

    For an earlier run's output that a run with ``--overwrite`` does not write again (an atlas when no
    landscape was profiled): left in place, it would read as this run's result.
    """
    target = Path(target)
    if target.is_dir() or not (target.is_file() or target.is_symlink()):
        return False
    try:
        target.unlink()
    except FileNotFoundError:  # removed meanwhile
        return False
    return True


#: What :func:`set_aside` appends to a folder's name: ``<slug>.previous`` (a slug has no dot, so no landscape's folder).
PREVIOUS_SUFFIX = ".previous"


def _restore(older: Path | None, aside: Path) -> None:
    if older is not None:
        with contextlib.suppress(OSError):
            os.rename(older, aside)


def set_aside(folder: str | Path, *, inputs: Iterable[str | Path] = ()) -> Path | None:
    """Rename the folder landgeo wrote at ``folder`` to ``<name>.previous`` in one step; the new path, or None when
    there is no such folder (absent, or not landgeo's: never touched).

    For an earlier run's results of a landscape that a run with ``--overwrite`` failed on: left in place they would
    read as this run's (and ``--resume`` would skip them as complete); set aside they are kept, complete and named
    for what they are. An earlier ``<name>.previous`` landgeo wrote holds older results and is replaced (moved to a
    temporary, then removed); one landgeo did not write, or that holds one of ``inputs`` or a file this run read,
    is left as it is, and ``<name>.previous-2``, ``-3``… is used.

    Raises
    ------
    OutputError
        The folder cannot be renamed (permissions).
    UsageError
        The folder is, or holds, a file this run read.
    """
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir() or not is_landgeo_output(folder):
        return None
    reads = [*read_in_this_run(), *inputs]
    refuse_inputs([folder], reads)  # a folder holding a file this run reads is not moved either
    base = folder.with_name(folder.name + PREVIOUS_SUFFIX)
    for n in range(1, 1000):
        aside = base if n == 1 else base.with_name(f"{base.name}-{n}")
        older = None
        if os.path.lexists(aside):
            if aside.is_symlink() or not aside.is_dir() or not is_landgeo_output(aside):
                continue  # not landgeo's: never replaced
            try:
                refuse_inputs([aside], reads)
            except UsageError:  # an input of this run (a previous boundary): never replaced
                continue
            older = aside.with_name(_tmp_name(aside.name))  # a landgeo temporary: removed by a later run if this one dies
            try:
                os.rename(aside, older)
            except FileNotFoundError:  # removed meanwhile
                older = None
            except OSError as exc:
                raise OutputError(Text("{file}: cannot be written ({reason}); check the folder's permissions and free space",
                                       params={"file": str(aside), "reason": str(exc.strerror or exc)})) from exc
        try:
            rename_noreplace(folder, aside)
        except OutputExistsError:  # appeared meanwhile: the next name
            _restore(older, aside)
            continue
        except OutputError:
            _restore(older, aside)
            if not os.path.lexists(folder):  # moved or removed meanwhile (another run)
                return None
            raise
        if older is not None:
            shutil.rmtree(older, ignore_errors=True)
        return aside
    raise OutputError(Text("{file}: cannot be written ({reason}); check the folder's permissions and free space",
                           params={"file": str(base), "reason": f"{base.name} to {base.name}-999 exist"}))


#: Re-exported so that writers import the whole discipline from one place.
__all__ = [
    "FORMULA_STARTS", "MARKER", "NAME_MAX", "TMP_MARKER", "TMP_PREFIX", "atomic_dir", "atomic_file", "check_outputs",
    "check_target", "clean_stale_temporaries", "dumps_json", "ensure_writable", "is_landgeo_output", "neutralise_cell",
    "neutralise_frame", "PREVIOUS_SUFFIX", "refuse_duplicates", "refuse_inputs", "remove_file", "rename_noreplace", "set_aside",
    "write_csv", "write_json", "write_marker",
]
