"""fetch_corp_tags: the corp's customer tags from get_corp_tag_list, with their group; and the
fake WeCom's tag ids are stable and checked where a moment names them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from siyu.channels.base import DeliveryError
from siyu.channels.wecom.contacts import GET_CORP_TAG_LIST, CorpTag, fetch_corp_tags
from siyu.channels.wecom.fake_contacts import group_id, tag_id
from siyu.channels.wecom.fake_server import FakeWeCom
from tests.unit.channels.wecom.fake_client import client_of
from tests.unit.channels.wecom.wecom_mock import ScriptedWeCom, ok

TAGS = {"等级": ["会员", "黑卡"], "兴趣": ["宠物主", "会员"]}


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    with FakeWeCom(corp_tags=TAGS) as server:
        yield server


def test_every_tag_comes_with_its_id_and_group(fake: FakeWeCom) -> None:
    client = client_of(fake)
    try:
        tags = fetch_corp_tags(client)
    finally:
        client.close()
    assert tags == tuple(
        CorpTag(tag_id(group, name), name, group_id(group), group) for group, names in TAGS.items() for name in names
    )
    assert len({tag.tag_id for tag in tags}) == 4  # 会员 in two groups: two ids


def test_deleted_tags_and_groups_are_left_out() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(
        GET_CORP_TAG_LIST,
        ok(
            tag_group=[
                {
                    "group_id": "g1",
                    "group_name": "A",
                    "tag": [{"id": "t1", "name": "x"}, {"id": "t2", "name": "y", "deleted": True}],
                },
                {"group_id": "g2", "group_name": "B", "deleted": True, "tag": [{"id": "t3", "name": "z"}]},
            ]
        ),
    )
    assert fetch_corp_tags(wecom.client()) == (CorpTag("t1", "x", "g1", "A"),)


def test_an_answer_without_tag_groups_is_a_transient_bad_answer() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(GET_CORP_TAG_LIST, ok())
    with pytest.raises(DeliveryError) as caught:
        fetch_corp_tags(wecom.client())
    assert caught.value.code == "wecom:bad_answer" and not caught.value.permanent


def test_a_moment_naming_an_unknown_tag_id_is_refused_and_a_known_one_recorded(fake: FakeWeCom) -> None:
    with httpx2.Client(base_url=fake.base_url, timeout=5) as http:
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
        token = http.get("/cgi-bin/gettoken", params=query).json()["access_token"]

        def post(tag: str) -> dict[str, object]:
            body = {
                "text": {"content": "早安"},
                "visible_range": {"sender_list": {"user_list": ["st1"]}, "external_contact_list": {"tag_list": [tag]}},
            }
            answer: dict[str, object] = http.post(
                "/cgi-bin/externalcontact/add_moment_task", params={"access_token": token}, json=body
            ).json()
            return answer

        assert post("etNotATag")["errcode"] == 40068
        assert post(tag_id("等级", "黑卡"))["errcode"] == 0
    assert [m["tag_list"] for m in fake.moments()] == [[tag_id("等级", "黑卡")]]
