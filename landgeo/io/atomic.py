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
import math
import os
import secrets
import shutil
import socket
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import OutputError, OutputExistsError, UsageError
from ..i18n import N_, Text
from .reads import read_in_this_run

log = logging.getLogger(__name__)

#: The marker file in every folder landgeo wrote (JSON: written_by, version).
MARKER = ".landgeo"
#: Prefix of landgeo's temporaries; the marker file inside each one.
TMP_PREFIX = ".landgeo-tmp-"
TMP_MARKER = ".landgeo-tmp"
#: Files that travel with a Shapefile (same stem).
SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".fix", ".shp.xml", ".qmd")
#: Characters that make a spreadsheet read a cell as a formula (or hide its start).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: The longest file or folder name most file systems allow (bytes, UTF-8).
NAME_MAX = 255


# --- naming and markers -----------------------------------------------------------------------

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


def write_marker(folder: str | Path) -> Path:
    """Mark ``folder`` as written by landgeo (see :data:`MARKER`)."""

    path = Path(folder) / MARKER
    path.write_text(json.dumps({"written_by": "landgeo", "version": __version__}) + "\n", encoding="utf-8")
    return path


def is_landgeo_output(folder: str | Path) -> bool:
    """True when ``folder`` holds landgeo's marker (it wrote the folder)."""
    try:
        data = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("written_by") == "landgeo"


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
        log.info("removed %s, a temporary left by an interrupted landgeo run", path)
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


# --- checks before any work ------------------------------------------------------------------

def _first_existing_ancestor(path: Path) -> Path:
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_target(target: str | Path, *, overwrite: bool = False, kind: str = "file", create_parents: bool | None = None) -> Path:
    """Refuse an output target before any work; return it.

    Parameters
    ----------
    kind
        ``"file"`` or ``"dir"`` (a folder landgeo fills).
    create_parents
        Whether missing parent folders may be created (default: for folders yes,
        for files no — a file's folder must exist).

    Raises
    ------
    OutputExistsError
        ``target`` exists and ``overwrite`` is false.
    OutputError
        The folder for it is missing (files), is a file, is read-only, the name is
        too long, or ``overwrite`` would replace a folder landgeo did not write.
    """
    target = Path(target)
    create_parents = (kind == "dir") if create_parents is None else create_parents
    if len(os.fsencode(target.name)) > NAME_MAX:
        raise OutputError(Text('{name}…: the name is {n} bytes, more than the {max} a file system allows; choose a shorter '
                               'name (or slug = "…" in the recipe)',
                               params={"name": target.name[:60], "n": len(os.fsencode(target.name)), "max": NAME_MAX}))
    if os.path.lexists(target):
        if not overwrite:
            raise OutputExistsError(Text("{file}: already exists; choose another output or pass --overwrite",
                                         params={"file": str(target)}))
        if kind == "dir":
            if not target.is_dir():
                raise OutputError(Text("{file}: is a file, not a folder; choose another output folder", params={"file": str(target)}))
            if any(target.iterdir()) and not is_landgeo_output(target):
                raise OutputError(Text("{file}: this folder was not written by landgeo, so --overwrite does not replace it; "
                                       "remove it yourself or choose another output", params={"file": str(target)}))
        elif target.is_dir():
            raise OutputError(Text("{file}: is a folder; give a file name (e.g. {example})",
                                   params={"file": str(target), "example": f"{target}/out{target.suffix or '.gpkg'}"}))
    parent = target.parent
    if not parent.exists():
        anc = _first_existing_ancestor(parent)
        if not anc.is_dir():
            raise OutputError(Text("{file}: {folder} is a file, not a folder; choose an output in a folder",
                                   params={"file": str(target), "folder": str(anc)}))
        if not create_parents:
            raise OutputError(Text("{file}: the folder {folder} does not exist; create it first or choose another output",
                                   params={"file": str(target), "folder": str(parent)}))
        parent = anc
    elif not parent.is_dir():
        raise OutputError(Text("{file}: {folder} is a file, not a folder; choose an output in a folder",
                               params={"file": str(target), "folder": str(parent)}))
    if not _can_write_in(parent):
        raise OutputError(Text("{file}: the folder {folder} is read-only for you; choose an output folder you can write to",
                               params={"file": str(target), "folder": str(parent)}))
    return target


