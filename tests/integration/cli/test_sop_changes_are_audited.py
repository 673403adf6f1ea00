"""`siyu sop apply|enable|disable` is audited as the console and the API are (`sop.apply` per new
version, `sop.enable` / `sop.disable` with the version) under cli@<login>; nothing unchanged is."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.cli.support import audit_rows
from tests.integration.sops.scenarios import simple, write
from tests.support.cli import Siyu

NOW = "2026-11-22T10:00:00+08:00"


def test_cli_sop_changes_are_audited_under_the_login(engine: Engine, siyu: Siyu, tmp_path: Path, login: str) -> None:
    file = write(tmp_path / "hello.yaml", simple(text="你好"))
    assert siyu("sop", "apply", str(file), "--now", NOW).exit_code == 0
    assert siyu("sop", "apply", str(file), "--now", NOW).exit_code == 0  # unchanged: not audited
    write(file, simple(text="您好"))
    assert siyu("sop", "apply", str(file), "--now", NOW).exit_code == 0
    assert siyu("sop", "disable", "hello", "--now", NOW).exit_code == 0
    assert siyu("sop", "disable", "hello", "--now", NOW).exit_code == 0  # already off: not audited
    assert siyu("sop", "enable", "hello", "--now", NOW).exit_code == 0

    actor = f"cli@{login}"
    assert audit_rows(engine) == [
        (None, actor, "sop.apply", "sop", "hello", {"version": 1, "outcome": "created"}),
        (None, actor, "sop.apply", "sop", "hello", {"version": 2, "outcome": "updated"}),
        (None, actor, "sop.disable", "sop", "hello", {"version": 2}),
        (None, actor, "sop.enable", "sop", "hello", {"version": 2}),
    ]
