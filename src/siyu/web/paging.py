"""Paged lists: `limit` and `offset` in, `{"items": […], "next_offset": n | null}` out.

A page asks the store for one row more than it shows, so it knows whether another page exists
without counting the whole table (a count over a million rows costs more than the page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

MAX_PAGE = 500
T = TypeVar("T")


class Paging(BaseModel):
    limit: int
    offset: int

    @property
    def fetch(self) -> int:
        """How many rows to ask for: one more than the page shows."""
        return self.limit + 1


async def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


PagingQuery = Annotated[Paging, Depends(paging)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_offset: int | None


def page(rows: Sequence[Any], at: Paging) -> dict[str, Any]:
    """The page of `rows` (fetched with `at.fetch`) and where the next one starts."""
    more = len(rows) > at.limit
    return {"items": list(rows[: at.limit]), "next_offset": at.offset + at.limit if more else None}
