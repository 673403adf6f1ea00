"""Every console message exists in Chinese and English, and every key the console uses exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

from siyu.core.language import LOCALES
from siyu.web.i18n import CATALOG_DIR, catalog, translate
from siyu.web.templating import TEMPLATES

WEB = TEMPLATES.parent
# t('key') / t("key", …) in templates; translate(locale, "key") and t("key") in Python
# (whole literal keys only: a key built at run time, `t('x.' ~ kind)`, is not checked here)
USED = re.compile(
    r"""\bt\(\s*['"]([A-Za-z0-9_.\-]+)['"]\s*[,)]|translate\(\s*[^,()]+,\s*['"]([A-Za-z0-9_.\-]+)['"]\s*[,)]"""
)


def _used_keys() -> dict[str, str]:
    used: dict[str, str] = {}
    for path in [*TEMPLATES.rglob("*.html"), *WEB.rglob("*.py")]:
        for match in USED.finditer(path.read_text(encoding="utf-8")):
            used.setdefault(match.group(1) or match.group(2), str(path.relative_to(WEB)))
    return used


def test_every_message_has_every_locale_and_no_empty_text() -> None:
    incomplete = [
        f"{path.name}: {key}"
        for path in sorted(CATALOG_DIR.glob("*.json"))
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items()
        if sorted(texts) != sorted(LOCALES) or not all(str(v).strip() for v in texts.values())
    ]
    assert incomplete == []


def test_every_key_used_by_the_console_exists() -> None:
    known = catalog()
    missing = sorted(f"{where}: {key}" for key, where in _used_keys().items() if key not in known)
    assert missing == []


def test_placeholders_agree_between_locales() -> None:
    field = re.compile(r"\{(\w+)\}")
    differing = [
        key for key, texts in catalog().items() if len({frozenset(field.findall(text)) for text in texts.values()}) > 1
    ]
    assert differing == []


def test_a_missing_key_shows_itself() -> None:
    assert translate("en", "no.such.key") == "[no.such.key]"
    assert translate("zh-CN", "nav.sops") == "SOP"


def test_catalog_files_are_found_beside_the_module() -> None:
    assert Path(CATALOG_DIR).is_dir() and any(CATALOG_DIR.glob("*.json"))
