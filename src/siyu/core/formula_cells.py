"""Spreadsheet cells that cannot run: text siyu writes to a CSV or XLSX file that a person opens
in Excel or WPS must not start a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`: OWASP's CSV
injection). Such text gets a leading apostrophe, which spreadsheets read as "this is text" and
do not show; the CSV reader takes it off again, so a rejected-rows file imports as it was.

Text that already starts with apostrophes before a formula character gets one more, so that
`unescape_formula(escape_formula(text)) == text` for every text."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _quoted_formula(text: str) -> bool:
    return text.startswith(QUOTE) and text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def escape_formula(text: str) -> str:
    """The text as a cell that a spreadsheet shows as text, never evaluates."""
    if text.startswith(FORMULA_STARTS) or _quoted_formula(text):
        return QUOTE + text
    return text


def unescape_formula(text: str) -> str:
    """The text `escape_formula` was given."""
    return text[1:] if _quoted_formula(text) else text
