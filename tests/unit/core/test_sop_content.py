"""Content items, variants and notes of a step."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.core.model import File, Image, Link, MiniProgram, Text, Variant, Video
from siyu.core.sopparse.sop import parse_sop
from tests.unit.core.sop_samples import messages, sop, step


def test_every_kind_of_item() -> None:
    content = [
        {"text": "你好"},
        {"image": "assets/a.png"},
        {"link": {"title": "问卷", "url": "https://example.com/s"}},
        {"miniprogram": {"title": "商城", "appid": "wx123", "page": "pages/index"}},
        {"file": "assets/manual.pdf"},
        {"video": "assets/intro.mp4"},
    ]
    parsed = parse_sop(sop("customer", step(content=content))).steps[0].content
    assert parsed == (
        Text("你好"),
        Image("assets/a.png"),
        Link("问卷", "https://example.com/s"),
        MiniProgram("商城", "wx123", "pages/index"),
        File("assets/manual.pdf"),
        Video("assets/intro.mp4"),
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ([], "steps[0].content: expected a non-empty list of content items such as - text: 你好, got an empty list"),
        ("你好", "steps[0].content: expected a non-empty list of content items such as - text: 你好, got '你好'"),
        (
            [{"text": "a", "image": "b.png"}],
            "steps[0].content[0]: expected exactly one of text, image, link, miniprogram, file, video per item "
            "(found text, image)",
        ),
        (
            [{"txt": "a"}],
            "steps[0].content[0].txt: unknown key txt (did you mean text?) "
            "(allowed here: text, image, link, miniprogram, file, video)",
        ),
        ([{"text": ""}], "steps[0].content[0].text: expected text, got nothing"),
        ([{"text": None}], "steps[0].content[0].text: expected text, got nothing"),
        ([{"image": ["a.png"]}], "steps[0].content[0].image: expected text, got a list"),
        ([{"link": {"title": "x"}}], "steps[0].content[0].link: missing required key: url"),
        (
            [{"link": {"title": "x", "url": "example.com"}}],
            "steps[0].content[0].link.url: expected an http:// or https:// address, got 'example.com'",
        ),
        (
            [{"link": {"title": "x", "url": "https://a", "desc": "y"}}],
            "steps[0].content[0].link.desc: unknown key desc (allowed here: title, url)",
        ),
        (
            [{"miniprogram": {"title": "x", "appid": "wx"}}],
            "steps[0].content[0].miniprogram: missing required key: page",
        ),
        (
            [3],
            "steps[0].content[0]: expected exactly one of text, image, link, miniprogram, file, video per item (got 3)",
        ),
    ],
)
def test_bad_content(content: Any, message: str) -> None:
    assert messages(sop("customer", step(content=content))) == [message]


def test_numbers_are_text_in_text_items() -> None:
    assert parse_sop(sop("customer", step(content=[{"text": 618}]))).steps[0].content == (Text("618"),)


def test_sms_carries_text_only() -> None:
    assert messages(sop("customer", step(channel="sms", content=[{"text": "a"}, {"image": "b.png"}]))) == [
        "steps[0].content[1].image: the sms channel cannot carry image (it takes: text)"
    ]


def test_moments_carry_text_images_videos_and_links() -> None:
    raw = sop("moments", step(channel="moments", executor="self", content=[{"text": "a"}, {"file": "b.pdf"}]))
    assert messages(raw) == [
        "steps[0].content[1].file: the moments channel cannot carry file (it takes: text, image, video, link)"
    ]


def test_variants() -> None:
    raw = sop(
        "customer",
        step(variants=[{"id": "a", "weight": 50}, {"id": "b", "weight": 50, "content": [{"text": "乙"}]}]),
    )
    parsed = parse_sop(raw).steps[0]
    assert parsed.variants == (Variant("a", 50), Variant("b", 50, (Text("乙"),)))
    assert parsed.content_of("a") == (Text("你好"),)
    assert parsed.content_of("b") == (Text("乙"),)
    assert parsed.content_of(None) == (Text("你好"),)


@pytest.mark.parametrize(
    ("variants", "message"),
    [
        ([], "steps[0].variants: expected a non-empty list of variants such as {id: a, weight: 50}, got an empty list"),
        (
            [{"id": "a", "weight": 1}, {"id": "a", "weight": 1}],
            "steps[0].variants[1].id: duplicate id a (also variants[0])",
        ),
        (
            [{"id": "a", "weight": 0}],
            "steps[0].variants[0].weight: expected a positive whole number from 1 to 1000000, got 0",
        ),
        ([{"id": "a", "weight": 0.5}], "steps[0].variants[0].weight: expected a positive whole number, got 0.5"),
        ([{"id": "a"}], "steps[0].variants[0]: missing required key: weight"),
        (
            [{"id": "A", "weight": 1}],
            "steps[0].variants[0].id: expected an id made of lowercase letters, digits and -, 1 to 100 characters, "
            "not starting with -, got 'A'",
        ),
        (
            [{"id": "a", "weight": 1, "text": "x"}],
            "steps[0].variants[0].text: unknown key text (allowed here: id, weight, content)",
        ),
    ],
)
def test_bad_variants(variants: Any, message: str) -> None:
    assert messages(sop("customer", step(variants=variants))) == [message]


def test_step_content_may_be_left_out_when_every_variant_has_its_own() -> None:
    variants = [
        {"id": "a", "weight": 1, "content": [{"text": "甲"}]},
        {"id": "b", "weight": 1, "content": [{"text": "乙"}]},
    ]
    assert messages(sop("customer", step(content=None, variants=variants))) == []
    variants[1].pop("content")
    assert messages(sop("customer", step(content=None, variants=variants))) == [
        "steps[0]: missing required key: content"
    ]


def test_step_ids_are_unique_slugs() -> None:
    assert messages(sop("customer", step(id="a"), step(id="a"), step(id="B"))) == [
        "steps[1].id: duplicate id a (also steps[0])",
        "steps[2].id: expected an id made of lowercase letters, digits and -, 1 to 100 characters, "
        "not starting with -, got 'B'",
    ]


def test_steps_must_be_a_non_empty_list() -> None:
    assert messages(sop("customer", steps=[])) == ["steps: expected a non-empty list of steps, got an empty list"]


def test_notes() -> None:
    assert parse_sop(sop("customer", step(notes="语气亲切"))).steps[0].notes == "语气亲切"
    assert messages(sop("customer", step(notes=["a"]))) == ["steps[0].notes: expected text, got a list"]
