"""Every output of the demo in each language holds no message of another language.

The check is built from the catalogues themselves (no hand list): for a target language X,
the "foreign" phrases are the literal pieces of the other languages' translations (and of
the class tables' names) that are long enough to be distinctive and appear in none of X's
translations. A phrase found in X's profile, sheet (text extracted from the PDF with pypdf),
web map, atlas or compare outputs is text left in another language.
"""

from __future__ import annotations

import csv
import json
import os
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from pypdf import PdfReader

from landgeo.cli import main
from landgeo.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

REPO = Path(__file__).resolve().parents[1]
MIN_CHARS = 8  # shorter pieces ("Source", "Page", "N") are shared between languages or not distinctive
MIN_CHARS_ONE_WORD = 12  # single words ("districts", "features") also name layers, fields and datasets
_FIELD = re.compile(r"\{[^{}]*\}")


def norm(text: str) -> str:
    return " ".join(str(text).replace("\u00a0", " ").replace("\u202f", " ").split())


@cache
def translations(lang: str) -> tuple[str, ...]:
    """Every translation in ``lang``'s catalogue and every class name in ``lang`` (normalised)."""
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        cat = read_po(f)
    out = []
    for m in cat:
        if m.id:
            out.extend([m.string] if isinstance(m.string, str) else list(m.string))
    for table in (REPO / "landgeo" / "data").glob("*.csv"):
        with open(table, encoding="utf-8") as f:
            out.extend(row.get(f"name_{lang}") or "" for row in csv.DictReader(f))
    return tuple(norm(t) for t in out if t)


@cache
def user_text() -> str:
    """What the demo's inputs say themselves (recipes, layer names): the user's words, in the user's language."""
    parts = [p.read_text(encoding="utf-8") for p in (REPO / "boundaries").glob("*.toml")]
    parts += [p.name for p in (REPO / "layers").rglob("*") if p.is_file()]
    return norm("\n".join(parts))


@cache
def foreign_phrases(lang: str) -> tuple[str, ...]:
    """Distinctive pieces of the other languages' texts that never occur in ``lang``'s (nor in the inputs)."""
    own = "\n".join(translations(lang))
    found = set()
    for other in LANGUAGES:
        if other == lang:
            continue
        for text in translations(other):
            for piece in _FIELD.split(text):
                piece = piece.strip(" ,;:.()—–-+·/")
                if len(piece) < (MIN_CHARS if " " in piece else MIN_CHARS_ONE_WORD):
                    continue
                if re.search(r"[^\W\d_]{4}", piece) and piece not in own and piece not in user_text():
                    found.add(piece)
    return tuple(sorted(found))


def foreign_in(text: str, lang: str) -> list[str]:
    """The foreign phrases of ``lang`` that ``text`` holds, as whole words."""
    text = norm(text)
    hits = []
    for phrase in foreign_phrases(lang):
        if phrase in text and re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text):
            hits.append(phrase)
    return hits


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def read_text_of_profile(profile: dict) -> str:
    """The person-read strings of a profile.json: everything but the data forms (``*_text``, class ``names``)
    and the indicator ids (``land_cover_area[Savannas]``: the same in every language, so rows compare)."""
    out = []

    def walk(value, key=""):
        if key.endswith("_text") or key in ("names", "indicator"):
            return
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            out.append(value)

    walk(profile)
    return "\n".join(out)


def run(*args):
    old = os.getcwd()
    os.chdir(REPO)
    try:
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return result


def test_the_check_finds_another_languages_text():
    # the phrase lists are not empty, and a sentence of another language is caught while one's own is not
    for lang in LANGUAGES:
        assert len(foreign_phrases(lang)) > 100
    assert "Aucun trou" in foreign_in("Contrôles : Aucun trou.", "en")
    assert foreign_in("Sin huecos. Una sola área contigua.", "pt")
    assert not foreign_in("Sin huecos. Una sola área contigua.", "es")
    assert not foreign_in("Superficie : 12 345 ha", "fr")


@pytest.fixture(scope="module")
def english_demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-en") / "demo"
    run("demo", "-o", out, "--lang", "en")
    return out


