"""Errors that carry where they happened: a file, a row or a path inside a document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PathPart = str | int


def format_path(parts: Sequence[PathPart]) -> str:
    """`("steps", 2, "at", "time")` → `steps[2].at.time`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(top)"


@dataclass(frozen=True)
class Problem:
    """One located fault. `where` is already formatted (`file:12:owner` or `steps[2].at`)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class SiyuError(Exception):
    """Base of every error siyu raises on purpose; the CLI prints these without a traceback."""


class ValidationError(SiyuError):
    """One or more located problems; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFoundError(SiyuError):
    pass


class AuthError(SiyuError):
    """Not signed in, or the credentials are wrong (the message never says which part)."""


class ForbiddenError(SiyuError):
    """Signed in, but this user's role or staff link does not allow it."""


class ThrottledError(SiyuError):
    """Too many failed sign-ins; try again after `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)
