"""visible_tags: a moment's visible_to as WeCom can say it — a tag or any of tags — and every
other condition reported with where it stands, never widened to everyone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.visibility import VisibleTags, visible_tags

TAG_NAMES = st.text(alphabet="会员宠物主母婴新客abcXYZ_", min_size=1, max_size=8)


def test_a_tag_is_said_as_that_tag() -> None:
    assert visible_tags({"tag": "会员"}) == VisibleTags(names=("会员",))


@given(st.lists(TAG_NAMES, min_size=1, max_size=6))
def test_any_of_tags_nested_or_not_is_said_as_every_tag_once_in_order(names: list[str]) -> None:
    raw = {"any": [{"tag": name} if index % 2 else {"any": [{"tag": name}]} for index, name in enumerate(names)]}
    assert visible_tags(raw) == VisibleTags(names=tuple(dict.fromkeys(names)))


def test_not_cannot_be_said_and_says_where() -> None:
    found = visible_tags({"not": {"tag": "员工"}})
    assert found.names == () and found.problem is not None
    assert found.problem.startswith("visible_to:")


def test_a_non_tag_inside_any_is_located() -> None:
    found = visible_tags({"any": [{"tag": "会员"}, {"attr": "city", "eq": "上海"}]})
    assert found.problem is not None and found.problem.startswith("visible_to.any[1]:")


def test_all_of_tags_cannot_be_said() -> None:
    assert visible_tags({"all": [{"tag": "会员"}, {"tag": "宠物主"}]}).problem is not None


def test_a_condition_that_does_not_parse_is_a_located_problem() -> None:
    found = visible_tags({"tagg": "会员"})
    assert found.problem is not None and "visible_to" in found.problem
