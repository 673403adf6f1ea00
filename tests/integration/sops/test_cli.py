"""`siyu sop …` end to end through the CLI, on both databases via --db."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from siyu.cli.app import app
from tests.integration.sops.scenarios import scenario_dir, simple, snapshot, write
from tests.support.cli import Siyu

NOW = "2026-11-22T10:00:00+08:00"


def test_validate_the_scenario_pack() -> None:
    result = CliRunner().invoke(app, ["sop", "validate", str(scenario_dir())])
    assert result.exit_code == 0, result.output
    files = len(list(scenario_dir().glob("*.yaml")))
    assert result.stdout.startswith("ok: ")
    assert result.stdout.endswith(f" in {files} file(s)\n")


def test_validate_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    good = write(tmp_path / "good.yaml", simple("good"))
    bad = write(
        tmp_path / "bad.yml",
        simple("bad").replace('"10:00"', "9:00").replace("executor: owner", "executor: group_owner") + "holdout: 5\n",
    )
    result = CliRunner().invoke(app, ["sop", "validate", str(good), str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{bad}:7: steps[0].at.time: expected a time \"HH:MM\" from 00:00 to 23:59, got '9:00'",
        f"{bad}:9: steps[0].executor: group_owner needs a step about a group; "
        "in this customer SOP step use: owner, role:<name>, staff:<id>",
        f"{bad}:12: holdout: expected a percentage like 10%, got 5",
        "3 problem(s) in 2 file(s).",
    ]


def test_validate_malformed_yaml(tmp_path: Path) -> None:
    bad = write(tmp_path / "broken.yaml", "id: a\nname: [x\n")
    result = CliRunner().invoke(app, ["sop", "validate", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{bad}:3:1: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence at line 2, column 7)"
    )


def test_apply_list_show(siyu: Siyu, tmp_path: Path) -> None:
    file = write(tmp_path / "hello.yaml", simple(text="你好"))
    first = siyu("sop", "apply", str(file), "--now", NOW)
    assert first.exit_code == 0, first.output
    assert first.stdout == "created   hello (version 1)\n"

    again = siyu("sop", "apply", str(file), "--now", NOW)
    assert again.stdout == "unchanged hello (version 1)\n"

    write(file, simple(text="您好"))
    second = siyu("sop", "apply", str(file), "--now", "2026-11-23T09:30:00+08:00")
    assert second.stdout == "updated   hello (version 2)\n"

    listed = siyu("sop", "list", "--format", "json")
    assert listed.exit_code == 0
    assert json.loads(listed.stdout) == [
        {
            "id": "hello",
            "name": "问候",
            "kind": "customer",
            "enabled": True,
            "priority": 0,
            "latest_version": 2,
            "updated_at": "2026-11-23T09:30:00+08:00",
            "planning_failure": None,
        }
    ]
    table = siyu("sop", "list").stdout.splitlines()
    assert table[0].split() == ["id", "name", "kind", "enabled", "priority", "version", "updated", "planning"]
    assert table[1].split() == ["hello", "问候", "customer", "yes", "0", "2", "2026-11-23", "09:30", "-"]

    assert siyu("sop", "show", "hello").stdout == simple(text="您好")
    assert siyu("sop", "show", "hello", "--version", "1").stdout == simple(text="你好")
    shown = json.loads(siyu("sop", "show", "hello", "--version", "1", "--format", "json").stdout)
    assert shown["version"] == 1
    assert shown["latest_version"] == 2
    assert shown["created_at"] == "2026-11-22T10:00:00+08:00"
    assert shown["source_file"] == str(file.resolve())
    assert shown["definition"]["steps"][0]["content"] == [{"text": "你好"}]


def test_show_errors_exit_1(siyu: Siyu, tmp_path: Path) -> None:
    siyu("sop", "apply", str(write(tmp_path / "hello.yaml", simple())))
    missing = siyu("sop", "show", "nope")
    assert missing.exit_code == 1
    assert missing.stderr == "error: no SOP named nope\n"
    no_version = siyu("sop", "show", "hello", "--version", "4")
    assert no_version.exit_code == 1
    assert no_version.stderr == "error: SOP hello has no version 4 (versions 1 to 1)\n"


def test_apply_with_a_bad_file_writes_nothing(siyu: Siyu, engine: Engine, tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", simple("a"))
    write(tmp_path / "b.yaml", simple("b").replace("kind: customer", "kind: crowd"))
    result = siyu("sop", "apply", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'b.yaml'}:3: kind: expected one of customer, group, moments, campaign, got 'crowd'",
        "1 problem(s); nothing was written.",
    ]
    assert snapshot(engine) == ([], [])
    assert siyu("sop", "list").stdout == "no SOPs yet (siyu sop apply PATH stores some)\n"


def test_apply_the_scenario_pack_prints_warnings(siyu: Siyu) -> None:
    result = siyu("sop", "apply", str(scenario_dir()), "--now", NOW)
    assert result.exit_code == 0, result.output
    assert all(line.startswith("created ") for line in result.stdout.splitlines())
    assert all(line.startswith("warning: ") for line in result.stderr.splitlines())
    assert "material assets/group-qr.png is missing" in result.stderr


def test_times_are_shown_in_the_brand_time_zone(siyu: Siyu, tmp_path: Path) -> None:
    siyu("sop", "apply", str(write(tmp_path / "hello.yaml", simple())), "--now", NOW)
    assert siyu("settings", "set", "timezone", "Europe/London").exit_code == 0
    assert json.loads(siyu("sop", "list", "--format", "json").stdout)[0]["updated_at"] == "2026-11-22T02:00:00+00:00"
    assert json.loads(siyu("sop", "show", "hello", "--format", "json").stdout)["created_at"] == (
        "2026-11-22T02:00:00+00:00"
    )
