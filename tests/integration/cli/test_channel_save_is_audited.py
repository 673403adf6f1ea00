"""`siyu channel set` and `siyu channel secret` write the same audit entry as a console or API
save (`channel.save`, the names of what changed, never a secret), under cli@<login>."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.integration.cli.support import audit_rows
from tests.support.cli import Siyu

SECRET = "s3cret-value-long-enough-for-signing-0123456789"


def test_a_cli_channel_save_is_audited_under_the_login(engine: Engine, siyu: Siyu, login: str) -> None:
    saved = siyu("channel", "set", "webhook", "url=https://hooks.example.com/siyu", "timeout_s=5", "--enable")
    assert saved.exit_code == 0, saved.output

    assert audit_rows(engine) == [
        (
            None,
            f"cli@{login}",
            "channel.save",
            "channel",
            "webhook",
            {"settings": ["timeout_s", "url"], "secrets_set": [], "secrets_cleared": [], "enabled": True},
        )
    ]


@pytest.mark.usefixtures("login")
def test_a_cli_secret_is_audited_by_name_only(engine: Engine, siyu: Siyu) -> None:
    assert siyu("channel", "set", "webhook", f"secret={SECRET}").exit_code == 0
    cleared = siyu("channel", "secret", "webhook", "secret", "--clear")
    assert cleared.exit_code == 0, cleared.output

    details = [row[5] for row in audit_rows(engine)]
    assert details == [
        {"settings": [], "secrets_set": ["secret"], "secrets_cleared": []},
        {"settings": [], "secrets_set": [], "secrets_cleared": ["secret"]},
    ]
    assert SECRET not in str(audit_rows(engine))


@pytest.mark.usefixtures("login")
def test_a_refused_cli_save_writes_no_audit_entry(engine: Engine, siyu: Siyu) -> None:
    refused = siyu("channel", "set", "webhook", "timeout_s=500")
    assert refused.exit_code == 1
    assert audit_rows(engine) == []
