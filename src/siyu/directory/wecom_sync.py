"""What the worker keeps in step with WeCom, between ticks: the corp's customer tags (every
TAG_EVERY_S, and at start) and the queued customer profiles (a batch per round). Nothing happens
while the WeCom channel is off or has no contact secret: the queue waits.

WeCom is called with no transaction open (SQLite's write lock is never held across a call)."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pydantic
from sqlalchemy.engine import Connection, Engine

from siyu.channels import stored as channels
from siyu.channels.base import DeliveryError
from siyu.channels.wecom.client import WeComClient, http_client
from siyu.channels.wecom.config import WeComSettings
from siyu.channels.wecom.contacts import fetch_corp_tags, fetch_profile
from siyu.channels.wecom.corp_tags import TagSync, store_corp_tags
from siyu.core.timeutil import US_PER_SECOND
from siyu.directory import wecom_profiles
from siyu.directory.wecom_profiles import FetchReport

TAG_EVERY_S = 3600
PROFILE_BATCH = 50
MAX_BATCHES = 20  # per round: a backfill of many customers goes on next round, the tick is not held up


@dataclass
class SyncReport:
    skipped: str | None = None  # why nothing was done
    tags: TagSync | None = None
    tag_error: str | None = None
    profiles: FetchReport = field(default_factory=FetchReport)


def wecom_client(conn: Connection) -> tuple[WeComClient | None, str]:
    """A client for the stored WeCom settings, or None and why not."""
    config = channels.load(conn, "wecom")
    if not config.enabled:
        return None, "the wecom channel is disabled"
    try:
        settings = config.model()
    except pydantic.ValidationError as exc:
        return None, f"the stored wecom settings are invalid ({exc.error_count()} problems)"
    assert isinstance(settings, WeComSettings)
    if not settings.corp_id or not settings.contact_secret:
        return None, "the wecom channel has no corp_id or contact_secret"
    return WeComClient(settings, http=http_client(settings)), ""


class WeComSync:
    def __init__(self, engine: Engine, *, draw: Callable[[], float] = random.random) -> None:
        self._engine = engine
        self._draw = draw
        self._lock = threading.Lock()
        self._tags_at_us: int | None = None

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        with self._engine.begin() as conn:
            yield conn

    def step(self, now_us: int, *, tags_now: bool = False) -> SyncReport:
        """One round: the tags if due (or `tags_now`), then up to MAX_BATCHES of profiles."""
        with self._lock:
            with self._begin() as conn:
                client, why = wecom_client(conn)
            if client is None:
                return SyncReport(skipped=why)
            try:
                return self._round(client, now_us, tags_now=tags_now)
            finally:
                client.close()

    def _round(self, client: WeComClient, now_us: int, *, tags_now: bool) -> SyncReport:
        report = SyncReport()
        last = self._tags_at_us
        if tags_now or last is None or now_us - last >= TAG_EVERY_S * US_PER_SECOND or now_us < last:
            try:
                report.tags = sync_tags(self._engine, client, now_us=now_us)
                self._tags_at_us = now_us
            except DeliveryError as error:
                report.tag_error = error.message
        for _ in range(MAX_BATCHES):
            batch = wecom_profiles.fetch_due(
                self._begin,
                lambda external_id: fetch_profile(client, external_id),
                now_us=now_us,
                batch=PROFILE_BATCH,
                draw=self._draw,
            )
            report.profiles.stored += batch.stored
            report.profiles.retrying += batch.retrying
            report.profiles.failed += batch.failed
            if batch.stored + batch.retrying + len(batch.failed) < PROFILE_BATCH:
                break
        return report


def sync_tags(engine: Engine, client: WeComClient, *, now_us: int) -> TagSync:
    """Fetch the corp's tags (no transaction open), then replace the kept ones in one."""
    tags = fetch_corp_tags(client)
    with engine.begin() as conn:
        return store_corp_tags(conn, tags, now_us=now_us)
