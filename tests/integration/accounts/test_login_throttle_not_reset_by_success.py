"""A success does not reopen sign-in for others: the address's failures stay counted until they
leave the window, and a username's failures are cleared only by that username's own success."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from siyu.accounts import users as accounts
from siyu.accounts.users import Role
from siyu.core.errors import AuthError, ThrottledError
from siyu.core.timeutil import US_PER_SECOND
from siyu.store.tables import login_attempts

T0 = 1_800_000_000 * US_PER_SECOND
WINDOW = accounts.THROTTLE_WINDOW_SECONDS * US_PER_SECOND
NAMES = ("alice", "bob", "nobody")


@pytest.fixture
def throttled_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Two users (alice, bob; password `password-<name>`) and a cheap hasher: the rule, not argon2, is tested."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    with engine.begin() as conn:
        for name in ("alice", "bob"):
            accounts.create_user(conn, username=name, password=f"password-{name}", role=Role.operator, now_us=T0)
    return engine


def attempt(engine: Engine, name: str, client: str, *, right: bool, now_us: int) -> str:
    password = f"password-{name}" if right else "wrong-password"
    try:
        accounts.sign_in(engine, username=name, password=password, client=client, now_us=now_us)
    except ThrottledError:
        return "throttled"
    except AuthError:
        return "refused"
    return "signed in"


def test_a_success_from_the_address_does_not_clear_its_failures(throttled_engine: Engine) -> None:
    now = T0
    for n in range(accounts.MAX_FAILURES_PER_CLIENT - 1):  # one failure per guessed name: no user lockout
        now += US_PER_SECOND
        assert attempt(throttled_engine, f"guess{n}", "10.0.0.9", right=False, now_us=now) == "refused"
    now += US_PER_SECOND
    assert attempt(throttled_engine, "alice", "10.0.0.9", right=True, now_us=now) == "signed in"
    now += US_PER_SECOND
    assert attempt(throttled_engine, "guess-last", "10.0.0.9", right=False, now_us=now) == "refused"
    now += US_PER_SECOND
    assert attempt(throttled_engine, "guess-more", "10.0.0.9", right=False, now_us=now) == "throttled"
    assert attempt(throttled_engine, "alice", "10.0.0.9", right=True, now_us=now) == "throttled"
    assert attempt(throttled_engine, "alice", "10.0.0.10", right=True, now_us=now) == "signed in"


def test_another_users_success_does_not_clear_a_users_failures(throttled_engine: Engine) -> None:
    now = T0
    for n in range(accounts.MAX_FAILURES_PER_USER - 1):
        now += US_PER_SECOND
        assert attempt(throttled_engine, "bob", f"10.1.0.{n}", right=False, now_us=now) == "refused"
        assert attempt(throttled_engine, "alice", f"10.1.0.{n}", right=True, now_us=now) == "signed in"
    now += US_PER_SECOND
    assert attempt(throttled_engine, "bob", "10.2.0.1", right=False, now_us=now) == "refused"
    assert attempt(throttled_engine, "bob", "10.2.0.2", right=True, now_us=now) == "throttled"


def test_the_wait_told_is_when_sign_in_opens_again(throttled_engine: Engine) -> None:
    now = T0
    for n in range(accounts.MAX_FAILURES_PER_USER):
        now += 60 * US_PER_SECOND
        attempt(throttled_engine, "bob", f"10.3.0.{n}", right=False, now_us=now)
    with pytest.raises(ThrottledError) as refused:
        accounts.sign_in(throttled_engine, username="bob", password="password-bob", client="10.3.1.1", now_us=now)
    opens = T0 + 60 * US_PER_SECOND + WINDOW + 1  # when the oldest failure has left the window
    assert refused.value.retry_after == -(-(opens - now) // US_PER_SECOND)  # whole seconds, rounded up
    assert attempt(throttled_engine, "bob", "10.3.1.1", right=True, now_us=opens - 1) == "throttled"
    assert attempt(throttled_engine, "bob", "10.3.1.1", right=True, now_us=opens) == "signed in"


@dataclass
class Model:
    """The rule in a few lines: what each attempt should meet."""

    history: list[tuple[int, str, str, bool]]  # (at, username, client, succeeded) of recorded attempts

    def expect(self, now: int, name: str, client: str, right: bool) -> str:
        since = now - WINDOW
        own_success = max((at for at, n, _, ok in self.history if n == name and ok), default=None)
        user_since = max(since, own_success + 1) if own_success is not None else since
        user_failures = sum(1 for at, n, _, ok in self.history if n == name and not ok and at >= user_since)
        client_failures = sum(1 for at, _, c, ok in self.history if c == client and not ok and at >= since)
        if user_failures >= accounts.MAX_FAILURES_PER_USER or client_failures >= accounts.MAX_FAILURES_PER_CLIENT:
            return "throttled"
        ok = right and name != "nobody"
        self.history.append((now, name, client, ok))
        return "signed in" if ok else "refused"


STEP = st.tuples(
    st.sampled_from((0, 1, 1, 1, 60, 600)),  # seconds since the attempt before
    st.sampled_from(NAMES),
    st.sampled_from(("10.0.0.1", "10.0.0.2")),
    st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=30))
def test_every_attempt_meets_the_throttle_rule(
    throttled_engine: Engine, monkeypatch: pytest.MonkeyPatch, steps: list[tuple[int, str, str, bool]]
) -> None:
    monkeypatch.setattr(accounts, "MAX_FAILURES_PER_USER", 3)
    monkeypatch.setattr(accounts, "MAX_FAILURES_PER_CLIENT", 4)
    with throttled_engine.begin() as conn:
        conn.execute(sa.delete(login_attempts))
    model = Model([])
    now = T0
    for wait, name, client, right in steps:
        now += wait * US_PER_SECOND
        expected = model.expect(now, name, client, right)
        assert attempt(throttled_engine, name, client, right=right, now_us=now) == expected, (name, client, right)
