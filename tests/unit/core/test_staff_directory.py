"""The staff directory value: accounts by id and external id, role holders in external-id order."""

from __future__ import annotations

from siyu.core.staff import StaffAccount, StaffDirectory

ACCOUNTS = [StaffAccount(3, "zoe", "Zoe"), StaffAccount(1, "mia", "Mia"), StaffAccount(2, "ann", "Ann")]


def test_accounts_are_found_by_id_and_by_external_id() -> None:
    directory = StaffDirectory.of(ACCOUNTS, [])
    assert directory.external_ids == {3: "zoe", 1: "mia", 2: "ann"}
    assert directory.names == {3: "Zoe", 1: "Mia", 2: "Ann"}
    assert directory.by_external_id == {"zoe": 3, "mia": 1, "ann": 2}
    assert directory.holders == {}


def test_role_holders_are_listed_in_external_id_order_whatever_order_they_come_in() -> None:
    directory = StaffDirectory.of(ACCOUNTS, [("coach", 3), ("coach", 1), ("lead", 1), ("coach", 2)])
    assert directory.holders == {"coach": [2, 1, 3], "lead": [1]}


def test_an_empty_directory_knows_nobody() -> None:
    directory = StaffDirectory()
    assert directory.by_external_id.get("zoe") is None
    assert directory.holders.get("coach", []) == []
