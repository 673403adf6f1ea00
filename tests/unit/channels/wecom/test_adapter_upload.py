"""A material file beside the SOP (local_path) is uploaded to WeCom before the send that carries it:
media/upload for mass sends, media/upload_attachment for moments; its media_id is remembered for
2.5 days per file version; a file WeCom cannot take becomes a reminder naming the file and the limit."""

from __future__ import annotations

import os
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import httpx2
import pytest

from siyu.channels.base import DeliveryError, Outgoing, Person, Purpose
from siyu.channels.wecom.adapter import WeComAdapter
from tests.unit.channels.wecom.media_files import MB, MP4_HEAD, sized_file, tiny_png, write_png
from tests.unit.channels.wecom.wecom_mock import GETTOKEN, FakeClock, ScriptedWeCom, error, ok, settings

ADD_MSG_TEMPLATE = "/cgi-bin/externalcontact/add_msg_template"
ADD_MOMENT_TASK = "/cgi-bin/externalcontact/add_moment_task"
UPLOAD = "/cgi-bin/media/upload"
UPLOAD_ATTACHMENT = "/cgi-bin/media/upload_attachment"
DAY_S = 86400.0


@dataclass(frozen=True)
class Part:
    name: str | None
    filename: str | None
    filelength: str | None
    content_type: str
    data: bytes


