"""Build hook (the rest is in pyproject.toml): the demo kit ships in the wheel.

``layers/demo/*`` and ``boundaries/demo-*.toml`` are copied into ``landgeo/demo_kit/`` of the
built package, keeping their relative layout (the recipes read ``../layers/demo/…``), so that
``landgeo demo`` works after ``pip install .`` from any folder. The checkout keeps one copy
only; an editable install reads the checkout's own kit.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithDemoKit(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        kit = Path(self.build_lib) / "landgeo" / "demo_kit"
        for sub in ("layers/demo", "boundaries"):
            (kit / sub).mkdir(parents=True, exist_ok=True)
        for f in sorted((ROOT / "layers" / "demo").iterdir()):
            if f.is_file() and not f.name.endswith(".aux.xml"):
                shutil.copy2(f, kit / "layers" / "demo" / f.name)
        shutil.copy2(ROOT / "layers" / "README.md", kit / "layers" / "README.md")
        for f in sorted((ROOT / "boundaries").glob("demo-*.toml")):
            shutil.copy2(f, kit / "boundaries" / f.name)


setup(cmdclass={"build_py": BuildWithDemoKit})
