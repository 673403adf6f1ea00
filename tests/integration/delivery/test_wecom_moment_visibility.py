"""A moment's visible_to reaches WeCom as the corp's tag ids (synced from get_corp_tag_list):
the fake WeCom records the tag_list it received. A tag WeCom does not have, or a condition that
is not tags, is never posted to everyone: the task goes back to the staff member as a reminder
whose reason says where and why."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.channels.wecom.client import WeComClient, http_client
from siyu.channels.wecom.config import WeComSettings
from siyu.channels.wecom.fake_contacts import tag_id
from siyu.channels.wecom.fake_server import FakeWeCom
from siyu.delivery.dispatcher import Dispatcher
from siyu.directory.wecom_sync import sync_tags
from tests.integration.delivery.conftest import Clock
from tests.support.brand import Brand, apply_sops, at, run
from tests.support.delivery import rows, set_channels, task_of, wecom_on

CORP_TAGS = {"客户等级": ["会员", "黑卡"], "兴趣": ["宠物主", "会员"]}


def _moments_sop(sop_id: str, visible_to: str) -> str:
    return f"""
- id: {sop_id}
  name: 朋友圈 {sop_id}
  kind: moments
  audience: {{role: 导购}}
  visible_to: {visible_to}
  steps:
    - id: post
      at: {{every: day, time: "10:00"}}
      channel: moments
      executor: self
      mode: auto
      content:
        - text: "{sop_id} 今日福利"
"""


def _brand(engine: Engine, tmp_path: Path, base_url: str, sops: dict[str, str]) -> None:
    set_channels(engine, wecom_on(base_url))
    brand = Brand()
    brand.add_staff("s1", "导购", name="小暖")
    brand.add_customer("c1", "s1", name="客户1", tags=("会员",))
    brand.write(engine, tmp_path / "brand")
    folder = tmp_path / "sops"
    folder.mkdir()
    for sop_id, visible_to in sops.items():
        (folder / f"{sop_id}.yaml").write_text(_moments_sop(sop_id, visible_to), encoding="utf-8")
    apply_sops(engine, folder, now=at("2026-11-20 09:00"))


def _sync(engine: Engine, base_url: str) -> None:
    settings = WeComSettings.model_validate(
        wecom_on(base_url)["wecom"]["settings"] | wecom_on(base_url)["wecom"]["secrets"]
    )
    client = WeComClient(settings, http=http_client(settings))
    try:
        sync_tags(engine, client, now_us=at("2026-11-20 09:30"))
    finally:
        client.close()


def _dispatch(engine: Engine, clock: Clock) -> None:
    dispatcher = Dispatcher(engine, clock_us=clock)
    try:
        dispatcher.step()
    finally:
        dispatcher.close()


def test_visible_to_tags_reach_wecom_as_every_id_of_those_names(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    with FakeWeCom(corp_tags=CORP_TAGS) as fake:
        _brand(engine, tmp_path, fake.base_url, {"members": "{any: [{tag: 会员}, {tag: 宠物主}]}"})
        _sync(engine, fake.base_url)
        run(engine, "2026-11-20 10:00")
        _dispatch(engine, clock)
        (moment,) = fake.moments()
        assert moment["senders"] == ["s1"] and moment["content"] == "members 今日福利"
        # 会员 stands in two tag groups: both ids, so every member sees it
        assert sorted(moment["tag_list"]) == sorted(
            [tag_id("客户等级", "会员"), tag_id("兴趣", "会员"), tag_id("兴趣", "宠物主")]
        )
        assert [r.status for r in rows(engine)] == ["sent"]


def test_an_unknown_tag_or_an_unsayable_condition_becomes_a_located_reminder(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    with FakeWeCom(corp_tags=CORP_TAGS) as fake:
        sops = {"vip": "{tag: 钻石会员}", "not-staff": "{not: {tag: 员工}}"}
        _brand(engine, tmp_path, fake.base_url, sops)
        _sync(engine, fake.base_url)
        run(engine, "2026-11-20 10:00")
        _dispatch(engine, clock)
        assert fake.moments() == []
        sends = {task_of(engine, r.task_id).sop_id: r for r in rows(engine) if r.purpose == "send"}
        assert {sop: (r.status, r.error_code) for sop, r in sends.items()} == {
            "vip": ("failed", "wecom:unknown_tag"),
            "not-staff": ("failed", "wecom:visible_to"),
        }
        vip, not_staff = task_of(engine, sends["vip"].task_id), task_of(engine, sends["not-staff"].task_id)
        assert (vip.status, vip.mode) == ("due", "remind")
        assert vip.reason.startswith("visible_to: 标签「钻石会员」")
        assert not_staff.mode == "remind" and not_staff.reason.startswith("visible_to:")


def test_before_any_tag_sync_a_tagged_moment_is_a_reminder_not_a_post_to_everyone(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    with FakeWeCom(corp_tags=CORP_TAGS) as fake:
        _brand(engine, tmp_path, fake.base_url, {"members": "{tag: 会员}"})
        run(engine, "2026-11-20 10:00")
        _dispatch(engine, clock)
        assert fake.moments() == []
        (send,) = [r for r in rows(engine) if r.purpose == "send"]
        assert send.error_code == "wecom:unknown_tag"
