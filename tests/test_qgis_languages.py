"""The QGIS plugin's labels (algorithm names, groups, help, parameters) in QGIS's language, from landgeo's catalogues.

``landgeo qgis install-plugin`` writes them beside the plugin (``landgeo_labels.json``); the plugin picks QGIS's
``locale/userLocale`` (``pt_BR`` is Portuguese; a language landgeo does not write is English). The first tests need
no QGIS; the last runs Debian's ``qgis_process`` on a profile set to Brazilian Portuguese (skipped without QGIS).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from landgeo.app.qgis_install import PLUGIN_SOURCE, install_plugin
from landgeo.i18n import LANGUAGES
from landgeo.i18n.extract import messages_in_source
from landgeo.qgis_plugin.words import language_of, load_labels, tr

from .qgis_helpers import qgis_env, qgis_process
from .test_languages import foreign_in

DEMO = Path(__file__).resolve().parents[1] / "layers" / "demo"


def _plugin_texts() -> set[str]:
    return {m[2] for f in PLUGIN_SOURCE.glob("*.py") for m in messages_in_source(f.read_text(encoding="utf-8"), str(f))}


def test_every_label_of_the_plugin_is_installed_in_every_language(tmp_path):
    done = install_plugin(profiles=tmp_path / "profiles", cli="landgeo")
    labels = load_labels(str(done.folder / "landgeo_labels.json"))
    texts = _plugin_texts()
    assert len(texts) >= 40 and {"Check a boundary", "Output folder", "Delineate"} <= texts  # titles, parameters, groups
    assert set(labels["labels"]) == texts and labels["languages"] == list(LANGUAGES)
    for text in texts:
        for lang in LANGUAGES:
            said = tr(text, lang, labels)
            if lang == "en":
                assert said == text
            else:
                assert said != text and not foreign_in(said, lang), (lang, text, said)
    assert tr("Check a boundary", "fr", labels) == "Contrôler une limite"
    assert tr("Check a boundary", "fr", load_labels(str(tmp_path / "none.json"))) == "Check a boundary"  # from the source tree


def test_qgis_locale_names_the_language():
    assert [language_of(x, LANGUAGES) for x in ("fr_FR", "fr", "es_CL", "pt_BR", "pt-PT", "en_US", "de_DE", "", None, "C")] == [
        "fr", "fr", "es", "pt", "pt", "en", "en", "en", "en", "en"]


@pytest.mark.qgis
@pytest.mark.parametrize("locale, title, parameter, refusal", [
    ("pt_BR", "Verificar um limite", "MIN_HA: Faixa de escala: no mínimo (ha)", "VALUES: informe ao menos um nome de unidade"),
    ("fr_FR", "Contrôler une limite", "MIN_HA: Fourchette d'échelle : au moins (ha)", "VALUES : donnez au moins un nom d'unité"),
    ("de_DE", "Check a boundary", "MIN_HA: Scale band: at least (ha)", "VALUES: give at least one unit name"),
])
def test_qgis_shows_the_algorithms_in_its_language(tmp_path, locale, title, parameter, refusal):
    exe = qgis_process()
    env = qgis_env(tmp_path)
    done = install_plugin(profiles=Path(env["QGIS_CUSTOM_CONFIG_PATH"]) / "profiles", cli="landgeo")
    done.settings.write_text(done.settings.read_text(encoding="utf-8") + f"\n[locale]\nuserLocale={locale}\noverrideFlag=true\n",
                             encoding="utf-8")
    listed = subprocess.run([exe, "list"], check=False, capture_output=True, text=True, timeout=300, env=env).stdout
    assert f"landgeo:check_boundary\t{title}" in listed, listed
    helped = subprocess.run([exe, "help", "landgeo:check_boundary"], check=False, capture_output=True, text=True, timeout=300,
                            env=env).stdout
    assert parameter in helped, helped
    ids = {line.split()[0] for line in listed.splitlines() if line.strip().startswith("landgeo:")}
    assert len(ids) == 8 and "landgeo:delineate_dem" in ids  # the ids stay English
    assert json.loads((done.folder / "landgeo_labels.json").read_text(encoding="utf-8"))["languages"] == list(LANGUAGES)
    # the plugin's own refusal (before landgeo runs) is in QGIS's language too
    refused = subprocess.run([exe, "run", "landgeo:delineate_admin", "--", f"INPUT={DEMO / 'admin.gpkg'}|layername=districts",
                              "FIELD=district", "VALUES=,", f"OUTPUT={tmp_path / 'b.gpkg'}"],
                             check=False, capture_output=True, text=True, timeout=300, env=env)
    assert refused.returncode != 0 and refusal in refused.stdout + refused.stderr, refused.stdout + refused.stderr
