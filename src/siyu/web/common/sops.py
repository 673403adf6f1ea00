"""The limits the API and the console put on SOP ids, version numbers and a draft's YAML."""

from __future__ import annotations

SOP_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"
MAX_VERSION = 2**31 - 1
MAX_DRAFT_SOURCE = 200_000  # characters of one SOP's YAML in a draft
