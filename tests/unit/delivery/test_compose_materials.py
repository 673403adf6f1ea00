"""A send's image, file or video material is found beside the SOP file it came from (local_path),
never outside that folder's tree; one that cannot be found says why (unresolved)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from siyu.delivery.compose import resolve_materials


@pytest.fixture
def sop_file(tmp_path: Path) -> Path:
    folder = tmp_path / "sops"
    (folder / "assets").mkdir(parents=True)
    (folder / "assets" / "qr.png").write_bytes(b"png!")
    (folder / "guide.pdf").write_bytes(b"%PDF")
    (tmp_path / "secret.png").write_bytes(b"not for customers")
    sop = folder / "greet.yaml"
    sop.write_text("id: greet\n", encoding="utf-8")
    return sop


def one(material: dict[str, Any], source_file: Path | str | None) -> dict[str, Any]:
    (resolved,) = resolve_materials([material], None if source_file is None else str(source_file))
    return resolved


def test_files_beside_the_sop_get_their_absolute_path(sop_file: Path) -> None:
    folder = sop_file.parent.resolve()
    materials = [
        {"text": "hi"},
        {"image": "assets/qr.png"},
        {"file": "guide.pdf"},
        {"link": {"title": "t", "url": "u"}},
    ]
    assert resolve_materials(materials, str(sop_file)) == (
        {"text": "hi"},
        {"image": "assets/qr.png", "local_path": str(folder / "assets" / "qr.png")},
        {"file": "guide.pdf", "local_path": str(folder / "guide.pdf")},
        {"link": {"title": "t", "url": "u"}},
    )
    assert materials[1] == {"image": "assets/qr.png"}  # the task's content is not changed


@pytest.mark.parametrize("name", ["../secret.png", "assets/../../secret.png", "assets/../qr.png", "..\\secret.png"])
def test_dot_dot_is_refused(sop_file: Path, name: str) -> None:
    assert one({"image": name}, sop_file) == {"image": name, "unresolved": f"{name} is outside the SOP's folder"}


def test_an_absolute_path_is_refused(sop_file: Path, tmp_path: Path) -> None:
    secret = str(tmp_path / "secret.png")
    for name in (secret, "C:\\assets\\qr.png", "/etc/passwd"):
        assert one({"image": name}, sop_file)["unresolved"] == f"{name} is outside the SOP's folder"


def test_a_symbolic_link_out_of_the_folder_is_refused(sop_file: Path, tmp_path: Path) -> None:
    (sop_file.parent / "assets" / "escape.png").symlink_to(tmp_path / "secret.png")
    resolved = one({"image": "assets/escape.png"}, sop_file)
    assert "local_path" not in resolved
    assert resolved["unresolved"].startswith("assets/escape.png is outside the SOP's folder")


def test_a_symbolic_link_inside_the_folder_is_followed(sop_file: Path) -> None:
    (sop_file.parent / "poster.png").symlink_to(sop_file.parent / "assets" / "qr.png")
    assert one({"image": "poster.png"}, sop_file)["local_path"] == str(sop_file.parent.resolve() / "assets" / "qr.png")


def test_a_missing_file_is_named_with_where_it_was_looked_for(sop_file: Path) -> None:
    missing = sop_file.parent.resolve() / "assets" / "gone.png"
    assert one({"video": "assets/gone.png"}, sop_file) == {
        "video": "assets/gone.png",
        "unresolved": f"assets/gone.png is missing: no file {missing}",
    }
    assert "no file" in one({"image": "assets"}, sop_file)["unresolved"]  # a folder is not a file


@pytest.mark.parametrize("source", [None, "", "greet.yaml", "<stdin>"])
def test_without_a_source_file_nothing_is_found(source: str | None) -> None:
    resolved = one({"image": "assets/qr.png"}, source)
    assert "local_path" not in resolved
    assert resolved["unresolved"].startswith("assets/qr.png cannot be found: the SOP was not applied from a file")


def test_a_web_address_is_not_a_file(sop_file: Path) -> None:
    resolved = one({"image": "https://cdn.test/qr.png"}, sop_file)
    assert resolved["unresolved"] == "https://cdn.test/qr.png is a web address, not a file beside the SOP"
