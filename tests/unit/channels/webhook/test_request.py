"""What the webhook sends: the exact body and headers, signed so that `verify` accepts it."""

from __future__ import annotations

import json

import httpx2

from siyu.channels.base import Outgoing, Person, Purpose, Receipt
from siyu.channels.signing import verify
from siyu.channels.webhook.adapter import WebhookAdapter
from siyu.channels.webhook.config import WebhookSettings

SECRET = "whsec_0123456789abcdef"
NOW = 1_700_000_000.75
ITEM = Outgoing(
    key="task:42:send",
    purpose=Purpose.send,
    channel="private",
    text="生日快乐 🎂",
    task_id=42,
    staff=Person("zhangsan", "张三"),
    customer=Person("wm_li", "李四", {"phone": "13800138000"}),
    materials=({"type": "image", "url": "https://cdn.example/cake.png"},),
    extra={"sop": 7},
)
EXPECTED_BODY = (
    '{"type":"siyu.delivery","delivery":{"key":"task:42:send","purpose":"send","channel":"private","task":42,'
    '"title":"","text":"生日快乐 🎂","link":null,"materials":[{"type":"image","url":"https://cdn.example/cake.png"}],'
    '"staff":{"id":"zhangsan","name":"张三"},"customer":{"id":"wm_li","name":"李四"},"group":null,"extra":{"sop":7}}}'
).encode()


def send(item: Outgoing, *, answer: httpx2.Response, follow: bool = False) -> tuple[Receipt, list[httpx2.Request]]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return answer

    settings = WebhookSettings(url="https://hooks.example.com/siyu?brand=nuanyou", secret=SECRET, timeout_s=7)
    http = httpx2.Client(transport=httpx2.MockTransport(handler), follow_redirects=follow)
    receipt = WebhookAdapter(settings, http=http, wall=lambda: NOW).send(item)
    return receipt, seen


def test_body_is_compact_utf8_json_of_the_payload() -> None:
    _, [request] = send(ITEM, answer=httpx2.Response(204))
    assert request.method == "POST"
    assert str(request.url) == "https://hooks.example.com/siyu?brand=nuanyou"
    assert request.content == EXPECTED_BODY
    assert json.loads(request.content) == {"type": "siyu.delivery", "delivery": ITEM.as_payload()}


def test_headers() -> None:
    _, [request] = send(ITEM, answer=httpx2.Response(200))
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "siyu"
    assert request.headers["X-Siyu-Timestamp"] == "1700000000"
    assert request.headers["Idempotency-Key"] == "task:42:send"
    assert request.headers["X-Siyu-Signature"].startswith("sha256=")
    assert request.headers["Content-Length"] == str(len(EXPECTED_BODY))


def test_the_signature_verifies() -> None:
    _, [request] = send(ITEM, answer=httpx2.Response(200))
    verify(
        SECRET,
        timestamp_header=request.headers["X-Siyu-Timestamp"],
        signature_header=request.headers["X-Siyu-Signature"],
        body=request.content,
        now_s=int(NOW) + 5,
    )


def test_every_attempt_carries_the_same_idempotency_key() -> None:
    _, [first] = send(ITEM, answer=httpx2.Response(200))
    _, [second] = send(ITEM, answer=httpx2.Response(200))
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"] == ITEM.key


def test_the_settings_timeout_applies() -> None:
    _, [request] = send(ITEM, answer=httpx2.Response(200))
    assert request.extensions["timeout"] == {"connect": 7, "read": 7, "write": 7, "pool": 7}


def test_a_reminder_is_posted_too() -> None:
    reminder = Outgoing(
        key="task:9:remind", purpose=Purpose.remind, channel="group", text="请发送", link="https://s/t/9"
    )
    _, [request] = send(reminder, answer=httpx2.Response(200))
    delivery = json.loads(request.content)["delivery"]
    assert (delivery["purpose"], delivery["link"], delivery["customer"]) == ("remind", "https://s/t/9", None)


def test_2xx_is_delivered_with_the_receivers_id() -> None:
    assert send(ITEM, answer=httpx2.Response(201, json={"id": "evt_1"}))[0] == Receipt(ref="evt_1", delivered=True)
    assert send(ITEM, answer=httpx2.Response(200, json={"id": 17}))[0] == Receipt(ref="17", delivered=True)


def test_2xx_without_an_id_is_delivered_without_a_ref() -> None:
    for answer in (
        httpx2.Response(204),
        httpx2.Response(200, text="ok"),
        httpx2.Response(200, json=["id"]),
        httpx2.Response(200, json={"id": None}),
        httpx2.Response(200, json={"id": True}),
        httpx2.Response(200, json={"id": ""}),
        httpx2.Response(202, json={"received": True}),
    ):
        assert send(ITEM, answer=answer)[0] == Receipt(ref=None, delivered=True)
