"""Console text in Chinese (zh-CN, the default) and English.

Messages live in `web/i18n/*.json`, one file per area of the console, each mapping a key to its
text in every locale: `{"nav.sops": {"zh-CN": "SOP", "en": "SOPs"}}`. A missing key shows itself
(`[nav.sops]`) rather than failing the page; a test keeps every key complete."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from starlette.requests import Request

from siyu.core.language import DEFAULT_LOCALE, LOCALES

LOCALE_COOKIE = "siyu_lang"
CATALOG_DIR = Path(__file__).with_name("i18n")


@cache
def catalog() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOG_DIR.glob("*.json")):
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"{path.name}: message {key} is also defined in another catalog file")
            merged[key] = texts
    return merged


def translate(locale: str, key: str, **values: object) -> str:
    texts = catalog().get(key)
    if texts is None:
        return f"[{key}]"
    text = texts.get(locale) or texts.get(DEFAULT_LOCALE) or f"[{key}]"
    return text.format(**values) if values else text


def locale_of(request: Request, user_locale: str | None = None) -> str:
    """The cookie set by the language switch, then the user's own setting, then the browser's."""
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return chosen
    if user_locale in LOCALES:
        return user_locale
    accept = request.headers.get("accept-language", "").lower()
    first = accept.split(",")[0].strip()
    if first.startswith("en"):
        return "en"
    return DEFAULT_LOCALE
