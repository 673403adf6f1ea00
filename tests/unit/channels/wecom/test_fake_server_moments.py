"""The fake WeCom's moments: a job per add_moment_task, finished (after an optional delay) with a
moment id, and the finished moments in get_moment_list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from siyu.channels.wecom.fake_server import FakeWeCom

EXTERNAL = "/cgi-bin/externalcontact/"
START = 1_700_000_000


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeWeCom]:
    with FakeWeCom(clock=clock, staff={"zhang", "li"}, moment_finish_after_s=5) as server:
        yield server


@pytest.fixture
def call(fake: FakeWeCom) -> Iterator[Any]:
    with httpx2.Client(base_url=fake.base_url, timeout=5) as http:
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
        token = http.get("/cgi-bin/gettoken", params=query).json()["access_token"]

        def call(name: str, body: dict[str, Any] | None = None, **params: str) -> dict[str, Any]:
            url, params = EXTERNAL + name, {"access_token": token, **params}
            response = http.get(url, params=params) if body is None else http.post(url, params=params, json=body)
            answer: dict[str, Any] = response.json()
            return answer

        yield call


def moment(*senders: str, text: str = "秋季新品") -> dict[str, Any]:
    return {"text": {"content": text}, "visible_range": {"sender_list": {"user_list": list(senders)}}}


def test_a_moment_job_finishes_after_the_delay_and_is_listed(fake: FakeWeCom, call: Any, clock: Clock) -> None:
    jobid = call("add_moment_task", moment("zhang", "ghost"))["jobid"]
    assert call("get_moment_task_result", jobid=jobid) == {
        "errcode": 0,
        "errmsg": "ok",
        "status": 2,
        "type": "add_moment_task",
    }
    window = {"start_time": START, "end_time": START + 3600}
    assert call("get_moment_list", window)["moment_list"] == []

    clock.now += 5
    done = call("get_moment_task_result", jobid=jobid)
    assert done["status"] == 3 and done["type"] == "add_moment_task"
    result = done["result"]
    assert result["errcode"] == 0 and result["moment_id"]
    assert result["invalid_sender_list"] == {"user_list": ["ghost"]}
    assert call("get_moment_list", {**window, "creator": "zhang"})["moment_list"] == [
        {
            "moment_id": result["moment_id"],
            "creator": "zhang",
            "create_time": str(START),
            "create_type": 0,
            "visible_type": 1,
            "text": {"content": "秋季新品"},
            "attachments": [],
        }
    ]
    assert call("get_moment_list", {**window, "creator": "li"})["moment_list"] == []
    [record] = fake.moments()
    assert record["jobid"] == jobid and record["senders"] == ["zhang"] and record["content"] == "秋季新品"


def test_a_job_without_a_valid_sender_finishes_without_a_moment(fake: FakeWeCom, call: Any, clock: Clock) -> None:
    jobid = call("add_moment_task", moment("ghost"))["jobid"]
    clock.now += 5
    result = call("get_moment_task_result", jobid=jobid)["result"]
    assert result["errcode"] == 40003 and "moment_id" not in result
    assert call("get_moment_list", {"start_time": START, "end_time": START + 60})["moment_list"] == []
    assert fake.moments()[0]["moment_id"] is None


def test_bad_moment_calls(call: Any) -> None:
    assert call("add_moment_task", {"visible_range": {}})["errcode"] == 44004
    assert call("get_moment_task_result", jobid="job-none")["errcode"] == 40058
    assert call("get_moment_task_result")["errcode"] == 40058
    assert call("get_moment_list", {"start_time": START})["errcode"] == 40058
