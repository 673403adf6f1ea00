"""A WeComClient pointed at an in-process fake WeCom, for tests of calls against its real answers."""

from __future__ import annotations

from siyu.channels.wecom.client import WeComClient, http_client
from siyu.channels.wecom.fake_server import FakeWeCom
from tests.unit.channels.wecom.wecom_mock import settings


def client_of(fake: FakeWeCom) -> WeComClient:
    configured = settings(
        corp_id="ww-fake-corp",
        contact_secret="fake-contact-secret",
        agent_secret="fake-agent-secret",
        base_url=fake.base_url,
        timeout_s=5.0,
    )
    return WeComClient(configured, http=http_client(configured))
