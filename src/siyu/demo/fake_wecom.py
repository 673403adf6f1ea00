"""The demo's WeCom: a local fake WeCom server (siyu.channels.wecom.fake_server) standing in for
a real corp, so that `./dev demo` shows tasks flowing through WeCom's real API shapes without
credentials. A real WeCom, once configured, is never replaced."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.channels import stored as channels
from siyu.channels.wecom.config import DEFAULT_BASE_URL
from siyu.core.errors import Problem, ValidationError
from siyu.store.tables import customer_tags

FAKE_CORP_ID = "ww-fake-corp"
FAKE_CONTACT_SECRET = "fake-contact-secret"
FAKE_AGENT_SECRET = "fake-agent-secret"
FAKE_AGENT_ID = 1000002
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
DEMO_TAG_GROUP = "暖柚客户标签"


@dataclass(frozen=True)
class FakeAddress:
    host: str
    port: int


def fake_address(conn: Connection) -> FakeAddress | None:
    """Where the configured WeCom is a local fake (an enabled WeCom on a loopback http URL)."""
    config = channels.load(conn, "wecom")
    base = str(config.settings.get("base_url") or DEFAULT_BASE_URL)
    parts = urlsplit(base)
    if not config.enabled or parts.scheme != "http" or parts.hostname not in LOOPBACK or parts.port is None:
        return None
    return FakeAddress(parts.hostname or "127.0.0.1", parts.port)


def is_real(conn: Connection) -> bool:
    config = channels.load(conn, "wecom")
    return config.enabled and fake_address(conn) is None


def use_fake(conn: Connection, *, port: int, public_url: str, now_us: int, force: bool = False) -> None:
    """Point the WeCom channel at a fake on 127.0.0.1:`port` and give reminders links to
    `public_url`; refuses to replace a real WeCom unless `force`."""
    if is_real(conn) and not force:
        raise ValidationError(
            [
                Problem(
                    "wecom", "a real WeCom is configured and enabled: not replacing it with the fake (--force to do so)"
                )
            ]
        )
    channels.save(
        conn,
        "wecom",
        enabled=True,
        settings={
            "corp_id": FAKE_CORP_ID,
            "agent_id": FAKE_AGENT_ID,
            "base_url": f"http://127.0.0.1:{port}",
            "public_url": public_url,
            "timeout_s": 5.0,
        },
        secrets={"contact_secret": FAKE_CONTACT_SECRET, "agent_secret": FAKE_AGENT_SECRET},
        now_us=now_us,
    )
    channels.save(conn, "delivery", settings={"public_url": public_url}, now_us=now_us)


def corp_tags_of(conn: Connection) -> dict[str, list[str]]:
    """The fake corp's customer tags: the brand's own customer tags, in one tag group, so that
    moments' visible_to finds them after `siyu channel wecom sync-tags` (the worker syncs too)."""
    names = conn.execute(sa.select(customer_tags.c.tag).distinct().order_by(customer_tags.c.tag)).scalars()
    return {DEMO_TAG_GROUP: [str(name) for name in names]}
