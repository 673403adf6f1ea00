"""Event rows: at needs an offset, the local day is in the brand zone, and the short path agrees
with the field-by-field reference on any input."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from siyu.ingest.fields import LocalDays
from siyu.ingest.kinds import event_validator, validate_event

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_valid_row() -> None:
    validate = event_validator(SHANGHAI)
    row = {
        "id": "e1",
        "type": "order_paid",
        "customer": "c1",
        "at": "2026-01-01T00:30:00+08:00",
        "properties": {"amount": 1},
    }
    # 2025-12-31T16:30Z is already 1 January in Shanghai: day 20454.
    assert validate(7, row) == (7, "e1", "order_paid", "c1", None, 1_767_198_600_000_000, 20454, '{"amount":1}')


def test_csv_cells() -> None:
    validate = event_validator(ZoneInfo("America/New_York"))
    row = {
        "id": "e1",
        "type": "friend_added",
        "customer": "",
        "group": "g1",
        "at": "2026-01-01T00:30:00+08:00",
        "properties": "",
    }
    assert validate(2, row) == (2, "e1", "friend_added", None, "g1", 1_767_198_600_000_000, 20453, "{}")


def test_faults() -> None:
    validate = event_validator(SHANGHAI)
    assert validate(3, {"id": "e1", "type": "x", "customer": "", "group": "", "at": "2026-01-01T00:30:00"}) == [
        ("at", '"2026-01-01T00:30:00" has no offset (write e.g. 2026-06-01T10:00:00+08:00)'),
        ("customer", "an event needs a customer or a group"),
    ]
    assert validate(4, {"id": "e1", "type": "x", "customer": "c1", "at": "", "properties": "[]", "amount": 3}) == [
        ("amount", "unknown column (expected: id, type, at, customer, group, properties)"),
        ("at", "required"),
        ("properties", "expected a JSON object, got a list"),
    ]


texts = st.one_of(
    st.sampled_from(["", " ", "e1", " e1 ", "c\x00", "x" * 129, "order_paid", "\u3000c1"]),
    st.text(max_size=6),
)
instants = st.one_of(
    st.sampled_from(
        [
            "2026-06-01T10:00:00+08:00",
            "2026-06-01T10:00:00Z",
            "2026-06-01T10:00:00",
            "2026-06-01",
            " 2026-06-01T10:00+08:00",
            "1800-01-01T00:00:00+00:00",
            "x",
        ]
    ),
    st.datetimes(timezones=st.sampled_from([None, UTC, SHANGHAI, timezone(timedelta(hours=-3, minutes=-30))])).map(
        lambda moment: moment.isoformat()
    ),
)
scalars = st.one_of(st.none(), st.integers(-3, 3), st.booleans(), texts)
rows = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(texts, scalars),
        "type": st.one_of(texts, scalars),
        "customer": st.one_of(texts, scalars),
        "group": st.one_of(texts, scalars),
        "at": st.one_of(instants, scalars),
        "properties": st.one_of(
            st.none(),
            st.just(""),
            st.just("{}"),
            st.just('{"a": 1}'),
            st.dictionaries(st.text(max_size=3), scalars, max_size=2),
            st.lists(scalars, max_size=2),
        ),
        "extra": scalars,
    },
)


@given(row=rows, zone=st.sampled_from(["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe"]))
def test_short_path_matches_reference(row: dict[str, object], zone: str) -> None:
    assert event_validator(ZoneInfo(zone))(5, row) == validate_event(5, row, LocalDays(ZoneInfo(zone)))
