"""Extract landgeo's messages, update the four catalogues and compile them (Babel).

    python scripts/update_catalogues.py                 # extract -> landgeo.pot, update every .po, compile .mo
    python scripts/update_catalogues.py --merge new.json   # also take translations from a file
    python scripts/update_catalogues.py --check         # only report; exit 1 if a catalogue is behind the code

It does what ``pybabel extract -F pyproject.toml``, ``pybabel update`` and ``pybabel compile``
do (README, "Adding a language"), with output that merges well between branches: messages
sorted, file names without line numbers, header dates kept. The English catalogue is the
source language: its translations are the message ids (edit them there to reword English
without touching the code). A new message gets an empty translation in the other
catalogues, which tests/test_i18n.py reports until someone translates it: translate it before
committing the catalogues, or leave the catalogues unchanged (the message then reads in English
everywhere until it is extracted and translated).

``--merge`` reads a JSON list of ``{"id": ..., "plural": ..., "context": ..., "fr": ..., "es": ...,
"pt": ...}`` (a plural message gives a list of forms, one and other; further CLDR forms repeat
the last). Never imported by the package.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from landgeo.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

POT = LOCALE_DIR / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """The template: ``pybabel extract -F pyproject.toml`` over ``landgeo/`` (creation date kept)."""
    old = None
    if POT.exists():
        with open(POT, "rb") as f:
            old = read_po(f).creation_date
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "landgeo.pot"
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "pyproject.toml"), "-o", str(out),
                                    "--project", "landgeo", "--add-location", "file", "--ignore-dirs", ". _* build dist", str(ROOT)])
        with open(out, "rb") as f:
            template = read_po(f, domain=DOMAIN)
    for message in template:  # file names relative to the repository
        message.locations = sorted({(str(Path(path).resolve().relative_to(ROOT)), None) for path, _ in message.locations})
    if old is not None:
        template.creation_date = old
    return template


def write(catalog: Catalog, path: Path) -> bool:
    """Write ``catalog`` to ``path`` if it changed; True when it did."""
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)
    data = buf.getvalue()
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def apply(catalog: Catalog, lang: str, entries: list[dict]) -> int:
    """Set translations for ``lang`` from ``entries``; the number set."""
    done = 0
    for entry in entries:
        text = entry.get(lang)
        if not text:
            continue
        message = catalog.get(entry["id"], context=entry.get("context"))
        if message is None:
            print(f"{lang}: not in the code (skipped): {entry['id']!r}", file=sys.stderr)
            continue
        if message.pluralizable:
            forms = list(text) if isinstance(text, list) else [text]
            forms += [forms[-1]] * (catalog.num_plurals - len(forms))
            message.string = tuple(forms[: catalog.num_plurals])
        else:
            message.string = text
        message.flags.discard("fuzzy")
        done += 1
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merge", type=Path, help="JSON file of translations to take in")
    parser.add_argument("--check", action="store_true", help="report only; exit 1 when a catalogue lacks a message")
    args = parser.parse_args(argv)
    entries = json.loads(args.merge.read_text(encoding="utf-8")) if args.merge else []

    template = extract()
    behind = 0
    if not args.check:
        write(template, POT)
    for lang in LANGUAGES:
        path = po_path(lang)
        if path.exists():
            with open(path, "rb") as f:
                catalog = read_po(f, locale=LANGUAGES[lang], domain=DOMAIN)
        else:
            catalog = Catalog(locale=LANGUAGES[lang], domain=DOMAIN, project="landgeo", fuzzy=False)
            catalog.creation_date = template.creation_date
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if lang == "en":  # the source language: a new or changed message reads as written in the code
            for message in catalog:
                if message.id and (message.fuzzy or not message.string or (message.pluralizable and not all(message.string))):
                    message.string = message.id if not message.pluralizable else (message.id[0], message.id[1])
                    message.flags.discard("fuzzy")
        apply(catalog, lang, entries)
        missing = [m for m in catalog if m.id and (not m.string or (m.pluralizable and not all(m.string)))]
        behind += len(missing)
        print(f"{lang}: {sum(1 for m in catalog if m.id)} messages, {len(missing)} untranslated")
        for m in missing:
            print(f"    {m.id!r}")
        if not args.check:
            write(catalog, path)
            buf = io.BytesIO()
            write_mo(buf, catalog)
            mo = path.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != buf.getvalue():
                mo.write_bytes(buf.getvalue())
    return 1 if args.check and behind else 0


if __name__ == "__main__":
    raise SystemExit(main())
