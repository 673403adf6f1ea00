"""The fake WeCom's uploads: media/upload and media/upload_attachment take one multipart part
"media", check WeCom's documented limits, answer a media_id and keep a record; with
check_media_ids, sends accept only media_ids it issued, from the right endpoint, of the right
type and less than three days old (40007 otherwise)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from siyu.channels.wecom.client import multipart_form
from siyu.channels.wecom.fake_server import FakeWeCom
from tests.unit.channels.wecom.media_files import MB, MP4_HEAD, tiny_png

UPLOAD = "/cgi-bin/media/upload"
UPLOAD_ATTACHMENT = "/cgi-bin/media/upload_attachment"
EXTERNAL = "/cgi-bin/externalcontact/"
START = 1_700_000_000.0
PNG = tiny_png()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Caller:
    def __init__(self, fake: FakeWeCom, secret: str) -> None:
        self.http = httpx2.Client(base_url=fake.base_url, timeout=10)
        self.secret = secret
        self.token = self.fetch_token()

    def fetch_token(self) -> str:
        query = {"corpid": "ww-fake-corp", "corpsecret": self.secret}
        token: str = self.http.get("/cgi-bin/gettoken", params=query).json()["access_token"]
        return token

    def upload(
        self,
        data: bytes,
        *,
        kind: str = "image",
        filename: str = "poster.png",
        moments: bool = False,
        content_type: str = "image/png",
        **params: Any,
    ) -> dict[str, Any]:
        """An upload as siyu's client makes it (with filelength)."""
        body, multipart_type = multipart_form("media", filename=filename, content=data, content_type=content_type)
        query: dict[str, Any] = {"access_token": self.token}
        query.update({"media_type": kind, "attachment_type": 1} if moments else {"type": kind})
        query.update(params)
        path = UPLOAD_ATTACHMENT if moments else UPLOAD
        answer: dict[str, Any] = self.http.post(
            path, params=query, content=body, headers={"Content-Type": multipart_type}
        ).json()
        return answer

    def post(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.http.post(EXTERNAL + name, params={"access_token": self.token}, json=body).json()
        return answer

    def mass_send(self, *attachments: dict[str, Any]) -> dict[str, Any]:
        return self.post(
            "add_msg_template", {"sender": "zhang", "external_userid": ["wm1"], "attachments": attachments}
        )

    def moment(self, *attachments: dict[str, Any]) -> dict[str, Any]:
        return self.post(
            "add_moment_task",
            {"attachments": attachments, "visible_range": {"sender_list": {"user_list": ["zhang"]}}},
        )


def image(media_id: str) -> dict[str, Any]:
    return {"msgtype": "image", "image": {"media_id": media_id}}


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeWeCom]:
    with FakeWeCom(clock=clock, check_media_ids=True) as server:
        yield server


@pytest.fixture
def contact(fake: FakeWeCom) -> Iterator[Caller]:
    caller = Caller(fake, "fake-contact-secret")
    yield caller
    caller.http.close()


def test_an_upload_answers_a_media_id_and_is_recorded(fake: FakeWeCom, contact: Caller) -> None:
    answer = contact.upload(PNG, filename="海报.png")
    assert answer["errcode"] == 0
    assert answer["type"] == "image"
    assert answer["created_at"] == str(int(START))  # a string, as the upload doc shows it
    assert answer["media_id"]
    assert fake.uploads() == [
        {
            "media_id": answer["media_id"],
            "endpoint": "upload",
            "type": "image",
            "attachment_type": None,
            "filename": "海报.png",
            "size": len(PNG),
            "content_type": "image/png",
            "created_at": int(START),
        }
    ]
    assert fake.calls()[UPLOAD] == 1


def test_an_attachment_for_moments_answers_created_at_as_a_number(fake: FakeWeCom, contact: Caller) -> None:
    clip = MP4_HEAD + b"\x00" * 100
    answer = contact.upload(clip, kind="video", filename="c.mp4", moments=True)
    assert answer["errcode"] == 0 and answer["type"] == "video" and answer["created_at"] == int(START)
    (record,) = fake.uploads()
    assert (record["endpoint"], record["attachment_type"], record["size"]) == ("upload_attachment", 1, len(clip))


def test_a_standard_multipart_body_without_filelength_is_taken(fake: FakeWeCom, contact: Caller) -> None:
    files = {"media": ("guide.pdf", b"%PDF-1.4 hello", "application/pdf")}
    answer = contact.http.post(UPLOAD, params={"access_token": contact.token, "type": "file"}, files=files).json()
    assert answer["errcode"] == 0 and answer["type"] == "file"
    assert fake.uploads()[0]["filename"] == "guide.pdf"


def test_any_token_may_upload_but_only_a_contact_token_uploads_attachments(fake: FakeWeCom) -> None:
    agent = Caller(fake, "fake-agent-secret")
    try:
        assert agent.upload(PNG)["errcode"] == 0
        assert agent.upload(PNG, moments=True)["errcode"] == 48002
    finally:
        agent.http.close()


