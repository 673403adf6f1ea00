"""The command-line actor: audited as cli@<the OS login>, with no account behind it."""

from __future__ import annotations

import getpass

import pytest

from siyu.accounts.actors import CliActor


def test_the_cli_actor_is_named_by_the_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGNAME", "ops-wang")
    actor = CliActor.current()
    assert (actor.id, actor.username) == (None, "cli@ops-wang")


def test_without_a_login_the_cli_actor_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", no_login)
    assert CliActor.current().username == "cli@unknown"
