"""The languages people read siyu in: Chinese (zh-CN) first, and English."""

from __future__ import annotations

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"


def known_locale(wanted: str | None) -> str:
    """`wanted` when siyu speaks it; otherwise the default. `en-US`, `en_GB.UTF-8` → `en`."""
    if wanted in LOCALES:
        return wanted
    if wanted and wanted.lower().replace("_", "-").split("-")[0] == "en":
        return "en"
    return DEFAULT_LOCALE