@pytest.mark.parametrize(
    ("data", "options", "errcode"),
    [
        (PNG, {"kind": "sticker"}, 40004),
        (b"GIF89a" + b"\x00" * 50, {"filename": "a.gif"}, 40005),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * MB), {}, 40009),
        (MP4_HEAD + b"\x00" * (10 * MB), {"kind": "video", "filename": "v.mp4"}, 40011),
        (b"x" * (20 * MB + 1), {"kind": "file", "filename": "big.bin"}, 40006),
        (b"12345", {"kind": "file", "filename": "tiny.txt"}, 40006),
        (b"", {"kind": "file", "filename": "empty.txt"}, 44001),
        (b"plain text", {"kind": "file", "filename": "a.txt", "moments": True}, 40004),
        (PNG, {"moments": True, "attachment_type": 3}, 40058),
    ],
)
def test_wecoms_limits_are_enforced(fake: FakeWeCom, contact: Caller, data: bytes, options: Any, errcode: int) -> None:
    assert contact.upload(data, **options)["errcode"] == errcode
    assert fake.uploads() == []


def test_a_body_without_the_media_part_or_with_a_wrong_filelength_is_refused(fake: FakeWeCom, contact: Caller) -> None:
    params = {"access_token": contact.token, "type": "image"}
    assert contact.http.post(UPLOAD, params=params, content=PNG).json()["errcode"] == 41005
    other = {"picture": ("p.png", PNG, "image/png")}
    assert contact.http.post(UPLOAD, params=params, files=other).json()["errcode"] == 41005
    body, multipart_type = multipart_form("media", filename="p.png", content=PNG, content_type="image/png")
    lying = body.replace(f"filelength={len(PNG)}".encode(), b"filelength=3")
    answer = contact.http.post(UPLOAD, params=params, content=lying, headers={"Content-Type": multipart_type}).json()
    assert answer["errcode"] == 40058
    assert fake.uploads() == []


def test_an_upload_needs_a_valid_token_and_meets_queued_failures(fake: FakeWeCom, contact: Caller) -> None:
    fake.fail_next(UPLOAD, -1)
    assert contact.upload(PNG)["errcode"] == -1
    fake.expire_tokens()
    assert contact.upload(PNG)["errcode"] == 42001
    assert fake.uploads() == []


def test_a_mass_send_takes_only_uploaded_media_ids_of_its_type(fake: FakeWeCom, contact: Caller) -> None:
    media_id = contact.upload(PNG)["media_id"]
    attachment_id = contact.upload(PNG, moments=True)["media_id"]
    video_id = contact.upload(MP4_HEAD + b"\x00" * 10, kind="video", filename="v.mp4")["media_id"]

    assert contact.mass_send(image("never-issued"))["errcode"] == 40007
    assert contact.mass_send(image(attachment_id))["errcode"] == 40007  # a moments attachment
    assert contact.mass_send(image(video_id))["errcode"] == 40007  # a video, not an image
    cover = {"title": "商城", "appid": "wx1", "page": "p", "pic_media_id": "never-issued"}
    assert contact.mass_send({"msgtype": "miniprogram", "miniprogram": cover})["errcode"] == 40007
    assert fake.mass_sends() == []

    assert contact.mass_send(image(media_id))["errcode"] == 0
    cover["pic_media_id"] = media_id
    assert contact.mass_send({"msgtype": "miniprogram", "miniprogram": cover})["errcode"] == 0
    assert [m["attachments"][0]["msgtype"] for m in fake.mass_sends()] == ["image", "miniprogram"]


def test_a_moment_takes_only_attachments_for_moments(fake: FakeWeCom, contact: Caller) -> None:
    media_id = contact.upload(PNG)["media_id"]
    attachment_id = contact.upload(PNG, moments=True)["media_id"]
    assert contact.moment(image(media_id))["errcode"] == 40007
    assert contact.moment(image(attachment_id))["errcode"] == 0
    assert [m["attachments"] for m in fake.moments()] == [[image(attachment_id)]]


def test_a_media_id_expires_after_three_days(contact: Caller, clock: Clock) -> None:
    media_id = contact.upload(PNG)["media_id"]
    clock.now += 3 * 86400 - 1
    contact.token = contact.fetch_token()  # the first token expired meanwhile
    assert contact.mass_send(image(media_id))["errcode"] == 0
    clock.now += 1
    assert contact.mass_send(image(media_id))["errcode"] == 40007


def test_without_check_media_ids_any_media_id_is_taken(clock: Clock) -> None:
    with FakeWeCom(clock=clock) as lenient:
        caller = Caller(lenient, "fake-contact-secret")
        try:
            assert caller.mass_send(image("anything"))["errcode"] == 0
        finally:
            caller.http.close()


def test_uploads_are_listed_over_http_apart_from_the_records_and_reset_forgets_them(
    fake: FakeWeCom, contact: Caller
) -> None:
    media_id = contact.upload(PNG)["media_id"]
    listed = contact.http.get("/fake/uploads").json()
    assert listed["errcode"] == 0
    assert [(u["media_id"], u["size"]) for u in listed["uploads"]] == [(media_id, len(PNG))]
    assert "uploads" not in contact.http.get("/fake/records").json()["records"]
    assert contact.http.post("/fake/uploads").json()["errcode"] == 43001
    fake.reset()
    assert fake.uploads() == []
    contact.token = contact.fetch_token()
    assert contact.mass_send(image(media_id))["errcode"] == 40007  # a reset fake issued nothing
