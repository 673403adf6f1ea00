"""Who makes a change: a signed-in user of the console or the API, or a person running `siyu` at
the command line, who has no account and is known by their login on the server."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from siyu.accounts.users import User

CLI_PREFIX = "cli@"


@dataclass(frozen=True)
class CliActor:
    """Someone running `siyu …`: audited as cli@<login>, with no account behind it."""

    login: str
    id: None = None

    @property
    def username(self) -> str:
        return f"{CLI_PREFIX}{self.login}"

    @classmethod
    def current(cls) -> CliActor:
        """The person running this process, by the login the OS knows (LOGNAME, USER, …)."""
        try:
            login = getpass.getuser()
        except (OSError, KeyError):  # no login name and no passwd entry (some containers)
            login = "unknown"
        return cls(login)


Actor = User | CliActor
