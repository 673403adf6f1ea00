"""An SOP's service standards: tasks done within a time, a first contact within a time after an
event, contacts per week."""

from __future__ import annotations

from collections.abc import Mapping

from siyu.core.bounds import BOUND_OPS, Bound
from siyu.core.model import (
    ContactsPerWeek,
    FirstContactWithin,
    SopKind,
    Standard,
    TaskDoneWithin,
)
from siyu.core.sopparse.reader import MAX_DAYS, Path, Reader, describe, is_number, unknown_key

STANDARD_KINDS: dict[str, tuple[str, ...]] = {
    "task_done_within": ("id", "task_done_within"),
    "first_contact_within": ("id", "first_contact_within", "after_event"),
    "contacts_per_week": ("id", "contacts_per_week", "during_days"),
}


class StandardReader(Reader):
    """The `standards` list."""

    def standards(self, value: object, path: Path, kind: SopKind | None) -> tuple[Standard, ...]:
        if not isinstance(value, list):
            self.fail(
                path,
                f"expected a list of standards such as {{id: done-24h, task_done_within: 24h}}, got {describe(value)}",
            )
            return ()
        ids: dict[str, int] = {}
        standards: list[Standard] = []
        for index, item in enumerate(value):
            standard = self.standard(item, (*path, index), kind, ids)
            if standard is not None:
                standards.append(standard)
        return tuple(standards)

    def standard(self, value: object, path: Path, kind: SopKind | None, ids: dict[str, int]) -> Standard | None:
        raw = self.mapping(value, path, "{id: done-24h, task_done_within: 24h}")
        if raw is None:
            return None
        standard_id = self.slug(raw["id"], (*path, "id")) if self.require(raw, "id", path) else ""
        self.unique(standard_id, ids, (*path, "id"), "standards", int(path[-1]))
        forms = [form for form in STANDARD_KINDS if form in raw]
        if len(forms) != 1:
            found = f" (found {', '.join(forms)})" if forms else ""
            self.fail(path, f"expected exactly one of {', '.join(STANDARD_KINDS)}{found}")
            return None
        form = forms[0]
        self.keys(raw, STANDARD_KINDS[form], path)
        if form != "task_done_within" and kind not in (None, SopKind.customer, SopKind.campaign):
            self.fail((*path, form), f"{form} measures contacts with customers; a {kind} SOP has none")
            return None
        if form == "task_done_within":
            return TaskDoneWithin(standard_id, self.duration(raw[form], (*path, form), positive=True))
        if form == "first_contact_within":
            within = self.duration(raw[form], (*path, form), positive=True)
            event = (
                self.event_type(raw["after_event"], (*path, "after_event"))
                if self.require(raw, "after_event", path)
                else ""
            )
            return FirstContactWithin(standard_id, within, event)
        bound = self.bound(raw[form], (*path, form))
        days = None
        if "during_days" in raw:
            days = self.whole(
                raw["during_days"], (*path, "during_days"), low=1, high=MAX_DAYS, what="a positive whole number of days"
            )
        return ContactsPerWeek(standard_id, bound, days) if bound is not None else None

    def bound(self, value: object, path: Path) -> Bound | None:
        if not isinstance(value, Mapping) or not value:
            self.fail(path, f"expected a bound such as {{gte: 3}} ({', '.join(BOUND_OPS)}), got {describe(value)}")
            return None
        comparisons: list[tuple[str, float]] = []
        for op, limit in value.items():
            where = (*path, op)
            if op not in BOUND_OPS:
                self.fail(where, unknown_key(str(op), BOUND_OPS))
            elif op == "between":
                if not (isinstance(limit, list) and len(limit) == 2 and all(is_number(v) for v in limit)):
                    self.fail(where, f"expected [low, high] numbers, got {describe(limit)}")
                elif limit[0] > limit[1]:
                    self.fail(where, f"low {limit[0]} is above high {limit[1]}")
                else:
                    comparisons += [("gte", float(limit[0])), ("lte", float(limit[1]))]
            elif not is_number(limit):
                self.fail(where, f"expected a number, got {describe(limit)}")
            else:
                comparisons.append((op, float(limit)))
        return Bound(tuple(comparisons)) if comparisons else None
