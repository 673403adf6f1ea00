"""After a poll of a send to several customers: each settled customer's task changes on its own,
the row is delivered once none is pending, and after the confirmation window the pending fail."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from siyu.channels.base import DeliveryState, Progress, Purpose
from siyu.channels.wecom.mass_send import overall
from siyu.core.reasons import ReasonCode
from siyu.delivery.decide import Policy, TaskEffect, after_poll

STATES = st.sampled_from(
    [
        Progress(DeliveryState.pending),
        Progress(DeliveryState.delivered),
        Progress(DeliveryState.failed, reason="not a friend", code="wecom:status2"),
        Progress(DeliveryState.failed, reason="over", code="wecom:status3", over_allowance=True),
    ]
)
EACH = st.dictionaries(st.text(min_size=1, max_size=6), STATES, min_size=1, max_size=12)
POLICY = Policy()
SENT_AT = 1_000_000_000_000


@given(EACH, st.booleans())
def test_each_settled_recipient_gets_its_own_outcome(each: dict[str, Progress], too_late: bool) -> None:
    late_by = int(POLICY.give_up_polling_s * 1_000_000) + 1 if too_late else 0
    now = SENT_AT + late_by
    decision = after_poll(overall(each), purpose=Purpose.send, sent_at_us=SENT_AT, policy=POLICY, now_us=now, draw=0.5)
    pending = {r for r, p in each.items() if p.state is DeliveryState.pending}
    assert decision.task is None and decision.events == ()  # nothing for every task at once
    got = {o.recipient: o for o in decision.each}
    for recipient, progress in each.items():
        if progress.state is DeliveryState.delivered:
            assert (got[recipient].task, got[recipient].events) == (None, ("delivered",))
        elif progress.state is DeliveryState.failed:
            wanted = TaskEffect.to_remind if progress.over_allowance else TaskEffect.failed
            assert (got[recipient].task, got[recipient].reason) == (wanted, progress.reason)
        elif too_late:
            assert got[recipient].task is TaskEffect.failed
            assert getattr(got[recipient].reason, "code", None) is ReasonCode.not_confirmed
        else:
            assert recipient not in got
    if not pending:
        assert decision.values["status"] == "delivered"
    elif too_late:
        assert decision.values["status"] == "failed"
    else:
        assert "status" not in decision.values and decision.values["next_attempt_at"] > now
