"""`siyu settings workdays import FILE`: the official schedule of the years in the file replaces
those years' overrides (other years keep theirs) in one audited change; a bad file is refused
with every fault located and nothing written. `siyu settings show` says which years are estimated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from siyu.brand import settings as settings_service
from tests.integration.cli.support import audit_rows
from tests.support.cli import Siyu


def _overrides(engine: Engine) -> dict[str, str]:
    with engine.begin() as conn:
        return dict(settings_service.stored_values(conn).get("workdays", {}))


@pytest.mark.usefixtures("login")
def test_an_import_replaces_that_years_overrides_only(engine: Engine, siyu: Siyu, tmp_path: Path) -> None:
    earlier = {"2026-10-08": "holiday", "2027-03-01": "holiday"}
    assert siyu("settings", "set", "workdays", json.dumps(earlier)).exit_code == 0
    schedule = tmp_path / "2027.csv"
    schedule.write_text("date,kind\n2027-01-01,holiday\n2027-02-20,workday\n", encoding="utf-8")

    result = siyu("settings", "workdays", "import", str(schedule))

    assert result.exit_code == 0, result.stderr
    assert "2027: 2 days imported, 1 earlier overrides replaced" in result.stdout
    assert _overrides(engine) == {"2026-10-08": "holiday", "2027-01-01": "holiday", "2027-02-20": "workday"}
    assert audit_rows(engine)[-1][2:5] == ("settings.set", "settings", "workdays")


@pytest.mark.usefixtures("login")
def test_a_bad_file_is_refused_with_every_fault_located_and_nothing_written(
    engine: Engine, siyu: Siyu, tmp_path: Path
) -> None:
    assert siyu("settings", "set", "workdays", '{"2027-03-01": "holiday"}').exit_code == 0
    schedule = tmp_path / "2027.csv"
    schedule.write_text("date,kind\n2027-01-01,holiday\n2027-02-30,holiday\n2027-02-20,make-up\n", encoding="utf-8")

    result = siyu("settings", "workdays", "import", str(schedule))

    assert result.exit_code == 1
    assert f"{schedule}:3: date: expected a date written YYYY-MM-DD, got '2027-02-30'" in result.stderr
    assert f'{schedule}:4: kind: expected "holiday" or "workday", got \'make-up\'' in result.stderr
    assert "2 problem(s); nothing was written." in result.stderr
    assert _overrides(engine) == {"2027-03-01": "holiday"}


@pytest.mark.usefixtures("login")
def test_a_missing_file_or_an_unknown_format_is_named(siyu: Siyu, tmp_path: Path) -> None:
    missing = siyu("settings", "workdays", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and f"{tmp_path / 'nope.csv'}: cannot read the file" in missing.stderr
    text = tmp_path / "days.txt"
    text.write_text("2027-01-01,holiday\n", encoding="utf-8")
    wrong = siyu("settings", "workdays", "import", str(text))
    assert wrong.exit_code == 1 and "expected a .csv, .json or .yaml file, got 'txt'" in wrong.stderr


@pytest.mark.usefixtures("login")
def test_show_marks_the_estimated_year_until_its_schedule_is_given(siyu: Siyu, tmp_path: Path) -> None:
    shown = json.loads(siyu("settings", "show", "--now", "2026-11-15T09:00:00+08:00").stdout)
    assert shown["workday_calendar"] == {"years": {"2026": "official", "2027": "estimated"}, "estimated": [2027]}
    early = json.loads(siyu("settings", "show", "--now", "2026-10-15T09:00:00+08:00").stdout)
    assert early["workday_calendar"]["estimated"] == []

    schedule = tmp_path / "2027.yaml"
    schedule.write_text("- {date: 2027-01-01, kind: holiday}\n", encoding="utf-8")
    assert siyu("settings", "workdays", "import", str(schedule)).exit_code == 0
    after = json.loads(siyu("settings", "show", "--now", "2026-11-15T09:00:00+08:00").stdout)
    assert after["workday_calendar"] == {"years": {"2026": "official", "2027": "brand"}, "estimated": []}
