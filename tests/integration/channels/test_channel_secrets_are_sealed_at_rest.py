"""Channel secrets are stored sealed (encrypted, the key named by id) and opened on load; no
secret reaches the audit log or the CLI's output; secrets stored plain before sealing existed are
sealed when a process opens the database, once."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.accounts.actors import CliActor
from siyu.channels import stored as channels
from siyu.store.db import create_engine
from siyu.store.sealed_secrets import key_census, seal_plain_secrets
from siyu.store.secret_keys import is_sealed, keyring_of
from siyu.store.tables import audit_log
from siyu.store.tables import channels as channel_table
from tests.support.cli import Siyu

NOW = 1_795_000_000_000_000
CONTACT = "contact-secret-7f3a9c"
AGENT = "agent-secret-51d2e0"


def _raw_secrets(engine: Engine, name: str) -> dict[str, str]:
    with engine.connect() as conn:
        row = conn.execute(sa.select(channel_table.c.secrets).where(channel_table.c.name == name)).one()
    return dict(row.secrets)


def _save_wecom(engine: Engine) -> None:
    with engine.begin() as conn:
        channels.change(
            conn,
            "wecom",
            actor=CliActor("admin"),
            settings={"corp_id": "ww1"},
            secrets={"contact_secret": CONTACT, "agent_secret": AGENT},
            now_us=NOW,
        )


def test_secrets_are_sealed_in_the_row_and_opened_on_load(engine: Engine) -> None:
    _save_wecom(engine)
    raw = _raw_secrets(engine, "wecom")
    assert set(raw) == {"contact_secret", "agent_secret"}
    assert all(is_sealed(value) for value in raw.values())
    assert CONTACT not in json.dumps(raw) and AGENT not in json.dumps(raw)
    with engine.connect() as conn:
        loaded = channels.load(conn, "wecom")
        assert channels.load_all(conn)["wecom"].secrets == loaded.secrets
    assert loaded.secrets == {"contact_secret": CONTACT, "agent_secret": AGENT}
    assert loaded.model().contact_secret == CONTACT  # type: ignore[attr-defined]


def test_a_setting_saved_later_keeps_the_secrets_it_did_not_name(engine: Engine) -> None:
    _save_wecom(engine)
    with engine.begin() as conn:
        channels.save(conn, "wecom", settings={"timeout_s": 5}, now_us=NOW + 1)
        assert channels.load(conn, "wecom").secrets["agent_secret"] == AGENT


def test_no_secret_reaches_the_audit_log_or_the_cli(engine: Engine, siyu: Siyu) -> None:
    _save_wecom(engine)
    with engine.connect() as conn:
        logged = json.dumps([row.detail for row in conn.execute(sa.select(audit_log))])
    assert "secrets_set" in logged
    for output in (siyu("channel", "show", "wecom").output, siyu("channel", "list", "--format", "json").output):
        assert CONTACT not in output and AGENT not in output
        assert "siyu-sealed" not in output


def test_plain_secrets_from_before_are_sealed_once_when_a_process_opens_the_database(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(channel_table).values(
                name="webhook",
                enabled=True,
                settings={"url": "https://hooks.example/x"},
                secrets={"secret": "plain-secret-0123456789"},
                updated_at=NOW,
            )
        )
        assert channels.load(conn, "webhook").secrets == {"secret": "plain-secret-0123456789"}  # read as it is
    assert seal_plain_secrets(engine) == 1
    sealed = _raw_secrets(engine, "webhook")
    assert is_sealed(sealed["secret"])
    assert seal_plain_secrets(engine) == 0  # idempotent: nothing plain is left
    assert _raw_secrets(engine, "webhook") == sealed
    with engine.connect() as conn:
        assert channels.load(conn, "webhook").secrets == {"secret": "plain-secret-0123456789"}
        assert key_census(conn) == {keyring_of(conn).sealing_key_id: 1}


def test_opening_the_database_runs_the_sealing_step(sqlite_engine: Engine) -> None:
    with sqlite_engine.begin() as conn:
        conn.execute(
            sa.insert(channel_table).values(
                name="sms", enabled=False, settings={}, secrets={"api_key": "plain-api-key"}, updated_at=NOW
            )
        )
    url = sqlite_engine.url.render_as_string(hide_password=False)
    reopened = create_engine(url)  # the same default key file beside the database
    try:
        assert is_sealed(_raw_secrets(reopened, "sms")["api_key"])
        with reopened.connect() as conn:
            assert channels.load(conn, "sms").secrets == {"api_key": "plain-api-key"}
    finally:
        reopened.dispose()
