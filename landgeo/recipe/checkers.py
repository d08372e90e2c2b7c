"""Value checkers of a recipe: each takes ``(value, ctx)`` and returns the cleaned value or a RecipeError naming the key and the fix."""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import RecipeError
from ..i18n import Text

#: Ranges of recipe numbers: wider than any landscape needs, narrow enough to catch a slip.
MAX_DISTANCE_M = 1_000_000.0     # buffers, distances (1,000 km)
MAX_SIMPLIFY_M = 10_000.0
MAX_SNAP_M = 100_000.0
MAX_AREA_HA = 51_000_000_000.0   # the Earth's surface, ha


# --- value checkers: each takes (value, ctx) and returns the cleaned value --------------------

@dataclass(frozen=True)
class Ctx:
    file: Path
    key: str  # e.g. "[boundary] path"

    def fail(self, problem: Text, fix: Text) -> RecipeError:
        """The error for this key: what is wrong and how to fix it (both as data: stated in any language)."""
        return RecipeError(Text("{file}: {key} {problem}; {fix}", params={"file": str(self.file), "key": self.key,
                                                                        "problem": problem, "fix": fix}))


Checker = Callable[[Any, Ctx], Any]


def string(value, ctx: Ctx) -> str:
    if isinstance(value, str) and not value.strip():
        raise ctx.fail(Text("is empty"), Text('write the text between the quotes, or remove the key'))
    if not isinstance(value, str):
        raise ctx.fail(Text("= {value} is not a text", params={"value": repr(value)}), Text('write it in quotes, e.g. key = "text"'))
    return value.strip()


def number(value, ctx: Ctx) -> float:
    """A finite number (TOML's nan and inf are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ctx.fail(Text("= {value} is not a number", params={"value": repr(value)}), Text("write a number without quotes, e.g. 10000"))
    v = float(value)
    if not math.isfinite(v):
        raise ctx.fail(Text("= {value} is not a finite number", params={"value": repr(value)}), Text("write a real number, e.g. 10000"))
    return v


def positive(value, ctx: Ctx) -> float:
    v = number(value, ctx)
    if v < 0:
        raise ctx.fail(Text("= {value} is negative", params={"value": repr(value)}), Text("give a value ≥ 0"))
    return v


def bounded(low: float, high: float, unit: str, *, why: str = "") -> Checker:
    """A finite number in [low, high] (``unit`` and ``why`` go in the message)."""
    def check(value, ctx: Ctx) -> float:
        v = number(value, ctx)
        if not low <= v <= high:
            reason = f" ({why})" if why else ""
            raise ctx.fail(Text("= {value} is out of range{reason}", params={"value": repr(value), "reason": reason}),
                           Text("give a value from {low} to {high} {unit}", params={"low": f"{low:,g}", "high": f"{high:,g}", "unit": unit}))
        return v
    return check


def whole(low: int, high: int) -> Checker:
    """A whole number in [low, high]."""
    def check(value, ctx: Ctx) -> int:
        v = integer(value, ctx)
        if not low <= v <= high:
            raise ctx.fail(Text("= {value} is out of range", params={"value": repr(value)}),
                           Text("give a whole number from {low} to {high}", params={"low": f"{low:,}", "high": f"{high:,}"}))
        return v
    return check


def iso_date(value, ctx: Ctx) -> str:
    """A real calendar date: YYYY-MM-DD, YYYY-MM or YYYY (TOML dates too)."""

    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = string(value, ctx)
    try:
        if re.fullmatch(r"\d{4}", text):
            _dt.date(int(text), 1, 1)
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            _dt.date(int(text[:4]), int(text[5:7]), 1)
        else:
            _dt.date.fromisoformat(text)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
    except ValueError:
        raise ctx.fail(Text("= {value} is not a real date", params={"value": repr(text)}),
                       Text("write YYYY-MM-DD (e.g. 2024-03-31), YYYY-MM or YYYY")) from None
    return text


def integer(value, ctx: Ctx) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ctx.fail(Text("= {value} is not a whole number", params={"value": repr(value)}), Text("write a whole number, e.g. 2020"))
    return int(value)


def boolean(value, ctx: Ctx) -> bool:
    if not isinstance(value, bool):
        raise ctx.fail(Text("= {value} is not true or false", params={"value": repr(value)}), Text("write true or false without quotes"))
    return value


def strings(value, ctx: Ctx) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.fail(Text("= {value} is not a list of texts", params={"value": repr(value)}), Text('write a list, e.g. ["A", "B"]'))
    return tuple(v.strip() for v in value if v.strip())


def scalars(value, ctx: Ctx) -> tuple:
    """A non-empty list of texts or finite numbers (ids, names)."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        raise ctx.fail(Text("= {value} is not a list of names or numbers", params={"value": repr(value)}), Text('write a list, e.g. ["A", "B"] or [101, 102]'))
    if not value:
        raise ctx.fail(Text("= [] selects nothing"), Text('name at least one, e.g. ["A"], or leave the key out'))
    if any(isinstance(v, float) and not math.isfinite(v) for v in value):
        raise ctx.fail(Text("= {value} holds a number that is not finite", params={"value": repr(value)}),
                       Text("give names or real numbers"))
    if any(isinstance(v, str) and not v.strip() for v in value):
        raise ctx.fail(Text("= {value} holds an empty name", params={"value": repr(value)}), Text("remove the empty text"))
    return tuple(value)


