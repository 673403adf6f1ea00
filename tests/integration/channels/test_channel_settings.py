"""Channel settings: validated as a whole, secrets kept apart and never shown."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from siyu.channels import stored as channels
from siyu.core.errors import ValidationError

NOW = 1_795_000_000_000_000


def test_a_secret_of_only_spaces_is_refused_and_nothing_is_written(engine: Engine) -> None:
    with engine.begin() as conn:
        with pytest.raises(ValidationError, match=r"webhook\.secret: only spaces"):
            channels.save(conn, "webhook", settings={"url": "https://example.com/h"}, secrets={"secret": "   "}, now_us=NOW)
        assert channels.load(conn, "webhook").updated_at is None


def test_shown_defaults_are_json_like_the_stored_values(engine: Engine) -> None:
    with engine.begin() as conn:
        shown = channels.shown(channels.load(conn, "webhook"))
    assert shown["settings"]["purposes"] == ["send", "remind", "digest"]
    assert shown["secrets"] == {"inbound_secret": False, "secret": False}


def test_secrets_are_kept_when_left_out_and_cleared_with_an_empty_string(engine: Engine) -> None:
    with engine.begin() as conn:
        channels.save(
            conn,
            "webhook",
            enabled=True,
            settings={"url": "https://example.com/h"},
            secrets={"secret": "a-long-enough-secret-1"},
            now_us=NOW,
        )
        channels.save(conn, "webhook", settings={"timeout_s": 5}, now_us=NOW)
        assert channels.load(conn, "webhook").secrets == {"secret": "a-long-enough-secret-1"}
        channels.save(conn, "webhook", secrets={"secret": ""}, now_us=NOW)
        assert channels.load(conn, "webhook").secrets == {}
        assert channels.load(conn, "webhook").settings == {"url": "https://example.com/h", "timeout_s": 5.0}


def test_unknown_settings_and_misplaced_secrets_are_located(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValidationError) as caught:
        channels.save(conn, "wecom", settings={"corpid": "x", "contact_secret": "y"}, now_us=NOW)
    wheres = {p.where for p in caught.value.problems}
    assert wheres == {"wecom.contact_secret"}
    with engine.begin() as conn, pytest.raises(ValidationError) as caught:
        channels.save(conn, "wecom", settings={"corpid": "x"}, now_us=NOW)
    assert [p.where for p in caught.value.problems] == ["wecom.corpid"]
    assert "unknown setting" in caught.value.problems[0].message
