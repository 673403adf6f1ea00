"""Small, fast JSON text builders for the generator's hot loop (the values come from fixed
catalogues, so their encoded forms are cached)."""

from __future__ import annotations

import json
from functools import lru_cache


@lru_cache(maxsize=4096)
def js(text: str) -> str:
    """A JSON string literal, UTF-8 kept readable (`"润肤霜"`)."""
    return json.dumps(text, ensure_ascii=False)


def money(fen: int) -> str:
    """Fen as a JSON number with two decimals: 15900 → `159.00`."""
    return f"{fen // 100}.{fen % 100:02d}"
