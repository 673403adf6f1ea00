"""A recording adapter for tests: it keeps every item it was handed, and answers from a script
of outcomes (a Receipt, a DeliveryError to raise, or a callable deciding per item)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from siyu.channels.base import DeliveryError, DeliveryState, Outgoing, Progress, Receipt

Answer = Receipt | DeliveryError | Callable[[Outgoing], Receipt]


@dataclass
class RecordingAdapter:
    name: str = "recording"
    answers: list[Answer] = field(default_factory=list)  # used in order; then `default`
    default: Answer = field(default_factory=lambda: Receipt(ref=None, delivered=True))
    progress: Progress = field(default_factory=lambda: Progress(DeliveryState.delivered))
    found: dict[str, Receipt] = field(default_factory=dict)  # key → what find() reports (else: was it sent?)
    sent: list[Outgoing] = field(default_factory=list)
    finds: list[Outgoing] = field(default_factory=list)
    polls: list[tuple[Outgoing, Receipt]] = field(default_factory=list)
    closed: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, item: Outgoing) -> Receipt:
        with self._lock:
            answer = self.answers.pop(0) if self.answers else self.default
            if isinstance(answer, DeliveryError):
                if answer.in_doubt:  # the provider got it although the caller will not know
                    self.sent.append(item)
                raise answer
            self.sent.append(item)
        return answer(item) if callable(answer) else answer

    def find(self, item: Outgoing, *, since_s: int) -> Receipt | None:
        with self._lock:
            self.finds.append(item)
            if item.key in self.found:
                return self.found[item.key]
            if any(sent.key == item.key for sent in self.sent):
                return Receipt(ref=f"found:{item.key}")
            return None

    def poll(self, item: Outgoing, receipt: Receipt) -> Progress:
        with self._lock:
            self.polls.append((item, receipt))
        return self.progress

    def close(self) -> None:
        self.closed = True
