"""Make a map-sheet atlas from landscape recipes: one PDF, a contents page, a page per landscape.

A recipe that fails (a missing layer, a bad key) is listed on the contents page
with its error; the others go on. Optionally writes each sheet as a PNG too.

    python scripts/make_sheets.py boundaries/*.toml -o atlas.pdf [--lang fr] [--png-dir sheets/]

Prints one line per landscape (name, ok/failed, page or error); exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from landgeo.app.pipeline import build_profile
from landgeo.errors import LandgeoError
from landgeo.recipe.parse import read_recipe
from landgeo.render.atlas import AtlasFailure, summary_lines, write_atlas
from landgeo.render.sheet import write_sheet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipes", nargs="+", type=Path, help="landscape recipes (.toml)")
    parser.add_argument("-o", "--out", type=Path, required=True, help="the atlas PDF to write")
    parser.add_argument("--lang", choices=["en", "fr"], default="en")
    parser.add_argument("--png-dir", type=Path, default=None, help="also write <slug>.png sheets here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")

    items = []
    for path in args.recipes:
        try:
            result = build_profile(read_recipe(path), lang=args.lang)
        except LandgeoError as exc:  # the user's input is wrong: record it and go on
            items.append(AtlasFailure(path.stem, str(exc)))
            continue
        items.append(result)
        if args.png_dir is not None:
            write_sheet(result.profile, result.layers, png=args.png_dir / f"{result.recipe.slug}.png",
                        lang=args.lang, rasters=result.rasters)

    try:
        entries = write_atlas(items, args.out, lang=args.lang)
    except LandgeoError as exc:  # no landscape could be drawn: no atlas
        print(exc, file=sys.stderr)
        return 1
    for line in summary_lines(entries, lang=args.lang):
        print(line)
    print(f"atlas: {args.out}")
    return 1 if any(e.status != "ok" for e in entries) else 0


if __name__ == "__main__":
    sys.exit(main())
