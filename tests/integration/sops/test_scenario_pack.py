"""Every file of the scenario pack validates and applies, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from siyu.core.model import SopKind
from siyu.core.sopparse.sop import parse_sop
from siyu.sops import repo as sop_service
from tests.integration.sops.scenarios import NOW_US, scenario_dir, scenario_files


def test_every_scenario_file_validates() -> None:
    for file in scenario_files():
        found, problems, _ = sop_service.read_file(file)
        assert problems == [], f"{file.name}: {[str(p) for p in problems]}"
        assert found, f"{file.name} holds no SOP"


def test_the_whole_pack_applies_and_reads_back(engine: Engine) -> None:
    files = scenario_files()
    with engine.begin() as conn:
        report = sop_service.apply(conn, [scenario_dir()], now_us=NOW_US)
    applied_ids = [item.sop_id for item in report.applied]
    assert len(applied_ids) == len(set(applied_ids))
    assert {item.outcome.value for item in report.applied} == {"created"}
    assert {item.file.name for item in report.applied} == {file.name for file in files}

    with engine.begin() as conn:
        stored = sop_service.all_latest(conn)
    assert sorted(s.id for s in stored) == sorted(applied_ids)
    for item in stored:
        assert item.version == 1
        assert item.sop == parse_sop(item.definition)
        assert item.sop.id == item.id
    kinds = {item.sop.kind for item in stored}
    assert kinds == {SopKind.customer, SopKind.group, SopKind.moments, SopKind.campaign}


def test_scenario_semantics_survive_the_store(engine: Engine) -> None:
    with engine.begin() as conn:
        sop_service.apply(conn, [scenario_dir()], now_us=NOW_US)
        onboarding = sop_service.latest(conn, "new-friend-onboarding").sop
        weekly = sop_service.latest(conn, "member-group-weekly").sop
        campaign = sop_service.latest(conn, "trial-class-campaign").sop
    assert [s.id for s in onboarding.standards] == ["first-contact-24h", "three-a-week"]
    assert weekly.steps[0].at.event == "member_joined"  # type: ignore[union-attr]
    assert [p.name for p in campaign.phases] == ["预热期", "启动期", "收尾期"]
    assert campaign.steps[0].at.day == -3  # type: ignore[union-attr]


def test_reapplying_the_pack_changes_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        sop_service.apply(conn, [scenario_dir()], now_us=NOW_US)
    with engine.begin() as conn:
        report = sop_service.apply(conn, [scenario_dir()], now_us=NOW_US + 1)
    assert {item.outcome.value for item in report.applied} == {"unchanged"}
    assert {item.version for item in report.applied} == {1}
