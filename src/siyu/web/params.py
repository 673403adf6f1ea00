"""Parameter types shared by the API. Ids must fit their column on both databases (PostgreSQL's
INTEGER is 32-bit), so a larger one is a located 422, not a driver error."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_INT = 2**31 - 1
MAX_BIGINT = 2**63 - 1

# ids of INTEGER columns: users, api tokens, staff, customers, groups, import jobs
RowId = Annotated[int, Path(ge=1, le=MAX_INT, description="A database id")]
# ids of BIGINT columns: tasks, events, audit entries
BigRowId = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="A database id")]
