"""A fixed login for the person running `siyu`, so that cli@<login> is known to the tests."""

from __future__ import annotations

import pytest

LOGIN = "ops-li"


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> str:
    """The OS login `siyu` runs as (getpass reads LOGNAME first)."""
    monkeypatch.setenv("LOGNAME", LOGIN)
    return LOGIN
