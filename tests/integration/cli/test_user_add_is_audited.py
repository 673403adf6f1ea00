"""`siyu user add` is audited as user.create under cli@<login> (no account made the change)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.integration.cli.support import audit_rows
from tests.support.cli import Siyu


def test_a_cli_user_add_is_audited_under_the_login(engine: Engine, siyu: Siyu, login: str) -> None:
    added = siyu("user", "add", "boss", "--role", "admin", "--password", "a-long-password-1")
    assert added.exit_code == 0, added.output

    assert audit_rows(engine) == [
        (None, f"cli@{login}", "user.create", "user", "boss", {"role": "admin", "staff": None}),
    ]
