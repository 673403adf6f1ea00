"""Whose customers, groups and staff a caller may see."""

from __future__ import annotations

from siyu.web.deps import Caller

NOBODY = 0  # no staff row has id 0: a staff user without a staff link sees nothing


def limited_to(who: Caller) -> int | None:
    """The staff id a caller's view is limited to; None for operators and admins. A staff user
    whose staff link is gone (the staff member was removed) is limited to nobody, never to
    everybody."""
    if not who.user.is_staff:
        return None
    return who.staff_id if who.staff_id is not None else NOBODY
