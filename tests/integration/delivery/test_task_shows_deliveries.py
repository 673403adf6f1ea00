"""A task shows what the channels did with it (CLI `tasks show`; the API's task detail too)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.channels.base import DeliveryError
from siyu.channels.recording import RecordingAdapter
from siyu.delivery.dispatcher import Dispatcher
from tests.integration.delivery.conftest import WEBHOOK, Clock
from tests.support.cli import Siyu
from tests.support.delivery import greet_brand, rows


def test_tasks_show_lists_the_send_with_its_error(engine: Engine, siyu: Siyu, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=WEBHOOK)
    webhook = RecordingAdapter(name="webhook", answers=[DeliveryError("HTTP 503", permanent=False, code="http:503")])
    Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock).step()
    send = next(r for r in rows(engine) if r.purpose == "send")
    result = siyu("tasks", "show", str(send.task_id))
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert [(d["purpose"], d["adapter"], d["status"], d["attempts"], d["last_error"]) for d in shown["deliveries"]] == [
        ("send", "webhook", "queued", 1, "HTTP 503")
    ]
    assert shown["deliveries"][0]["customer"] == "c1"
