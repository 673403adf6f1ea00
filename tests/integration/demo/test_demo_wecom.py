"""The demo points WeCom at a local fake, and never replaces a real WeCom configuration."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from siyu.channels import stored as channels
from siyu.core.errors import ValidationError
from siyu.demo.fake_wecom import FakeAddress, fake_address, use_fake

NOW = 1_795_000_000_000_000


def test_the_demo_points_wecom_at_a_local_fake(engine: Engine) -> None:
    with engine.begin() as conn:
        assert fake_address(conn) is None
        use_fake(conn, port=18001, public_url="http://127.0.0.1:18000", now_us=NOW)
        assert fake_address(conn) == FakeAddress("127.0.0.1", 18001)
        wecom = channels.load(conn, "wecom")
        assert wecom.enabled
        assert channels.shown(wecom)["secrets"]["contact_secret"] is True
        assert channels.delivery_settings(conn).public_url == "http://127.0.0.1:18000"
        use_fake(conn, port=18002, public_url="http://127.0.0.1:18000", now_us=NOW)  # the fake may move
        assert fake_address(conn) == FakeAddress("127.0.0.1", 18002)


def test_a_real_wecom_is_never_replaced_without_force(engine: Engine) -> None:
    with engine.begin() as conn:
        channels.save(
            conn,
            "wecom",
            enabled=True,
            settings={"corp_id": "ww-real", "agent_id": 1000005},
            secrets={"contact_secret": "real-secret"},
            now_us=NOW,
        )
        with pytest.raises(ValidationError, match="a real WeCom is configured"):
            use_fake(conn, port=18001, public_url="http://127.0.0.1:18000", now_us=NOW)
        assert channels.load(conn, "wecom").settings["corp_id"] == "ww-real"
        use_fake(conn, port=18001, public_url="http://127.0.0.1:18000", now_us=NOW, force=True)
        assert fake_address(conn) is not None
