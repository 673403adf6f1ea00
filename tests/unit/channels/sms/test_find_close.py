"""After an in-doubt attempt the SMS adapter resends (the provider deduplicates); close closes the client."""

from __future__ import annotations

import httpx2

from siyu.channels.base import Outgoing, Purpose
from siyu.channels.sms.adapter import SmsAdapter
from siyu.channels.sms.config import SmsSettings


def test_name_find_and_close() -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200)

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    adapter = SmsAdapter(SmsSettings(provider_url="https://relay.example.com/", api_key="k"), http=http)
    assert adapter.name == "sms"
    item = Outgoing(key="task:1:send", purpose=Purpose.send, channel="sms", text="hi")
    assert adapter.find(item, since_s=1_700_000_000) is None
    assert seen == []
    adapter.close()
    assert http.is_closed
