"""The fake WeCom under concurrent calls: every call counted, every message recorded once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx2

from siyu.channels.wecom.fake_server import FakeWeCom


def test_concurrent_senders_lose_no_call_and_no_message() -> None:
    with FakeWeCom() as fake, httpx2.Client(base_url=fake.base_url, timeout=10) as http:
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-agent-secret"}
        token = http.get("/cgi-bin/gettoken", params=query).json()["access_token"]

        def send(number: int) -> str:
            body = {"touser": "zhang", "msgtype": "text", "agentid": 1000002, "text": {"content": f"提醒 {number}"}}
            body |= {"enable_duplicate_check": 1}
            answer = http.post("/cgi-bin/message/send", params={"access_token": token}, json=body).json()
            assert answer["errcode"] == 0, answer
            msgid: str = answer["msgid"]
            return msgid

        with ThreadPoolExecutor(max_workers=8) as pool:
            msgids = list(pool.map(send, [n % 100 for n in range(200)]))  # each content twice

    assert fake.calls()["/cgi-bin/message/send"] == 200
    messages = fake.app_messages()
    assert sorted(m["content"]["content"] for m in messages) == sorted(f"提醒 {n}" for n in range(100))
    assert sorted(set(msgids)) == sorted(m["msgid"] for m in messages)
