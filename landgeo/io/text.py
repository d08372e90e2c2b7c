"""Reading UTF-8 text inputs (recipes, class tables, profile.json) with a clear error."""

from __future__ import annotations

from pathlib import Path

from ..errors import LayerError
from ..i18n import Text
from .inputs import check_exists


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file (recipes, class tables), with a clear error.

    A leading byte-order mark (Windows Notepad writes one) is dropped: TOML and CSV readers would take it as text.
    """
    path = Path(path)
    check_exists(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LayerError(Text("{file}: is not UTF-8 text ({reason}); save it as UTF-8", params={"file": str(path), "reason": str(exc)})) from exc
