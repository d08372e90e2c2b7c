"""Finding Debian's QGIS for the tests marked ``qgis`` (they skip with the reason when it is missing)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent / "qgis_scripts"


@functools.lru_cache(maxsize=1)
def _qgis_python() -> str | None:
    """A Python that imports qgis.core (Debian's python3-qgis lives in /usr/bin/python3), or None."""
    for exe in ("/usr/bin/python3", shutil.which("python3")):
        if not exe or not Path(exe).exists():
            continue
        try:
            done = subprocess.run([exe, "-c", "import qgis.core"], check=False, capture_output=True, timeout=120,
                                  env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""})
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return exe
    return None


def qgis_python() -> str:
    exe = _qgis_python()
    if exe is None:
        pytest.skip("QGIS (python3-qgis) not installed: apt-get install qgis python3-qgis")
    return exe


def qgis_process() -> str:
    """The qgis_process binary: Debian 12's /usr/bin/qgis_process wrapper passes --noversioncheck, which
    QGIS 3.22's binary refuses, so the .bin is called when it is there."""
    for exe in ("/usr/bin/qgis_process.bin", shutil.which("qgis_process")):
        if exe and Path(exe).exists():
            return exe
    pytest.skip("qgis_process not installed: apt-get install qgis")


def qgis_env(tmp_path: Path) -> dict:
    """Environment for a headless QGIS with its own profile folder under tmp_path."""
    runtime = tmp_path / "xdg-runtime"
    runtime.mkdir(exist_ok=True)
    runtime.chmod(0o700)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # only system folders on PATH: QGIS's embedded Python finds its home from the first python3 on PATH,
    # and a virtualenv's or pyenv's there would make it miss python3-qgis
    env["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin"
    env.update({"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path / "home"),
                "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "qgis-config")})
    return env
