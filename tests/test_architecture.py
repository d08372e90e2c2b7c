"""The package's floors (docs/architecture.md) hold: lint-imports keeps the layers contract in pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports() -> list[str]:
    exe = shutil.which("lint-imports", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if exe is None:
        pytest.fail('lint-imports not found; install the dev extra: pip install -e ".[dev]"')
    return [exe]


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(cwd))
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_floors_contract_is_kept():
    proc = _run(_lint_imports() + ["--no-cache"], ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 kept, 0 broken" in proc.stdout


def test_floors_contract_fails_on_an_upward_import(tmp_path):
    """A copy of the package with geo importing app (floor 1 → floor 7) breaks the contract."""
    shutil.copytree(ROOT / "landgeo", tmp_path / "landgeo", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    geodesy = tmp_path / "landgeo" / "geo" / "geodesy.py"
    geodesy.write_text(geodesy.read_text() + "\nfrom ..app import pipeline  # deliberately upward\n")
    proc = _run(_lint_imports() + ["--no-cache"], tmp_path)
    assert proc.returncode != 0
    assert "BROKEN" in proc.stdout
    assert "landgeo.geo.geodesy -> landgeo.app.pipeline" in proc.stdout


def test_ruff_is_clean():
    """ruff (pyflakes, isort, pyupgrade, bugbear; configured in pyproject.toml) finds nothing."""
    exe = shutil.which("ruff", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if exe is None:
        pytest.fail('ruff not found; install the dev extra: pip install -e ".[dev]"')
    proc = _run([exe, "check", "--no-cache", "landgeo", "tests", "benchmarks", "scripts"], ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