def _can_write_in(folder: Path) -> bool:
    """Whether a file can be created in ``folder``: tried, since permission bits do not stop root.

    ``tempfile.TemporaryFile`` opens a file with no name (O_TMPFILE on Linux) where it can, so
    an interrupted check leaves nothing behind; a read-only mount, sysfs or a folder root
    cannot write in fails here, before any work.
    """
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".landgeo-probe-"):
            return True
    except OSError:
        return False


def ensure_writable(target: str | Path, *, overwrite: bool = False) -> Path:
    """Raise :class:`OutputExistsError` if ``target`` exists and ``overwrite`` is false (see :func:`check_target`)."""
    target = Path(target)
    return check_target(target, overwrite=overwrite, kind="dir" if target.is_dir() else "file", create_parents=True)


def _resolved(p: str | Path) -> Path:
    """The real path (links followed; a link loop is left as it is rather than raising)."""
    return Path(os.path.realpath(os.path.abspath(os.path.expanduser(p))))


def refuse_inputs(outputs: Iterable[str | Path], inputs: Iterable[str | Path]) -> None:
    """:class:`UsageError` when an output is, or contains, a path the run reads."""
    ins = [(Path(i), _resolved(i)) for i in inputs if i is not None]
    for out in outputs:
        o = _resolved(out)
        for raw, i in ins:
            if i == o or o in i.parents:
                if i == o:
                    message = N_("{file}: this output is {input}, which this run reads; writing it could destroy the input, "
                                 "so nothing was written; choose another output (-o or slug)")
                else:
                    message = N_("{file}: this output contains {input}, which this run reads; writing it could destroy the "
                                 "input, so nothing was written; choose another output (-o or slug)")
                raise UsageError(Text(message, params={"file": str(out), "input": str(raw)}))
            if o.suffix.lower() == ".shp" and i.parent == o.parent and i.name.lower().startswith(o.stem.lower() + "."):
                raise UsageError(Text("{file}: this output's sidecars would replace {input}, which this run reads; choose "
                                      "another output", params={"file": str(out), "input": str(raw)}))


def refuse_duplicates(named: Iterable[tuple[str, str | Path]]) -> None:
    """:class:`UsageError` when two outputs of one run (``(who, path)`` pairs) are the same path."""
    seen: dict[Path, str] = {}
    for who, path in named:
        key = _resolved(path)
        if key in seen:
            raise UsageError(Text('{file}: both {first} and {second} would be written here; give each landscape its own '
                                  'slug ([landscape] slug = "…") so nothing is replaced',
                                  params={"file": str(path), "first": str(seen[key]), "second": str(who)}))
        seen[key] = who


def check_outputs(targets: Iterable[tuple[str, str | Path, str]], *, overwrite: bool = False,
                  inputs: Iterable[str | Path] = ()) -> None:
    """Every refusal before any work, for ``(who, path, kind)`` targets; see the module docstring."""
    targets = list(targets)
    refuse_duplicates((who, path) for who, path, _ in targets)
    refuse_inputs([path for _, path, _ in targets], list(inputs))
    for _, path, kind in targets:
        check_target(path, overwrite=overwrite, kind=kind, create_parents=True)


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


def neutralise_cell(value: Any) -> Any:
    """A spreadsheet cell that cannot run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab, CR or LF gets a leading
    apostrophe (OWASP's advice); numbers and other values are returned as they are.

    >>> neutralise_cell('=HYPERLINK("http://x")'), neutralise_cell("-3"), neutralise_cell(-3), neutralise_cell("Ankasa")
    ('\\'=HYPERLINK("http://x")', "'-3", -3, 'Ankasa')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return value


def neutralise_frame(frame):
    """A copy of a (Geo)DataFrame whose text cells and column names are neutralised (see :func:`neutralise_cell`)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(neutralise_cell)
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


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
