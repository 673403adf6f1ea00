"""An official holiday schedule read from a file: `date,kind` rows as CSV, JSON or YAML, every
bad row named with its place in the file, nothing returned when any row is wrong."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siyu.core.errors import ValidationError
from siyu.core.workday_file import read_workday_file

EXPECTED = {date(2027, 1, 1): False, date(2027, 2, 20): True}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("2027.csv", "date,kind\n2027-01-01,holiday\n2027-02-20,workday\n"),
        ("2027.csv", "\ufeff2027-01-01, holiday\n\n2027-02-20 ,workday\n"),  # no header, a BOM, blanks
        ("2027.json", '[{"date": "2027-01-01", "kind": "holiday"}, {"date": "2027-02-20", "kind": "workday"}]'),
        ("2027.json", '{"2027-01-01": "holiday", "2027-02-20": "workday"}'),
        ("2027.yaml", "- {date: 2027-01-01, kind: holiday}\n- {date: 2027-02-20, kind: workday}\n"),
        ("2027.yml", "2027-01-01: holiday\n2027-02-20: workday\n"),
    ],
)
def test_each_format_reads_the_same_days(name: str, text: str) -> None:
    assert read_workday_file(text, name) == EXPECTED


def _problems(text: str, name: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        read_workday_file(text, name)
    return [str(problem) for problem in caught.value.problems]


def test_every_bad_csv_row_is_named_by_its_line() -> None:
    text = "date,kind\n2027-01-01,holiday\n2027-02-30,holiday\n2027-03-01,maybe\n2027-01-01,workday\n"
    assert _problems(text, "days.csv") == [
        "days.csv:3: date: expected a date written YYYY-MM-DD, got '2027-02-30'",
        'days.csv:4: kind: expected "holiday" or "workday", got \'maybe\'',
        "days.csv:5: date: 2027-01-01 is given twice (first at days.csv:2: date)",
    ]


def test_a_csv_row_with_the_wrong_number_of_cells_is_named() -> None:
    assert _problems("2027-01-01,holiday\n2027-01-02\n", "days.csv") == [
        "days.csv:2: expected two cells date,kind, got 1"
    ]


def test_json_and_yaml_rows_are_named_by_their_place() -> None:
    bad_json = '[{"date": "2027-01-01", "kind": "holiday"}, {"date": "2027-1-2", "kind": "holiday"}]'
    assert _problems(bad_json, "days.json") == [
        "days.json: [1].date: expected a date written YYYY-MM-DD, got '2027-1-2'"
    ]
    bad_yaml = "- {date: 2027-01-01, kind: holiday}\n- {date: 2027-01-02, kind: off}\n"
    assert _problems(bad_yaml, "days.yaml") == ['days.yaml:2: [1].kind: expected "holiday" or "workday", got \'off\'']
    assert _problems('{"2027-01-01": "holiday", "2027-01-01": "workday"}', "days.json") == [
        "days.json: 2027-01-01: this key is given twice"
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("days.txt", "2027-01-01,holiday", "days.txt: expected a .csv, .json or .yaml file, got 'txt'"),
        ("days.csv", "date,kind\n", "days.csv: no days in the file (expected rows of date,kind)"),
        ("days.json", '{"2027-01-01": "holiday",', "days.json:1:26: Expecting property name enclosed in double quotes"),
        ("days.json", '"2027-01-01"', "days.json: expected a list of"),
        ("days.yaml", "- [2027-01-01, holiday]\n", 'days.yaml:1: [0]: expected {"date": …, "kind": …}'),
        ("days.yaml", "- {date: 2027-01-01\n", "days.yaml:2:1:"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused_with_its_place(name: str, text: str, message: str) -> None:
    assert _problems(text, name)[0].startswith(message)


@given(st.dictionaries(st.dates(date(2027, 1, 1), date(2030, 12, 31)), st.booleans(), min_size=1))
def test_what_is_written_is_what_is_read_in_every_format(days: dict[date, bool]) -> None:
    rows = [(day.isoformat(), "workday" if working else "holiday") for day, working in days.items()]
    csv_text = "date,kind\n" + "".join(f"{day},{kind}\n" for day, kind in rows)
    yaml_text = "".join(f"- {{date: {day}, kind: {kind}}}\n" for day, kind in rows)
    json_text = "{" + ", ".join(f'"{day}": "{kind}"' for day, kind in rows) + "}"
    for text, name in ((csv_text, "d.csv"), (yaml_text, "d.yaml"), (json_text, "d.json")):
        assert read_workday_file(text, name) == days
