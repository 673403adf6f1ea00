"""The fake WeCom as a process: it prints its base URL first, keeps its records in the state
file after every call (so another process reads them, even after a SIGKILL), and stops on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from siyu.channels.wecom.fake_server import load_records

MODULE = "siyu.channels.wecom.fake_server"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "fake.json"
    path.write_text(json.dumps({"friends": {"zhang": ["wm1"]}}), encoding="utf-8")
    return path


@pytest.fixture
def process(tmp_path: Path, config: Path) -> Iterator[subprocess.Popen[str]]:
    command = [sys.executable, "-m", MODULE, "--port", "0", "--state-file", str(tmp_path / "records.json")]
    child = subprocess.Popen([*command, "--config", str(config)], stdout=subprocess.PIPE, text=True)
    yield child
    if child.poll() is None:
        child.kill()
        child.wait(10)
    assert child.stdout is not None
    child.stdout.close()


def test_the_process_prints_its_url_and_keeps_its_records_in_the_state_file(
    process: subprocess.Popen[str], tmp_path: Path
) -> None:
    assert process.stdout is not None
    base_url = process.stdout.readline().strip()
    assert base_url.startswith("http://127.0.0.1:")
    state_file = tmp_path / "records.json"
    assert load_records(state_file)["mass_sends"] == []

    with httpx2.Client(base_url=base_url, timeout=5) as http:
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
        token = http.get("/cgi-bin/gettoken", params=query).json()["access_token"]
        body = {"sender": "zhang", "external_userid": ["wm1", "wm2"], "text": {"content": "到店礼"}}
        made = http.post("/cgi-bin/externalcontact/add_msg_template", params={"access_token": token}, json=body).json()
    assert made["fail_list"] == ["wm2"]  # the friends of --config

    records = load_records(state_file)
    assert [(m["msgid"], m["recipients"], m["content"]) for m in records["mass_sends"]] == [
        (made["msgid"], ["wm1"], "到店礼")
    ]
    assert records["calls"] == {"/cgi-bin/gettoken": 1, "/cgi-bin/externalcontact/add_msg_template": 1}
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert load_records(state_file) == records
    assert list(tmp_path.glob("*.tmp")) == []


def test_the_process_stops_on_sigterm(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    assert process.stdout.readline().startswith("http://")
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 0


def test_a_bad_config_stops_the_process_with_the_reason(tmp_path: Path) -> None:
    config = tmp_path / "bad.json"
    config.write_text(json.dumps({"friend": {}}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", MODULE, "--config", str(config)], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 2
    assert "unknown keys ['friend']" in done.stderr and done.stdout == ""


def test_load_records_refuses_a_file_that_is_not_the_fakes(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="not the fake WeCom's records"):
        load_records(other)
    other.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="bad JSON"):
        load_records(other)
