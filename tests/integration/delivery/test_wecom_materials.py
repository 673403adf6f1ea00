"""An auto send with an image beside its SOP file reaches WeCom through the real adapter: the
image is uploaded once (media/upload), and each mass send carries the media_id the fake WeCom
issued (the fake refuses any other). An image that cannot be found turns the task into a
reminder whose reason names the file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.channels.wecom.fake_server import FakeWeCom
from siyu.delivery.dispatcher import Dispatcher
from tests.integration.delivery.conftest import Clock
from tests.support.brand import Brand, apply_sops, run
from tests.support.delivery import START, at, rows, set_channels, task_of, wecom_on
from tests.unit.channels.wecom.media_files import tiny_png

POSTER_SOP = """
- id: poster
  name: 新品海报
  kind: customer
  audience: {tag: 新客}
  entry: audience
  steps:
    - id: send-poster
      at: {delay: 0m}
      channel: private
      executor: owner
      mode: auto
      content:
        - text: "{{customer.name}}，新品海报请查收"
        - image: IMAGE
"""


def poster_brand(engine: Engine, tmp_path: Path, fake: FakeWeCom, *, image: str, customers: int = 2) -> Path:
    """WeCom on (the fake), s1 owning c1..cN, the SOP applied from tmp_path/sops/poster.yaml and
    ticked so that its auto step falls due; the SOP's folder."""
    set_channels(engine, wecom_on(fake.base_url))
    brand = Brand()
    brand.add_staff("s1", name="小暖")
    for n in range(1, customers + 1):
        brand.add_customer(f"c{n}", "s1", name=f"客户{n}", tags=("新客",))
    brand.write(engine, tmp_path / "brand")
    folder = tmp_path / "sops"
    folder.mkdir()
    sop = folder / "poster.yaml"
    sop.write_text(POSTER_SOP.replace("IMAGE", image), encoding="utf-8")
    apply_sops(engine, sop, now=at(START))
    run(engine, START)
    return folder


def dispatch(engine: Engine, clock: Clock, *, rounds: int = 1) -> None:
    dispatcher = Dispatcher(engine, clock_us=clock)
    try:
        for _ in range(rounds):
            dispatcher.step()
            clock.advance(301)
    finally:
        dispatcher.close()


def test_the_image_is_uploaded_once_and_every_send_carries_its_media_id(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    with FakeWeCom(check_media_ids=True, auto_confirm_after_s=None) as fake:
        folder = poster_brand(engine, tmp_path, fake, image="poster.png", customers=2)
        (folder / "poster.png").write_bytes(tiny_png())

        dispatch(engine, clock)

        (upload,) = fake.uploads()
        assert (upload["endpoint"], upload["type"], upload["filename"]) == ("upload", "image", "poster.png")
        assert upload["size"] == len(tiny_png())
        mass = fake.mass_sends()
        assert sorted((m["recipients"], m["content"]) for m in mass) == [
            (["c1"], "客户1，新品海报请查收"),
            (["c2"], "客户2，新品海报请查收"),
        ]
        for sent in mass:
            assert sent["attachments"] == [{"msgtype": "image", "image": {"media_id": upload["media_id"]}}]
        sends = [r for r in rows(engine) if r.purpose == "send"]
        assert [r.status for r in sends] == ["sent", "sent"]
        payload_material = sends[0].payload["materials"][0]
        assert payload_material == {"image": "poster.png", "local_path": str((folder / "poster.png").resolve())}

        fake.confirm()  # 小暖 taps send in WeCom
        dispatch(engine, clock)
        assert {r.status for r in rows(engine)} == {"delivered"}
        assert all(task_of(engine, r.task_id).status == "sent" for r in sends)
        assert len(fake.uploads()) == 1


def test_a_missing_image_turns_the_send_into_a_reminder_naming_the_file(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    with FakeWeCom(check_media_ids=True) as fake:
        folder = poster_brand(engine, tmp_path, fake, image="poster.png", customers=1)

        dispatch(engine, clock, rounds=2)

        task = task_of(engine, rows(engine)[0].task_id)
        assert task.mode == "remind"
        assert f"poster.png is missing: no file {(folder / 'poster.png').resolve()}" in task.reason
        assert fake.uploads() == [] and fake.mass_sends() == []
        assert fake.calls()["/cgi-bin/media/upload"] == 0


def test_an_image_outside_the_sops_folder_is_never_read(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    (tmp_path / "private.png").write_bytes(tiny_png())  # exists, but outside the SOP's folder
    with FakeWeCom(check_media_ids=True) as fake:
        poster_brand(engine, tmp_path, fake, image="../private.png", customers=1)

        dispatch(engine, clock, rounds=2)

        task = task_of(engine, rows(engine)[0].task_id)
        assert task.mode == "remind"
        assert "../private.png is outside the SOP's folder" in task.reason
        assert fake.uploads() == [] and fake.mass_sends() == []
