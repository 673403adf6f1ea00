"""Materials become WeCom attachments; text materials join the text; a material WeCom cannot take
(an image never uploaded, a mini program in a moment) fails the send naming it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from siyu.channels.base import DeliveryError, Outgoing, Person, Purpose
from siyu.channels.wecom.adapter import WeComAdapter
from tests.unit.channels.wecom.wecom_mock import ScriptedWeCom, ok, settings

ADD_MSG_TEMPLATE = "/cgi-bin/externalcontact/add_msg_template"
ADD_MOMENT_TASK = "/cgi-bin/externalcontact/add_moment_task"


def send_body(*materials: Mapping[str, Any], channel: str = "private", text: str = "你好") -> dict[str, Any]:
    wecom = ScriptedWeCom()
    path = ADD_MOMENT_TASK if channel == "moments" else ADD_MSG_TEMPLATE
    wecom.queue(path, ok(msgid="m1", jobid="j1"))
    item = Outgoing(
        "task:1:send",
        Purpose.send,
        channel,
        text,
        staff=Person("zhangsan"),
        customer=Person("wmC"),
        materials=materials,
    )
    WeComAdapter(settings(), client=wecom.client()).send(item)
    body: dict[str, Any] = wecom.bodies(path)[0]
    return body


def refusal(*materials: Mapping[str, Any], channel: str = "private", text: str = "你好") -> DeliveryError:
    with pytest.raises(DeliveryError) as raised:
        send_body(*materials, channel=channel, text=text)
    assert raised.value.permanent
    return raised.value


def test_typed_materials_map_to_attachments() -> None:
    body = send_body(
        {"type": "image", "media_id": "IMG"},
        {
            "type": "link",
            "title": "绑定会员",
            "url": "https://l.test/bind",
            "desc": "领红包",
            "picurl": "https://l.test/p.png",
        },
        {"type": "miniprogram", "title": "商城", "appid": "wx123", "page": "pages/index", "pic_media_id": "PIC"},
        {"type": "video", "media_id": "VID"},
        {"type": "file", "media_id": "FILE"},
    )
    assert body["attachments"] == [
        {"msgtype": "image", "image": {"media_id": "IMG"}},
        {
            "msgtype": "link",
            "link": {
                "title": "绑定会员",
                "url": "https://l.test/bind",
                "picurl": "https://l.test/p.png",
                "desc": "领红包",
            },
        },
        {
            "msgtype": "miniprogram",
            "miniprogram": {"title": "商城", "pic_media_id": "PIC", "appid": "wx123", "page": "pages/index"},
        },
        {"msgtype": "video", "video": {"media_id": "VID"}},
        {"msgtype": "file", "file": {"media_id": "FILE"}},
    ]


def test_rendered_content_items_map_too() -> None:
    body = send_body({"link": {"title": "领取生日礼", "url": "https://l.test/gift"}}, {"image": {"media_id": "IMG"}})
    assert body["attachments"] == [
        {"msgtype": "link", "link": {"title": "领取生日礼", "url": "https://l.test/gift"}},
        {"msgtype": "image", "image": {"media_id": "IMG"}},
    ]


def test_text_materials_join_the_text_on_their_own_lines() -> None:
    body = send_body({"text": "第二段"}, {"type": "text", "text": "第三段"}, text="第一段")
    assert body["text"] == {"content": "第一段\n第二段\n第三段"}
    assert "attachments" not in body


def test_a_text_material_alone_is_the_text() -> None:
    assert send_body({"text": "只有素材文字"}, text="")["text"] == {"content": "只有素材文字"}


def test_attachments_alone_need_no_text() -> None:
    body = send_body({"type": "image", "media_id": "IMG"}, text="")
    assert "text" not in body
    assert body["attachments"] == [{"msgtype": "image", "image": {"media_id": "IMG"}}]


def test_an_image_file_never_uploaded_is_named() -> None:
    error = refusal({"text": "扫码入群"}, {"image": "assets/member-group-qr.png"})
    assert error.code == "wecom:material"
    assert "material 2" in error.message
    assert "assets/member-group-qr.png" in error.message
    assert "media_id" in error.message


def test_a_mini_program_needs_its_cover_image() -> None:
    error = refusal({"miniprogram": {"title": "商城", "appid": "wx1", "page": "pages/index"}})
    assert "pic_media_id" in error.message
    assert "商城" in error.message


def test_a_link_needs_its_url() -> None:
    assert "url" in refusal({"type": "link", "title": "没有地址"}).message


@pytest.mark.parametrize(
    "material", [{"type": "sticker", "id": "x"}, {"image": "a.png", "link": {"title": "t", "url": "u"}}]
)
def test_an_unknown_material_is_refused(material: Mapping[str, Any]) -> None:
    assert "material 1" in refusal(material).message


def test_moments_take_images_and_links_but_no_mini_program_or_file() -> None:
    body = send_body(
        {"type": "image", "media_id": "IMG"},
        {"type": "link", "title": "直播", "url": "https://l.test/live", "media_id": "COVER", "desc": "dropped"},
        channel="moments",
    )
    assert body["attachments"] == [
        {"msgtype": "image", "image": {"media_id": "IMG"}},
        {"msgtype": "link", "link": {"title": "直播", "url": "https://l.test/live", "media_id": "COVER"}},
    ]
    mini = {"type": "miniprogram", "title": "商城", "appid": "wx1", "page": "p", "pic_media_id": "PIC"}
    assert "cannot be sent in a moment" in refusal(mini, channel="moments").message
    assert "cannot be sent in a moment" in refusal({"type": "file", "media_id": "F"}, channel="moments").message


def test_nothing_to_send_is_refused() -> None:
    assert refusal(text="").code == "wecom:empty"
