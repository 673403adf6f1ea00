"""`siyu secrets rotate` seals every stored secret with a new key, the old one still opening;
it is audited by key id and counts only; `siyu secrets status` shows which key sealed what."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.channels import stored as channels
from siyu.store.secret_keys import keyring_of, new_key, read_key_file, sealed_key_id
from siyu.store.tables import channels as channel_table
from tests.integration.cli.support import audit_rows
from tests.support.cli import Siyu

NOW = 1_795_000_000_000_000
SECRETS = {"contact_secret": "contact-9a8b7c", "agent_secret": "agent-6d5e4f"}


def _sealing_key_ids(engine: Engine) -> set[str | None]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(channel_table.c.secrets)).all()
    return {sealed_key_id(value) for row in rows for value in row.secrets.values()}


@pytest.fixture
def saved(engine: Engine) -> Engine:
    with engine.begin() as conn:
        channels.save(conn, "wecom", settings={"corp_id": "ww1"}, secrets=SECRETS, now_us=NOW)
        channels.save(conn, "webhook", secrets={"secret": "webhook-secret-0123456789"}, now_us=NOW)
    return engine


@pytest.mark.usefixtures("login")
def test_rotate_into_a_new_key_file_reseals_everything_and_keeps_the_old_key(
    saved: Engine, siyu: Siyu, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_id = keyring_of(saved).sealing_key_id
    new_file = tmp_path / "new.key"
    rotated = siyu("secrets", "rotate", "--new-key-file", str(new_file))
    assert rotated.exit_code == 0, rotated.output
    assert "3 secret(s) sealed" in rotated.output
    assert stat.S_IMODE(os.stat(new_file).st_mode) == 0o600
    new_keys = read_key_file(new_file)
    assert len(new_keys) >= 2  # the new key, then the old ones: the file alone opens everything
    [new_id] = _sealing_key_ids(saved)
    assert new_id != old_id

    monkeypatch.setenv("SIYU_SECRET_KEY_FILE", str(new_file))
    status = siyu("secrets", "status", "--format", "json")
    assert status.exit_code == 0, status.output
    shown = json.loads(status.output)
    assert shown["sealing_key"] == new_id and shown["secrets_by_key"] == {new_id: 3}
    assert old_id in shown["keys"][1:]  # the old key still opens
    shown_wecom = siyu("channel", "show", "wecom")  # the CLI opens the secrets with the new file alone
    assert shown_wecom.exit_code == 0, shown_wecom.output

    [*_, (_user, _actor, action, subject_type, subject_id, detail)] = audit_rows(saved)
    assert (action, subject_type, subject_id) == ("secrets.rotate", "secret_key", new_id)
    assert detail == {"resealed": 3, "census": {new_id: 3}}
    assert not any(value in json.dumps(audit_rows(saved), default=str) for value in SECRETS.values())


@pytest.mark.usefixtures("login")
def test_rotate_in_place_puts_a_new_key_first_in_the_current_file_and_a_running_process_follows(
    saved: Engine, siyu: Siyu
) -> None:
    running = keyring_of(saved)
    old_id = running.sealing_key_id
    key_file = running.source.file
    assert key_file is not None
    rotated = siyu("secrets", "rotate")
    assert rotated.exit_code == 0, rotated.output
    keys = read_key_file(key_file)
    assert len(keys) == 2
    assert _sealing_key_ids(saved) != {old_id}
    with saved.connect() as conn:  # this process knew only the old key: it reads the file again
        assert channels.load(conn, "wecom").secrets == SECRETS


def test_rotate_refuses_keys_from_the_environment_without_a_new_key_file(
    siyu: Siyu, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIYU_SECRET_KEY", new_key())
    refused = siyu("secrets", "rotate")
    assert refused.exit_code == 1
    assert "use --new-key-file" in refused.output
