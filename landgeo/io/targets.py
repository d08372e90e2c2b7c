"""Checks before any work: may this run write that output? (the first half of the output discipline)

:func:`check_outputs` refuses before anything is read or written when a target exists without
``overwrite``, when two outputs of one run are the same path, when an output is or contains a path
the run reads, or when the target's folder is missing, read-only (tried, so it holds for root) or a
file. Folders landgeo wrote carry a marker (:data:`MARKER`): ``--overwrite`` replaces only those.
The writers themselves are in :mod:`landgeo.io.atomic`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .._version import __version__
from ..errors import OutputError, OutputExistsError, UsageError
from ..i18n import N_, Text

#: The marker file in every folder landgeo wrote (JSON: written_by, version).
MARKER = ".landgeo"
#: The longest file or folder name most file systems allow (bytes, UTF-8).
NAME_MAX = 255


# --- markers -----------------------------------------------------------------------------------

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