def lonlat(value, ctx: Ctx) -> tuple[float, float]:
    ok = isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    if not ok:
        raise ctx.fail(Text("= {value} is not a [longitude, latitude] pair", params={"value": repr(value)}), Text("write e.g. [-1.95, 5.30] (longitude first)"))
    lon, lat = float(value[0]), float(value[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        hint = " (longitude and latitude look swapped)" if abs(lat) > 90 and abs(lon) <= 90 else ""
        raise ctx.fail(Text("= {value} is out of range{hint}", params={"value": repr(value), "hint": hint}), Text("write [longitude, latitude] in degrees, longitude first"))
    return lon, lat


def lonlats(value, ctx: Ctx) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list) or not value:
        raise ctx.fail(Text("= {value} is not a list of [longitude, latitude] pairs", params={"value": repr(value)}), Text("write e.g. [[-1.95, 5.30], [-2.1, 5.4]]"))
    if all(isinstance(v, (int, float)) for v in value):
        return (lonlat(value, ctx),)
    return tuple(lonlat(v, ctx) for v in value)


def path(value, ctx: Ctx) -> Path:
    text = string(value, ctx)
    p = Path(text).expanduser()
    full = (p if p.is_absolute() else ctx.file.parent / p).resolve()
    if not full.exists():
        raise ctx.fail(Text("= {value}: file not found (looked at {path})", params={"value": repr(text), "path": str(full)}),
                       Text("paths are relative to the recipe file; check the name"))
    if not (full.is_file() or (full.is_dir() and full.suffix.lower() == ".gdb")):
        what = Text("a folder") if full.is_dir() else Text("not a regular file (a pipe, device or socket)")
        raise ctx.fail(Text("= {value}: {path} is {what}", params={"value": repr(text), "path": str(full), "what": what}),
                       Text("name a layer or raster file"))
    return full


def paths(value, ctx: Ctx) -> tuple[Path, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ctx.fail(Text("= {value} is not a list of paths", params={"value": repr(value)}), Text('write e.g. ["photos/a.jpg"]'))
    return tuple(path(v, ctx) for v in value)


#: The first bytes of the image files a photo may be: PNG, JPEG, GIF, WebP, TIFF, HEIC/AVIF (ISO ``ftyp`` boxes).
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
IMAGE_FTYP = (b"heic", b"heix", b"mif1", b"msf1", b"avif")


def _is_image(head: bytes) -> bool:
    if head.startswith(IMAGE_MAGIC):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    return head[4:8] == b"ftyp" and head[8:12] in IMAGE_FTYP


def photos(value, ctx: Ctx) -> tuple[Path, ...]:
    """Paths of image files (checked by their first bytes, not their name: a photo is copied into the outputs)."""
    found = paths(value, ctx)
    for full in found:
        try:
            with open(full, "rb") as f:
                head = f.read(16)
        except OSError as exc:
            raise ctx.fail(Text("= {path} cannot be read ({reason})", params={"path": str(full), "reason": str(exc.strerror or exc)}),
                           Text("check the file and its permissions")) from exc
        if not _is_image(head):
            raise ctx.fail(Text("lists {path}, which is not an image file", params={"path": str(full)}),
                           Text("give photos as PNG, JPEG, WebP, GIF, TIFF or HEIC files"))
    return found


def choice(*options: str) -> Checker:
    def check(value, ctx: Ctx) -> str:
        text = string(value, ctx)
        if text not in options:
            close = difflib.get_close_matches(text, options, n=1)
            if close:
                fix = Text("did you mean {close}? use one of: {options}", params={"close": repr(close[0]), "options": ", ".join(options)})
            else:
                fix = Text("use one of: {options}", params={"options": ", ".join(options)})
            raise ctx.fail(Text("= {value} is not allowed", params={"value": repr(text)}), fix)
        return text
    return check


def mapping_of(checker: Checker) -> Checker:
    """A table whose keys are free (e.g. field renames) and whose values pass ``checker``."""
    def check(value, ctx: Ctx) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise ctx.fail(Text("is not a table"), Text("write it as {example}", params={"example": "key = { a = ..., b = ... }"}))
        return MappingProxyType({k: checker(v, Ctx(ctx.file, f"{ctx.key}.{k}")) for k, v in value.items()})
    return check


def table(schema: Mapping[str, Checker], required: tuple[str, ...] = ()) -> Checker:
    def check(value, ctx: Ctx) -> Mapping[str, Any]:
        return check_table(value, schema, ctx, required)
    return check


def did_you_mean(key: str, allowed) -> Text | str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.5)
    return Text("did you mean {close}? ", params={"close": repr(close[0])}) if close else ""


def sub_ctx(ctx: Ctx, key: str, value) -> Ctx:
    """Context for ``key`` inside ``ctx``: ``[profile.products]`` for a sub-table, ``[boundary] path`` otherwise."""
    if isinstance(value, dict) and ctx.key.startswith("[") and ctx.key.endswith("]") and " " not in ctx.key:
        return Ctx(ctx.file, f"[{ctx.key[1:-1]}.{key}]")
    return Ctx(ctx.file, f"{ctx.key} {key}")


def unknown_key(ctx: Ctx, key: str, schema, *, where: str, hint: str) -> RecipeError:
    return RecipeError(Text("{file}: unknown key {key} in {where}; {hint}allowed keys: {keys}",
                            params={"file": str(ctx.file), "key": repr(key), "where": where, "hint": hint,
                                    "keys": ", ".join(sorted(schema))}))


def check_table(data, schema: Mapping[str, Checker], ctx: Ctx, required=()) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise ctx.fail(Text("is not a table"), Text("write it as a [table] with key = value lines"))
    out = {}
    for key, value in data.items():
        if key not in schema:
            raise unknown_key(ctx, key, schema, where=ctx.key, hint=did_you_mean(key, schema))
        out[key] = schema[key](value, sub_ctx(ctx, key, value))
    for key in required:
        if key not in out:
            raise RecipeError(Text("{file}: {where} is missing the key {key}; add {name} = … to {where}",
                                   params={"file": str(ctx.file), "where": ctx.key, "key": repr(key), "name": key}))
    return MappingProxyType(out)


