"""A profile's texts in the reader's language, rendered again from the facts it keeps as data.

``profile.json`` keeps each sentence in the language it was made in and, beside it, the
same sentence as data: a field ``X`` (``definition``, ``message``, ``notes``, ``method``…)
has its catalogue form in ``X_text`` (a :class:`landgeo.i18n.Text` dict, or a list of
them for a list ``X``), and a land-cover class keeps its name in every language in
``names``. :func:`localize_profile` walks the whole profile and replaces every such text
with its rendering in ``lang``; a text with no data form (a user's own sentence, a profile
from an older landgeo) is kept as written.

>>> p = {"language": "en", "checks": [{"id": "holes", "message": "No holes.", "message_text": {"msgid": "No holes.", "params": {}}}],
...      "land_cover": {"classes": [{"value": 0, "class": "Water", "names": {"en": "Water", "fr": "Eau", "es": "Agua"}}]}}
>>> q = localize_profile(p, "es")
>>> q["checks"][0]["message"], q["land_cover"]["classes"][0]["class"], q["language"]
('Sin huecos.', 'Agua', 'es')
>>> p["checks"][0]["message"]  # the input is not changed
'No holes.'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import Text, check_lang

SUFFIX = "_text"


def _render(data: Any, lang: str) -> Any:
    if isinstance(data, Mapping) and "msgid" in data:
        return Text.from_dict(data).render(lang)
    if isinstance(data, list):
        return [_render(d, lang) for d in data]
    return None


def _walk(value: Any, lang: str) -> Any:
    if isinstance(value, list):
        return [_walk(v, lang) for v in value]
    if not isinstance(value, Mapping):
        return value
    out = {k: _walk(v, lang) for k, v in value.items()}
    for key, data in value.items():
        if not (isinstance(key, str) and key.endswith(SUFFIX)) or key[: -len(SUFFIX)] not in value:
            continue
        rendered = _render(data, lang)
        if isinstance(rendered, list) and isinstance(out[key[: -len(SUFFIX)]], list):
            original = out[key[: -len(SUFFIX)]]
            rendered = [r if r is not None else o for r, o in zip(rendered, original)] + original[len(rendered):]
        if rendered is not None:
            out[key[: -len(SUFFIX)]] = rendered
    names = value.get("names")
    if "class" in value and isinstance(names, Mapping):
        out["class"] = names.get(lang) or names.get("en") or value["class"]
    return out


def localize_profile(profile: Mapping[str, Any], lang: str) -> dict:
    """A copy of ``profile`` with every text that has a data form rendered in ``lang``."""
    lang = check_lang(lang)
    out = _walk(profile, lang)
    out["language"] = lang
    return out
