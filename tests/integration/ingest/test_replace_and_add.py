"""Entity files upsert: a present list column replaces, an absent column is untouched, a blank
attribute is removed. Tags and members files only add."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.ingest.service import import_file
from tests.integration.ingest import state
from tests.integration.ingest.files import write_file, write_rows
from tests.integration.ingest.seed import seed


def test_customer_columns_replace_or_stay(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    first: list[dict[str, object]] = [
        {
            "id": "c1",
            "birthday": "1990-06-01",
            "tags": ["会员", "高价值"],
            "level": "3",
            "city": "上海",
            "gender": "female",
        }
    ]
    import_file(engine, "customers", write_file(tmp_path, "first", "jsonl", first))
    # No name, owner, birthday or tags key: those stay. A blank level removes it; city is absent.
    second: list[dict[str, object]] = [{"id": "c1", "level": "", "gender": "male"}, {"id": "c2", "tags": ["新客"]}]
    report = import_file(engine, "customers", write_file(tmp_path, "second", "jsonl", second))
    assert (report.inserted, report.updated, report.unchanged_or_duplicate) == (0, 2, 0)
    stored = state.customers(engine)
    c1 = stored["c1"]
    assert (c1["name"], c1["owner"], c1["birthday"], c1["tags"]) == ("张三", "s2", "1990-06-01", ["会员", "高价值"])
    assert {k: v[1] for k, v in c1["attributes"].items()} == {"city": "上海", "gender": "male"}
    assert stored["c2"]["tags"] == ["新客"]


def test_csv_tags_column_replaces_and_blank_cells_clear(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    path = tmp_path / "c.csv"
    path.write_text("id,owner,tags,level\nc1,,复购,\n", encoding="utf-8")
    report = import_file(engine, "customers", path)
    assert report.updated == 1
    c1 = state.customers(engine)["c1"]
    assert (c1["owner"], c1["tags"], c1["attributes"]) == (None, ["复购"], {})


def test_an_unchanged_row_is_not_counted_as_updated(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    report = import_file(
        engine, "customers", write_rows(tmp_path / "c.csv", [{"id": "c1", "name": "张三", "tags": ["会员"]}])
    )
    assert (report.updated, report.unchanged_or_duplicate) == (0, 1)


def test_tags_file_adds_without_removing(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    import_file(engine, "tags", write_rows(tmp_path / "t.csv", [{"customer": "c1", "tag": "复购"}]))
    assert state.customers(engine)["c1"]["tags"] == ["会员", "复购"]


def test_staff_roles_replace_and_absent_manager_stays(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    report = import_file(
        engine, "staff", write_rows(tmp_path / "s.jsonl", [{"id": "s2", "name": "Bob", "roles": ["店长"]}])
    )
    assert report.updated == 1
    assert state.staff(engine)["s2"] == ("Bob", "s1", ["店长"], [])


def test_group_roles_replace(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    import_file(engine, "groups", write_rows(tmp_path / "a.csv", [{"id": "g1", "roles": "s1:群主;s2:助理"}]))
    import_file(engine, "groups", write_rows(tmp_path / "b.csv", [{"id": "g1", "roles": "s2:群主"}]))
    g1 = state.groups(engine)["g1"]
    assert (g1["name"], g1["roles"]) == ("会员群", [("s2", "群主")])
