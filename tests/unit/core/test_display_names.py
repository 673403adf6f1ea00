"""Event types, attribute names and coded values as people call them, in their language; what
siyu does not know is shown as stored."""

from __future__ import annotations

import pytest

from siyu.core.conditions.phrases import EVENT_LABELS
from siyu.core.display_names import ATTRIBUTE_LABELS, VALUE_LABELS, attribute_name, attribute_value, event_name
from siyu.core.language import LOCALES


def test_known_names_read_in_each_language() -> None:
    assert (event_name("order_paid", "zh-CN"), event_name("order_paid", "en")) == ("下单", "order paid")
    assert (attribute_name("gender", "zh-CN"), attribute_value("gender", "female", "zh-CN")) == ("性别", "女")
    assert (attribute_name("gender", "en"), attribute_value("gender", "male", "en")) == ("gender", "male")


def test_unknown_names_and_values_show_as_stored() -> None:
    assert event_name("visited_store", "zh-CN") == "visited_store"
    assert attribute_name("favourite_colour", "zh-CN") == "favourite_colour"
    assert attribute_value("city", "杭州", "en") == "杭州"
    assert attribute_value("gender", None, "zh-CN") == ""


@pytest.mark.parametrize("labels", [EVENT_LABELS, ATTRIBUTE_LABELS, *VALUE_LABELS.values()])
def test_every_label_has_every_language(labels: dict[str, dict[str, str]]) -> None:
    for texts in labels.values():
        assert sorted(texts) == sorted(LOCALES) and all(text.strip() for text in texts.values())
