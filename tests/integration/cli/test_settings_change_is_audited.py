"""`siyu settings set` goes through the same change as the console and the API: bounded to what
the planner can hold, and audited (`settings.set`, old and new value) under cli@<login>."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.integration.cli.support import audit_rows
from tests.support.cli import Siyu


def test_a_cli_setting_change_is_audited_with_old_and_new(engine: Engine, siyu: Siyu, login: str) -> None:
    assert siyu("settings", "set", "caps", '{"per_day": 2, "per_week": 5}').exit_code == 0
    assert siyu("settings", "set", "caps", '{"per_day": 3, "per_week": 6}').exit_code == 0

    assert audit_rows(engine) == [
        (None, f"cli@{login}", "settings.set", "settings", "caps", {"old": None, "new": {"per_day": 2, "per_week": 5}}),
        (
            None,
            f"cli@{login}",
            "settings.set",
            "settings",
            "caps",
            {"old": {"per_day": 2, "per_week": 5}, "new": {"per_day": 3, "per_week": 6}},
        ),
    ]


@pytest.mark.usefixtures("login")
def test_the_cli_refuses_what_the_api_refuses(engine: Engine, siyu: Siyu) -> None:
    too_late = siyu("settings", "set", "late_after", "400d")
    assert too_late.exit_code == 1
    assert "at most 365d" in too_late.stderr
    assert audit_rows(engine) == []
