"""The fake WeCom's control API under /fake/: what a test in another process uses to read the
records and to ask for faults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from siyu.channels.wecom.fake_server import FakeWeCom

TEMPLATE = "/cgi-bin/externalcontact/add_msg_template"
BODY = {"sender": "zhang", "external_userid": ["wm1"], "text": {"content": "hi"}}


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    with FakeWeCom(auto_confirm_after_s=None) as server:
        yield server


@pytest.fixture
def http(fake: FakeWeCom) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=fake.base_url, timeout=5) as client:
        yield client


def token(http: httpx2.Client) -> str:
    query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
    value: str = http.get("/cgi-bin/gettoken", params=query).json()["access_token"]
    return value


def control(http: httpx2.Client, name: str, body: dict[str, Any] | None = None) -> httpx2.Response:
    return http.post(f"/fake/{name}", json=body or {})


def test_records_confirm_and_reset(http: httpx2.Client) -> None:
    msgid = http.post(TEMPLATE, params={"access_token": token(http)}, json=BODY).json()["msgid"]
    records = http.get("/fake/records").json()["records"]
    assert [(m["msgid"], m["confirmed"]) for m in records["mass_sends"]] == [(msgid, False)]
    assert records["app_messages"] == records["moments"] == []
    assert records["calls"] == {"/cgi-bin/gettoken": 1, TEMPLATE: 1, "/fake/records": 1}

    assert control(http, "confirm").json() == {"errcode": 0, "errmsg": "ok", "confirmed": 1}
    [sent] = http.get("/fake/records").json()["records"]["mass_sends"]
    assert sent["confirmed"] and sent["results"][0]["status"] == 1

    assert control(http, "reset").json()["errcode"] == 0
    assert http.get("/fake/records").json()["records"] == {
        "mass_sends": [],
        "app_messages": [],
        "moments": [],
        "calls": {"/fake/records": 1},
    }


def test_expire_tokens_and_fail_next(http: httpx2.Client) -> None:
    old = token(http)
    assert control(http, "expire_tokens").json()["expired"] == 1
    assert http.post(TEMPLATE, params={"access_token": old}, json=BODY).json()["errcode"] == 42001
    fresh = token(http)
    assert control(http, "fail_next", {"path": TEMPLATE, "errcode": 41063, "count": 1}).json()["errcode"] == 0
    assert http.post(TEMPLATE, params={"access_token": fresh}, json=BODY).json()["errcode"] == 41063
    assert http.post(TEMPLATE, params={"access_token": fresh}, json=BODY).json()["errcode"] == 0


def test_chaos_and_friends(fake: FakeWeCom, http: httpx2.Client) -> None:
    value = token(http)
    assert control(http, "chaos", {"seed": 5, "fail_rate": 1.0, "paths": [TEMPLATE]}).json()["errcode"] == 0
    assert http.post(TEMPLATE, params={"access_token": value}, json=BODY).json()["errcode"] in {-1, 45009}
    assert control(http, "chaos", {"seed": 5}).json()["errcode"] == 0
    assert control(http, "friends", {"userid": "zhang", "external_userids": ["wm2"]}).json()["errcode"] == 0
    assert http.post(TEMPLATE, params={"access_token": value}, json=BODY).json()["fail_list"] == ["wm1"]
    assert fake.mass_sends()[0]["recipients"] == []


@pytest.mark.parametrize(
    ("name", "body", "complaint"),
    [
        ("fail_next", {"errcode": 45009}, "'path'"),
        ("fail_next", {"path": "/cgi-bin/nope", "errcode": 45009}, "not a WeCom path"),
        ("chaos", {"seed": 1, "fail_rate": 2}, "between 0 and 1"),
        ("chaos", {"seed": 1, "failrate": 0.5}, "unknown fields ['failrate']"),
        ("chaos", {"seed": 1, "fail_rate": "0.5"}, "must be a number"),
        ("friends", {"userid": "zhang", "external_userids": "wm1"}, "a list of strings"),
        ("reset", {"all": True}, "takes no fields"),
    ],
)
def test_a_bad_control_request_is_400_with_the_reason(
    http: httpx2.Client, name: str, body: dict[str, Any], complaint: str
) -> None:
    answer = control(http, name, body)
    assert answer.status_code == 400
    assert answer.json()["errcode"] == 40058 and complaint in answer.json()["errmsg"]


def test_wrong_method_unknown_control_and_bad_json(http: httpx2.Client) -> None:
    assert http.get("/fake/reset").status_code == 405
    assert http.post("/fake/records").status_code == 405
    assert http.post("/fake/explode").status_code == 404
    assert http.post("/fake/chaos", content=b"{").status_code == 400