class UploadingWeCom(ScriptedWeCom):
    """The scripted WeCom, reading multipart uploads with the standard library's parser."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[Part] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + request.content
            )
            parts = list(message.iter_parts())  # type: ignore[attr-defined]
            assert len(parts) == 1
            part = parts[0]
            self.parts.append(
                Part(
                    name=part.get_param("name", header="content-disposition"),
                    filename=part.get_filename(),
                    filelength=part.get_param("filelength", header="content-disposition"),
                    content_type=part.get_content_type(),
                    data=part.get_payload(decode=True),
                )
            )
            request = httpx2.Request(request.method, request.url)  # recorded without the file
        return super().__call__(request)


def uploaded(media_id: str, kind: str = "image") -> dict[str, Any]:
    return ok(type=kind, media_id=media_id, created_at="1380000000")


def item(*materials: dict[str, Any], channel: str = "private") -> Outgoing:
    return Outgoing(
        "task:9:send",
        Purpose.send,
        channel,
        "新品海报",
        staff=Person("zhangsan"),
        customer=Person("wmC"),
        materials=materials,
    )


def image(path: Path) -> dict[str, Any]:
    return {"image": path.name, "local_path": str(path)}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def adapter(wecom: ScriptedWeCom, clock: FakeClock) -> WeComAdapter:
    return WeComAdapter(settings(), client=wecom.client(clock=clock), monotonic=clock.monotonic)


def refused(wecom: ScriptedWeCom, clock: FakeClock, *materials: dict[str, Any], channel: str = "private") -> str:
    with pytest.raises(DeliveryError) as raised:
        adapter(wecom, clock).send(item(*materials, channel=channel))
    error_ = raised.value
    assert error_.permanent and error_.remind_instead and error_.code == "wecom:material"
    assert wecom.calls_to(UPLOAD) == [] and wecom.calls_to(UPLOAD_ATTACHMENT) == []
    assert wecom.calls_to(ADD_MSG_TEMPLATE) == [] and wecom.calls_to(ADD_MOMENT_TASK) == []
    return error_.message


def test_a_mass_send_uploads_the_file_with_the_contact_token_then_sends_its_media_id(
    tmp_path: Path, clock: FakeClock
) -> None:
    poster = write_png(tmp_path / "海报.png")
    wecom = UploadingWeCom()
    wecom.queue(UPLOAD, uploaded("MEDIA-1"))
    wecom.queue(ADD_MSG_TEMPLATE, ok(msgid="msg1"))

    adapter(wecom, clock).send(item({"text": "扫码"}, image(poster)))

    (call,) = wecom.calls_to(UPLOAD)
    assert call.method == "POST"
    assert call.params == {"type": "image", "access_token": "tok-1"}
    assert wecom.calls_to(GETTOKEN)[0].params["corpsecret"] == "contact-secret"
    assert wecom.parts == [
        Part(
            name="media",
            filename="海报.png",
            filelength=str(len(tiny_png())),
            content_type="image/png",
            data=tiny_png(),
        )
    ]
    (body,) = wecom.bodies(ADD_MSG_TEMPLATE)
    assert body["attachments"] == [{"msgtype": "image", "image": {"media_id": "MEDIA-1"}}]
    assert body["text"] == {"content": "新品海报\n扫码"}


def test_a_moment_uploads_an_attachment_for_moments(tmp_path: Path, clock: FakeClock) -> None:
    poster = write_png(tmp_path / "live.png")
    clip = sized_file(tmp_path / "clip.mp4", 4096, head=MP4_HEAD)
    wecom = UploadingWeCom()
    wecom.queue(UPLOAD_ATTACHMENT, uploaded("ATT-1"), uploaded("ATT-2", "video"))
    wecom.queue(ADD_MOMENT_TASK, ok(jobid="job1"))

    adapter(wecom, clock).send(item(image(poster), {"video": "clip.mp4", "local_path": str(clip)}, channel="moments"))

    assert [c.params for c in wecom.calls_to(UPLOAD_ATTACHMENT)] == [
        {"media_type": "image", "attachment_type": "1", "access_token": "tok-1"},
        {"media_type": "video", "attachment_type": "1", "access_token": "tok-1"},
    ]
    assert [(p.filename, p.content_type, len(p.data)) for p in wecom.parts] == [
        ("live.png", "image/png", len(tiny_png())),
        ("clip.mp4", "video/mp4", 4096),
    ]
    assert wecom.bodies(ADD_MOMENT_TASK)[0]["attachments"] == [
        {"msgtype": "image", "image": {"media_id": "ATT-1"}},
        {"msgtype": "video", "video": {"media_id": "ATT-2"}},
    ]
    assert wecom.calls_to(UPLOAD) == []


def test_a_media_id_is_reused_for_two_and_a_half_days_and_per_file_version(tmp_path: Path, clock: FakeClock) -> None:
    poster = write_png(tmp_path / "poster.png")
    wecom = UploadingWeCom()
    wecom.queue(UPLOAD, uploaded("M1"), uploaded("M2"), uploaded("M3"))
    wecom.queue(UPLOAD_ATTACHMENT, uploaded("A1"))
    wecom.queue(ADD_MSG_TEMPLATE, *[ok(msgid=f"msg{n}") for n in range(5)])
    wecom.queue(ADD_MOMENT_TASK, ok(jobid="job1"))
    sender = adapter(wecom, clock)

    def sent_media_id() -> str:
        sender.send(item(image(poster)))
        media_id: str = wecom.bodies(ADD_MSG_TEMPLATE)[-1]["attachments"][0]["image"]["media_id"]
        return media_id

    assert sent_media_id() == "M1"
    clock.now += 2.4 * DAY_S
    assert sent_media_id() == "M1"  # remembered
    sender.send(item(image(poster), channel="moments"))  # moments need their own upload
    assert wecom.bodies(ADD_MOMENT_TASK)[0]["attachments"][0]["image"]["media_id"] == "A1"
    clock.now += 0.2 * DAY_S
    assert sent_media_id() == "M2"  # 2.6 days after the first upload: uploaded again
    write_png(poster, rgb=(0, 0, 255))
    stat = poster.stat()
    os.utime(poster, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert sent_media_id() == "M3"  # the file changed
    assert len(wecom.calls_to(UPLOAD)) == 3
    assert wecom.parts[-1].data == tiny_png((0, 0, 255))


@pytest.mark.parametrize(
    ("name", "size", "head", "kind", "expected"),
    [
        ("big.png", 10 * MB + 1, b"\x89PNG", "image", "at most 10 MB, JPG or PNG"),
        ("anim.gif", 100, b"GIF89a", "image", "must be JPG or PNG"),
        ("long.mp4", 10 * MB + 1, MP4_HEAD, "video", "at most 10 MB, MP4"),
        ("clip.mov", 100, MP4_HEAD, "video", "must be MP4"),
        ("brochure.pdf", 20 * MB + 1, b"%PDF", "file", "at most 20 MB"),
        ("dot.png", 5, b"\x89PNG", "image", "only files over 5 bytes"),
    ],
)
def test_a_file_over_wecoms_limit_or_of_the_wrong_type_becomes_a_reminder(
    tmp_path: Path, clock: FakeClock, *, name: str, size: int, head: bytes, kind: str, expected: str
) -> None:
    path = sized_file(tmp_path / name, size, head=head)
    message = refused(UploadingWeCom(), clock, {kind: name, "local_path": str(path)})
    assert name in message
    assert expected in message


def test_every_file_is_checked_before_any_is_uploaded(tmp_path: Path, clock: FakeClock) -> None:
    poster = write_png(tmp_path / "poster.png")
    big = sized_file(tmp_path / "big.png", 11 * MB, head=b"\x89PNG")
    message = refused(UploadingWeCom(), clock, image(poster), image(big))
    assert "material 2 (image big.png)" in message


def test_a_file_in_a_moment_or_a_missing_file_is_refused_by_name(tmp_path: Path, clock: FakeClock) -> None:
    doc = sized_file(tmp_path / "guide.pdf", 100, head=b"%PDF")
    assert "cannot be sent in a moment" in refused(
        UploadingWeCom(), clock, {"file": "guide.pdf", "local_path": str(doc)}, channel="moments"
    )
    gone = tmp_path / "gone.png"
    message = refused(UploadingWeCom(), clock, {"image": "gone.png", "local_path": str(gone)})
    assert str(gone) in message


def test_a_file_compose_could_not_find_carries_its_reason(clock: FakeClock) -> None:
    material = {"image": "../secret.png", "unresolved": "../secret.png is outside the SOP's folder"}
    message = refused(UploadingWeCom(), clock, material)
    assert (
        "material 1 (image ../secret.png) has no file to upload: ../secret.png is outside the SOP's folder" in message
    )


def test_a_transient_upload_failure_is_retried_later_and_nothing_is_sent(tmp_path: Path, clock: FakeClock) -> None:
    poster = write_png(tmp_path / "poster.png")
    wecom = UploadingWeCom()
    wecom.queue(UPLOAD, error(-1, "system busy"), uploaded("M1"))
    wecom.queue(ADD_MSG_TEMPLATE, ok(msgid="msg1"))
    sender = adapter(wecom, clock)

    with pytest.raises(DeliveryError) as raised:
        sender.send(item(image(poster)))
    assert not raised.value.permanent and not raised.value.remind_instead
    assert raised.value.code == "wecom:-1"
    assert wecom.calls_to(ADD_MSG_TEMPLATE) == []

    sender.send(item(image(poster)))  # the retry
    assert wecom.bodies(ADD_MSG_TEMPLATE)[0]["attachments"][0]["image"]["media_id"] == "M1"


def test_an_expired_token_on_upload_is_renewed_once(tmp_path: Path, clock: FakeClock) -> None:
    poster = write_png(tmp_path / "poster.png")
    wecom = UploadingWeCom()
    wecom.queue(UPLOAD, error(42001, "access_token expired"), uploaded("M1"))
    wecom.queue(ADD_MSG_TEMPLATE, ok(msgid="msg1"))
    adapter(wecom, clock).send(item(image(poster)))
    assert [c.params["access_token"] for c in wecom.calls_to(UPLOAD)] == ["tok-1", "tok-2"]
    assert [p.data for p in wecom.parts] == [tiny_png(), tiny_png()]  # the same file both times
    assert wecom.calls_to(ADD_MSG_TEMPLATE)[0].params["access_token"] == "tok-2"


def test_wecom_refusing_the_file_becomes_a_reminder(tmp_path: Path, clock: FakeClock) -> None:
    poster = write_png(tmp_path / "poster.png")
    wecom = UploadingWeCom()
    wecom.queue(UPLOAD, error(40005, "invalid file type"))
    with pytest.raises(DeliveryError) as raised:
        adapter(wecom, clock).send(item(image(poster)))
    assert raised.value.permanent and raised.value.remind_instead
    assert "poster.png" in raised.value.message and "40005" in raised.value.message
    assert wecom.calls_to(ADD_MSG_TEMPLATE) == []


def test_an_upload_that_timed_out_is_not_in_doubt(tmp_path: Path, clock: FakeClock) -> None:
    poster = write_png(tmp_path / "poster.png")
    wecom = UploadingWeCom()
    wecom.queue(UPLOAD, httpx2.ReadTimeout("no answer"))
    with pytest.raises(DeliveryError) as raised:
        adapter(wecom, clock).send(item(image(poster)))
    assert not raised.value.permanent
    assert not raised.value.in_doubt  # only an unused media_id can have been made: nothing to look for
    assert "poster.png" in raised.value.message


def test_a_media_id_wecom_calls_invalid_is_forgotten_and_uploaded_again(tmp_path: Path, clock: FakeClock) -> None:
    poster = write_png(tmp_path / "poster.png")
    wecom = UploadingWeCom()
    wecom.queue(UPLOAD, uploaded("OLD"), uploaded("NEW"))
    wecom.queue(ADD_MSG_TEMPLATE, error(40007, "invalid media_id"), ok(msgid="msg1"))
    sender = adapter(wecom, clock)

    with pytest.raises(DeliveryError) as raised:
        sender.send(item(image(poster)))
    assert not raised.value.permanent and raised.value.code == "wecom:40007"

    sender.send(item(image(poster)))
    assert [b["attachments"][0]["image"]["media_id"] for b in wecom.bodies(ADD_MSG_TEMPLATE)] == ["OLD", "NEW"]


def test_a_given_media_id_is_sent_as_is_without_an_upload(tmp_path: Path, clock: FakeClock) -> None:
    poster = write_png(tmp_path / "poster.png")
    wecom = UploadingWeCom()
    wecom.queue(ADD_MSG_TEMPLATE, ok(msgid="msg1"))
    adapter(wecom, clock).send(item({"type": "image", "media_id": "GIVEN", "local_path": str(poster)}))
    assert wecom.bodies(ADD_MSG_TEMPLATE)[0]["attachments"] == [{"msgtype": "image", "image": {"media_id": "GIVEN"}}]
    assert wecom.calls_to(UPLOAD) == []
