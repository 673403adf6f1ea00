"""The fake WeCom's queued failures: the next calls to a path answer the errcode asked for and
do nothing; then the path works again."""

from __future__ import annotations

import httpx2
import pytest

from siyu.channels.wecom.fake_server import FakeWeCom

TEMPLATE = "/cgi-bin/externalcontact/add_msg_template"
BODY = {"sender": "zhang", "external_userid": ["wm1"], "text": {"content": "hi"}}


def test_the_next_calls_fail_without_effect_then_the_path_works() -> None:
    with FakeWeCom() as fake, httpx2.Client(base_url=fake.base_url, timeout=5) as http:
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
        token = http.get("/cgi-bin/gettoken", params=query).json()["access_token"]
        fake.fail_next(TEMPLATE, 45009, count=2)
        fake.fail_next(TEMPLATE, -1)
        codes = [http.post(TEMPLATE, params={"access_token": token}, json=BODY).json()["errcode"] for _ in range(4)]
        assert codes == [45009, 45009, -1, 0]
        assert len(fake.mass_sends()) == 1
        assert fake.calls()[TEMPLATE] == 4


def test_a_failure_can_hit_gettoken_too() -> None:
    with FakeWeCom() as fake, httpx2.Client(base_url=fake.base_url, timeout=5) as http:
        fake.fail_next("/cgi-bin/gettoken", 40001)
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
        assert http.get("/cgi-bin/gettoken", params=query).json()["errcode"] == 40001
        assert http.get("/cgi-bin/gettoken", params=query).json()["errcode"] == 0


@pytest.mark.parametrize(
    ("path", "errcode", "count", "complaint"),
    [
        ("/cgi-bin/nope", 45009, 1, "not a WeCom path"),
        (TEMPLATE, 0, 1, "non-zero integer"),
        (TEMPLATE, 45009, 0, "from 1 to 100000"),
    ],
)
def test_a_bad_failure_request_says_what_is_wrong(path: str, errcode: int, count: int, complaint: str) -> None:
    fake = FakeWeCom()
    with pytest.raises(ValueError, match=complaint):
        fake.fail_next(path, errcode, count)
