"""What the audit log keeps of a change to an account: the fields given, a password only as
"changed", an emptied staff link as null."""

from __future__ import annotations

from siyu.accounts.admin import UserChange
from siyu.accounts.users import Role


def test_only_the_fields_given_are_audited() -> None:
    assert UserChange().audited() == {}
    assert UserChange(disabled=False).audited() == {"disabled": False}
    change = UserChange(role=Role.staff, staff="st3", display_name="王店长", locale="en")
    assert change.audited() == {"role": "staff", "staff": "st3", "display_name": "王店长", "locale": "en"}


def test_a_password_is_audited_only_as_changed() -> None:
    assert UserChange(password="a-long-password-1").audited() == {"password": "changed"}


def test_an_unlinked_staff_id_is_audited_as_null() -> None:
    assert UserChange(staff="").audited() == {"staff": None}
