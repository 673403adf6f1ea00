"""The adapters a dispatcher uses, built from the stored channel settings and rebuilt when an
admin changes them (no restart needed)."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from sqlalchemy.engine import Connection

from siyu.channels import stored as channels
from siyu.channels.base import Adapter
from siyu.channels.registry import KINDS


class StoredAdapters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: dict[str, tuple[int | None, Adapter]] = {}

    def current(self, conn: Connection) -> Mapping[str, Adapter]:
        configs = channels.load_all(conn)
        with self._lock:
            for name, kind in KINDS.items():
                config = configs[name]
                known = self._built.get(name)
                if known is not None and known[0] == config.updated_at:
                    continue
                if known is not None:
                    known[1].close()
                self._built[name] = (config.updated_at, kind.build(config.model()))
            return {name: adapter for name, (_stamp, adapter) in self._built.items()}

    def close(self) -> None:
        with self._lock:
            for _stamp, adapter in self._built.values():
                adapter.close()
            self._built.clear()


class FixedAdapters:
    """Adapters given by the caller (tests, the demo's fake WeCom)."""

    def __init__(self, adapters: Mapping[str, Adapter]) -> None:
        self._adapters = dict(adapters)

    def current(self, conn: Connection) -> Mapping[str, Adapter]:
        return self._adapters

    def close(self) -> None:
        for adapter in self._adapters.values():
            adapter.close()