def demo_outputs(folder: Path):
    """(name, text) of every person-read output the demo writes."""
    for profile_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        prof = json.loads((profile_dir / "profile.json").read_text(encoding="utf-8"))
        yield f"{profile_dir.name}/profile.json", read_text_of_profile(prof)
        yield f"{profile_dir.name}/sheet.pdf", pdf_text(profile_dir / "sheet.pdf")
        yield f"{profile_dir.name}/map.html", (profile_dir / "map.html").read_text(encoding="utf-8")
        for compare_dir in sorted(p for p in profile_dir.iterdir() if p.is_dir() and (p / "compare.html").exists()):
            yield f"{compare_dir.name}/compare.html", (compare_dir / "compare.html").read_text(encoding="utf-8")
            for pdf in compare_dir.glob("*.pdf"):
                yield f"{compare_dir.name}/{pdf.name}", pdf_text(pdf)
    if (folder / "atlas.pdf").exists():
        yield "atlas.pdf", pdf_text(folder / "atlas.pdf")


@pytest.mark.slow
@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"] + ["en"])
def test_demo_in_each_language_has_no_text_of_another(lang, tmp_path, english_demo):
    folder = english_demo if lang == "en" else tmp_path / "demo"
    if lang != "en":
        run("demo", "-o", folder, "--lang", lang)
    seen = 0
    problems = {}
    for name, text in demo_outputs(folder):
        seen += 1
        assert text.strip(), f"{name} has no text"
        hits = foreign_in(text, lang)
        if hits:
            problems[name] = hits[:8]
    assert seen >= 10  # 3 profiles × (profile, sheet, map) + compare outputs + atlas
    assert not problems, f"{lang} outputs hold text of another language: {problems}"
    prof = json.loads(next(folder.glob("*/profile.json")).read_text(encoding="utf-8"))
    assert prof["language"] == lang


@pytest.mark.slow
@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_sheet_of_an_english_profile_in_another_language_has_no_english(lang, tmp_path, english_demo):
    for profile_dir in sorted(p for p in english_demo.iterdir() if p.is_dir()):
        prof = json.loads((profile_dir / "profile.json").read_text(encoding="utf-8"))
        if prof["language"] != "en":
            continue
        out = tmp_path / f"{profile_dir.name}.pdf"
        run("sheet", profile_dir, "--lang", lang, "-o", out)
        text = pdf_text(out)
        english = [h for h in foreign_in(text, lang) if h in "\n".join(translations("en"))]
        assert not english, f"{profile_dir.name} in {lang} keeps English: {english[:8]}"
        # and it is in the language asked for: its own labels are there
        assert norm(dict(zip(LANGUAGES, ("Landscape profile", "Profil du paysage", "Perfil del paisaje",
                                         "Perfil da paisagem")))[lang]) in norm(text)


@pytest.mark.parametrize(("lang", "words"), [("en", "is not a number"), ("fr", "n'est pas un nombre"),
                                             ("es", "no es un número"), ("pt", "não é um número")])
def test_an_input_error_is_stated_in_the_commands_language(tmp_path, lang, words):
    (tmp_path / "x.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    recipe = tmp_path / "bad.toml"
    recipe.write_text('[landscape]\nname = "X"\n\n[boundary]\nmethod = "file"\npath = "x.geojson"\n\n[scale]\nmin_ha = "ten"\n',
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["profile", str(recipe), "-o", str(tmp_path / "out"), "--lang", lang])
    assert result.exit_code == 2
    message = result.stderr if hasattr(result, "stderr") else result.output
    assert "bad.toml" in message and "[scale] min_ha" in message and words in message, message
    assert not foreign_in(message, lang), message
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_landscale_export_of_an_english_profile_is_in_the_asked_language(lang, tmp_path, english_demo):
    for profile_dir in sorted(p for p in english_demo.iterdir() if p.is_dir()):
        out = tmp_path / profile_dir.name
        result = run("export", "landscale", profile_dir, "-o", out, "--lang", lang)
        check = json.loads((out / "landscale_check.json").read_text(encoding="utf-8"))
        text = "\n".join([result.output, pdf_text(out / "landscale_check.pdf")]
                         + [f"{r['rule']} {r['why']}" for r in check["rules"]])
        english = [h for h in foreign_in(text, lang) if h in "\n".join(translations("en"))]
        assert not english, f"{profile_dir.name}: LandScale export in {lang} keeps English: {english[:8]}"
