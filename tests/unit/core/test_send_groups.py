"""Due auto sends share a WeCom mass send exactly when they are one staff member's, due in the
same minute, with equal content — and a customer is never named twice in one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.reminders import slot_of
from siyu.core.send_groups import DueSend, content_hash, group_sends

CONTENTS = st.sampled_from(
    [
        {"items": [{"text": "会员日快乐"}]},
        {"items": [{"text": "会员日快乐"}], "notes": "别催"},
        {"notes": "别催", "items": [{"text": "会员日快乐"}]},  # the same as the one before
        {"items": [{"text": "新品上架"}, {"image": "a.png"}]},
    ]
)
SENDS = st.lists(
    st.builds(
        DueSend,
        task_id=st.integers(1, 10**9),
        executor_id=st.integers(1, 3),
        due_us=st.integers(0, 3).map(lambda minute: 1_800_000_000_000_000 + minute * 30_000_000),
        customer_id=st.integers(1, 6),
        content=CONTENTS,
    ),
    max_size=40,
    unique_by=lambda send: send.task_id,
)


def _key(send: DueSend) -> tuple[int, int, str]:
    return send.executor_id, slot_of(send.due_us), content_hash(send.content)


@given(SENDS)
def test_every_send_is_placed_once_in_its_own_group_or_alone(sends: list[DueSend]) -> None:
    groups, alone = group_sends(sends)
    placed = [task_id for ids in groups.values() for task_id in ids] + alone
    assert sorted(placed) == sorted(send.task_id for send in sends)
    by_id = {send.task_id: send for send in sends}
    for key, ids in groups.items():
        assert all(_key(by_id[task_id]) == key for task_id in ids)
        customers = [by_id[task_id].customer_id for task_id in ids]
        assert len(customers) == len(set(customers))
    for task_id in alone:  # alone only because its customer is already in its group
        send = by_id[task_id]
        assert send.customer_id in {by_id[t].customer_id for t in groups[_key(send)]}


@given(SENDS)
def test_sends_that_could_share_do_share(sends: list[DueSend]) -> None:
    """Each group holds one task of every customer with a send of its key: one call per key."""
    groups, _alone = group_sends(sends)
    by_id = {send.task_id: send for send in sends}
    assert set(groups) == {_key(send) for send in sends}
    for key, ids in groups.items():
        assert {by_id[t].customer_id for t in ids} == {s.customer_id for s in sends if _key(s) == key}


def test_key_order_does_not_change_the_hash() -> None:
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})
    assert content_hash({"items": [{"text": "甲"}]}) != content_hash({"items": [{"text": "乙"}]})
