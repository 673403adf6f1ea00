"""Saving the WeCom channel refuses a base_url that is neither WeCom nor this machine, located and
with nothing written; the admin's explicit allow is a setting, audited like any other; a row
pointed elsewhere behind siyu's back cannot be turned into a client."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from pydantic import ValidationError as ModelError
from sqlalchemy.engine import Engine

from siyu.accounts.actors import CliActor
from siyu.channels import stored as channels
from siyu.core.errors import ValidationError
from siyu.store.tables import channels as channel_table
from tests.integration.cli.support import audit_rows

NOW = 1_795_000_000_000_000
ADMIN = CliActor("admin")


def test_a_foreign_base_url_is_refused_where_it_was_given_and_nothing_is_written(engine: Engine) -> None:
    with engine.begin() as conn:
        channels.save(conn, "wecom", settings={"corp_id": "ww1"}, secrets={"contact_secret": "c-secret"}, now_us=NOW)
    with engine.begin() as conn, pytest.raises(ValidationError) as caught:
        channels.save(conn, "wecom", settings={"base_url": "https://collector.example"}, now_us=NOW + 1)
    [problem] = caught.value.problems
    assert problem.where == "wecom.base_url"
    assert "allow_custom_base_url" in problem.message
    with engine.begin() as conn:
        kept = channels.load(conn, "wecom")
    assert kept.updated_at == NOW
    assert "base_url" not in kept.settings


def test_an_explicit_allow_lets_another_host_through_and_is_in_the_audit(engine: Engine) -> None:
    with engine.begin() as conn:
        saved = channels.change(
            conn,
            "wecom",
            actor=ADMIN,
            settings={"base_url": "https://wecom-proxy.example", "allow_custom_base_url": True},
            now_us=NOW,
        )
    assert saved.model().base_url == "https://wecom-proxy.example"  # type: ignore[attr-defined]
    [(_user, actor, action, _type, subject, detail)] = audit_rows(engine)
    assert (actor, action, subject) == ("cli@admin", "channel.save", "wecom")
    assert detail["settings"] == ["allow_custom_base_url", "base_url"]


def test_withdrawing_the_allow_while_base_url_is_foreign_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        channels.save(
            conn, "wecom", settings={"base_url": "https://p.example", "allow_custom_base_url": True}, now_us=NOW
        )
        with pytest.raises(ValidationError) as caught:
            channels.save(conn, "wecom", settings={"allow_custom_base_url": False}, now_us=NOW + 1)
    assert [p.where for p in caught.value.problems] == ["wecom.base_url"]


def test_a_row_pointed_elsewhere_behind_siyus_back_builds_no_client(engine: Engine) -> None:
    with engine.begin() as conn:
        channels.save(conn, "wecom", settings={"corp_id": "ww1"}, secrets={"contact_secret": "c-secret"}, now_us=NOW)
        conn.execute(
            sa.update(channel_table)
            .where(channel_table.c.name == "wecom")
            .values(settings={"corp_id": "ww1", "base_url": "https://collector.example"})
        )
        config = channels.load(conn, "wecom")
    with pytest.raises(ModelError, match="base_url"):
        config.model()
