"""The commands the README offers to try run as printed on the demo brand (`./dev demo`'s
generate + example SOPs + first tick, smaller here), each ending 0 with the output it promises.
Commands that read the clock get the brand's `--now`, so the test does not depend on the day."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-12-28T10:00:00+08:00"  # the simulate window in the README is after this day and tomorrow
CLOCK_COMMANDS = ("audience count", "audience query", "audience sample", "tasks list", "tasks today", "plan")
# what each command's output must hold: a figure, an id — not merely something
PROMISES: dict[str, re.Pattern[str]] = {
    "audience count": re.compile(r'"count": [1-9]'),
    "audience query": re.compile(r"^[1-9][0-9]* customer\(s\) match", re.MULTILINE),
    "sop show": re.compile(r"birthday"),
    "tasks list": re.compile(r'"executor": "st0003"'),
    "simulate": re.compile(r"^[1-9][0-9]* task\(s\) from", re.MULTILINE),
}


def readme_commands() -> list[str]:
    """The commands of the README's block of things to try (after "try")."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"try[^\n]*\n(?:[^\n]*\n)*?```bash\n(.*?)```", text, re.DOTALL)
    assert match, "README.md has no ```bash block of commands to try"
    return [line for line in match.group(1).splitlines() if line.startswith(".venv/bin/siyu ")]


def test_the_readme_offers_commands_that_name_real_things() -> None:
    commands = readme_commands()
    assert len(commands) >= 5
    for command in commands:
        assert any(f"siyu {name}" in command for name in PROMISES), f"no promise checked for: {command}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    home = tmp_path_factory.mktemp("readme")
    siyu = home / ".venv" / "bin" / "siyu"
    siyu.parent.mkdir(parents=True)
    siyu.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "from siyu.cli import main; main()" "$@"\n')
    siyu.chmod(0o755)
    env = {**os.environ, "SIYU_DATABASE_URL": f"sqlite:///{home / 'siyu.db'}", "COLUMNS": "200"}
    for args in (
        ["demo", "generate", "--customers", "800", "--seed", "7", "--now", NOW, "--reset"],
        ["sop", "apply", str(ROOT / "examples" / "sops")],
        ["plan", "--now", NOW],
    ):
        done = subprocess.run(
            [str(siyu), *args], check=False, cwd=home, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"siyu {' '.join(args)}: {done.stderr[-2000:]}"
    return home, env


@pytest.mark.parametrize("command", readme_commands())
def test_each_readme_command_runs_as_printed(demo: tuple[Path, dict[str, str]], command: str) -> None:
    home, env = demo
    siyu_part, pipe, rest = command.partition(" | ")
    if siyu_part.removeprefix(".venv/bin/siyu ").startswith(CLOCK_COMMANDS):
        siyu_part += f" --now {NOW}"
    script = siyu_part + (f" | {rest}" if pipe else "") + "\nexit ${PIPESTATUS[0]}"
    done = subprocess.run(
        ["bash", "-c", script], check=False, cwd=home, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"
    promise = next(pattern for name, pattern in PROMISES.items() if f"siyu {name}" in command)
    assert promise.search(done.stdout), f"{command}\nprinted:\n{done.stdout[:1500]}"
