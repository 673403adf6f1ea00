"""fetch_profile: a customer's name, gender, avatar and followers from externalcontact/get, and
WeCom's refusals as permanent or transient errors — against the fake WeCom's real answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siyu.channels.base import DeliveryError
from siyu.channels.wecom.client import WeComClient
from siyu.channels.wecom.contacts import GET_CONTACT, fetch_profile
from siyu.channels.wecom.fake_contacts import made_up_profile, tag_id
from siyu.channels.wecom.fake_server import FakeWeCom
from tests.unit.channels.wecom.fake_client import client_of

ALICE = {"name": "林小雨", "gender": 2, "avatar": "https://wework.qpic.cn/a/0", "remark": "林姐", "tags": ["会员"]}


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    friends = {"st001": {"wmAlice", "wmBob"}, "st002": {"wmAlice"}}
    with FakeWeCom(friends=friends, contacts={"wmAlice": ALICE}) as server:
        yield server


@pytest.fixture
def client(fake: FakeWeCom) -> Iterator[WeComClient]:
    wecom = client_of(fake)
    yield wecom
    wecom.close()


def test_a_known_contact_comes_back_with_name_gender_avatar_and_followers(client: WeComClient) -> None:
    profile = fetch_profile(client, "wmAlice")
    assert (profile.name, profile.gender, profile.avatar) == ("林小雨", "female", "https://wework.qpic.cn/a/0")
    assert [f.userid for f in profile.followers] == ["st001", "st002"]
    assert profile.remark_by("st001") == "林姐"
    assert profile.remark_by("nobody") == ""
    assert profile.followers[0].tag_ids == (tag_id("客户等级", "会员"),)


def test_a_contact_the_fake_was_not_told_about_gets_a_stable_made_up_profile(client: WeComClient) -> None:
    first, again = fetch_profile(client, "wmBob"), fetch_profile(client, "wmBob")
    assert first == again
    assert first.name == made_up_profile("wmBob")["name"] and first.name
    assert first.gender in {"male", "female"}


def test_an_id_that_is_not_a_customer_is_refused_for_good(client: WeComClient) -> None:
    with pytest.raises(DeliveryError) as caught:
        fetch_profile(client, "zhangsan")
    assert caught.value.permanent and caught.value.code == "wecom:40096"


def test_a_customer_nobody_added_is_refused_for_good(client: WeComClient) -> None:
    with pytest.raises(DeliveryError) as caught:
        fetch_profile(client, "wmStranger")
    assert caught.value.permanent and caught.value.code == "wecom:84061"


def test_a_busy_wecom_is_transient(fake: FakeWeCom, client: WeComClient) -> None:
    fake.fail_next(GET_CONTACT, -1)
    with pytest.raises(DeliveryError) as caught:
        fetch_profile(client, "wmAlice")
    assert not caught.value.permanent and caught.value.code == "wecom:-1"
    assert fetch_profile(client, "wmAlice").name == "林小雨"


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=1, max_size=40))
def test_made_up_profiles_are_named_and_stable(suffix: str) -> None:
    profile = made_up_profile("wm" + suffix)
    assert profile == made_up_profile("wm" + suffix)
    assert 2 <= len(profile["name"]) <= 3 and profile["gender"] in {1, 2}
