"""``landgeo qgis install-plugin``: copy the landgeo Processing provider into a QGIS profile.

The plugin (``landgeo/qgis_plugin``, package data) goes to
``<profiles>/<profile>/python/plugins/landgeo_processing``; the path of this environment's
``landgeo`` command is recorded beside it (``landgeo_cli.txt``), with the words of its lines in every
language (``landgeo_words.json``) and its labels in every language (``landgeo_labels.json``, shown in
QGIS's language: :mod:`landgeo.qgis_plugin.words`), so the provider calls this
landgeo without QGIS's Python ever importing it; the plugin is enabled in the profile's
``QGIS/QGIS3.ini``. Profiles: ``$QGIS_CUSTOM_CONFIG_PATH/profiles`` when set, else QGIS's
per-user folder (Linux ``~/.local/share/QGIS/QGIS3/profiles``, Windows
``%APPDATA%\\QGIS\\QGIS3\\profiles``, macOS ``~/Library/Application Support/QGIS/QGIS3/profiles``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..i18n import LANGUAGES, Text, translator
from ..i18n.extract import messages_in_source
from ..i18n.lines import line_words
from ..io.atomic import atomic_dir

PLUGIN_NAME = "landgeo_processing"
PLUGIN_SOURCE = Path(__file__).resolve().parents[1] / "qgis_plugin"


@dataclass(frozen=True)
class InstalledPlugin:
    folder: Path
    cli: str
    settings: Path


def profiles_dir() -> Path:
    """QGIS's folder of user profiles on this machine (``$QGIS_CUSTOM_CONFIG_PATH/profiles`` when set)."""
    custom = os.environ.get("QGIS_CUSTOM_CONFIG_PATH")
    if custom:
        return Path(custom) / "profiles"
    if sys.platform.startswith("win"):
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "QGIS" / "QGIS3" / "profiles"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "QGIS" / "QGIS3" / "profiles"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "QGIS" / "QGIS3" / "profiles"


def this_cli() -> str:
    """The ``landgeo`` executable of this environment (the running one, else the one beside this Python)."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.stem == "landgeo" and argv0.exists():
        return str(argv0.resolve())
    beside = Path(sys.executable).parent / ("landgeo.exe" if sys.platform.startswith("win") else "landgeo")
    if beside.exists():
        return str(beside)
    found = shutil.which("landgeo")
    if found:
        return found
    raise UsageError(Text("the landgeo command was not found in this environment; give it with --cli PATH"))


def enable_in_settings(ini: Path, name: str = PLUGIN_NAME) -> None:
    """Set ``[PythonPlugins] name=true`` in a QGIS3.ini, keeping every other line as it is."""
    text = ini.read_text(encoding="utf-8") if ini.exists() else ""
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "[PythonPlugins]")
    except StopIteration:
        lines += ([""] if lines and lines[-1].strip() else []) + ["[PythonPlugins]", f"{name}=true"]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
        key = re.compile(rf"^{re.escape(name)}\s*=")
        for i in range(start + 1, end):
            if key.match(lines[i]):
                lines[i] = f"{name}=true"
                break
        else:
            lines.insert(end, f"{name}=true")
    ini.parent.mkdir(parents=True, exist_ok=True)
    tmp = ini.with_name(f".{ini.name}.landgeo-tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, ini)


def plugin_labels(source: Path = PLUGIN_SOURCE) -> dict:
    """The plugin's labels (``t("…")`` and ``N_("…")`` in its modules) in every language landgeo writes, from the
    catalogues: ``{"languages": ["en", "fr", …], "labels": {"Output folder": {"en": …, "fr": "Dossier de sortie", …}}}``.

    >>> plugin_labels()["labels"]["Output folder"]["pt"]
    'Pasta de saída'
    """
    texts = sorted({message for f in sorted(source.glob("*.py"))
                    for _line, _context, message, _plural in messages_in_source(f.read_text(encoding="utf-8"), str(f))})
    return {"languages": list(LANGUAGES), "labels": {text: {lang: translator(lang)(text) for lang in LANGUAGES} for text in texts}}


def install_plugin(*, profile: str = "default", profiles: str | Path | None = None, cli: str | None = None,
                   overwrite: bool = True) -> InstalledPlugin:
    """Install (or update) the plugin in a QGIS profile and enable it. Returns where it went."""
    if not re.fullmatch(r"[^/\\\0]+", profile) or profile in (".", ".."):
        raise UsageError(Text("--profile {profile} is not a profile name; give the name of a QGIS user profile, e.g. default", params={"profile": repr(profile)}))
    root = Path(profiles) if profiles is not None else profiles_dir()
    cli = cli or this_cli()
    target = root / profile / "python" / "plugins" / PLUGIN_NAME
    with atomic_dir(target, overwrite=overwrite) as tmp:
        for f in sorted(PLUGIN_SOURCE.iterdir()):
            if f.is_file() and f.suffix in (".py", ".txt", ".svg"):
                shutil.copy2(f, tmp / f.name)
        (tmp / "landgeo_cli.txt").write_text(cli + "\n", encoding="utf-8")
        (tmp / "landgeo_words.json").write_text(json.dumps(line_words(), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                                encoding="utf-8")  # the runner reads landgeo's lines in any --lang
        (tmp / "landgeo_labels.json").write_text(json.dumps(plugin_labels(), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                                 encoding="utf-8")  # the algorithms' labels in QGIS's language
    settings = root / profile / "QGIS" / "QGIS3.ini"
    enable_in_settings(settings)
    return InstalledPlugin(target, cli, settings)
