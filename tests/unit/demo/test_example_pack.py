"""examples/sops: valid, complete (every kind, every scenario), with its materials beside it."""

from __future__ import annotations

from pathlib import Path

from siyu.core.model import SopKind
from siyu.sops import repo as sops

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "sops"
SCENARIO_NUMBERS = [f"{n:02d}" for n in range(1, 16)]


def test_every_file_validates_without_problems_or_warnings() -> None:
    checked = sops.check([EXAMPLES])
    assert [str(p) for p in checked.problems] == []
    assert [str(w) for w in checked.warnings] == []
    assert len(checked.files) == 16


def test_every_kind_of_sop_is_shown() -> None:
    kinds = {found.sop.kind for found in sops.check([EXAMPLES]).sops}
    assert kinds == set(SopKind)


def test_every_scenario_has_its_file_and_a_readme_row() -> None:
    names = sorted(path.name for path in EXAMPLES.glob("*.yaml"))
    assert [name[:2] for name in names[:15]] == SCENARIO_NUMBERS
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"`{name}`" in readme, name


def test_campaigns_are_anchored_after_the_demo_reference_now() -> None:
    found = sops.check([EXAMPLES]).sops
    campaigns = [f.sop for f in found if f.sop.kind is SopKind.campaign]
    assert len(campaigns) == 2
    for sop in campaigns:
        assert sop.anchor is not None
        assert "2026-11-22" < sop.anchor.isoformat()[:10] < "2027-01-01"
