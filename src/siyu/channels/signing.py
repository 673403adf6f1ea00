"""How siyu signs the webhooks it sends and checks the ones it receives.

The signature is HMAC-SHA256 over `"{timestamp}." + body` with the shared secret, sent as
`X-Siyu-Signature: sha256=<hex>` beside `X-Siyu-Timestamp: <unix seconds>`. Binding the
timestamp into the signature lets a receiver refuse replays: a request older (or further in the
future) than the window is refused even when its signature is right. To rotate a secret, the
sender signs with both the old and the new one for a while and sends both signatures, comma
separated; a receiver accepts the request when any of them matches its secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re

TIMESTAMP_HEADER = "X-Siyu-Timestamp"
SIGNATURE_HEADER = "X-Siyu-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"

SCHEME = "sha256="
DEFAULT_WINDOW_S = 300

_SECONDS = re.compile(r"[0-9]{1,15}")


class SignatureError(Exception):
    """A request whose signature cannot be trusted; `reason` says why (safe to show the sender)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Siyu-Signature` value for `body` sent at `timestamp` (unix seconds)."""
    if not secret:
        raise ValueError("cannot sign with an empty secret")
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SCHEME + digest.hexdigest()


def verify(
    secret: str,
    *,
    timestamp_header: str | None,
    signature_header: str | None,
    body: bytes,
    now_s: int,
    window_s: int = DEFAULT_WINDOW_S,
) -> None:
    """Raise SignatureError unless the request was signed with `secret` within `window_s`
    seconds of `now_s` (either side). `secret` empty is the caller's misconfiguration (ValueError)."""
    if not secret:
        raise ValueError("cannot verify with an empty secret")
    if not timestamp_header:
        raise SignatureError(f"missing header {TIMESTAMP_HEADER}")
    if not signature_header:
        raise SignatureError(f"missing header {SIGNATURE_HEADER}")
    timestamp = _timestamp(timestamp_header)
    _check_window(timestamp, now_s=now_s, window_s=window_s)
    candidates = _signatures(signature_header)
    expected = sign(secret, timestamp, body).encode("ascii")
    matched = False
    for candidate in candidates:  # compare every one: the time taken does not depend on which matched
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise SignatureError(f"{SIGNATURE_HEADER} does not match the body signed with the shared secret")


def _timestamp(header: str) -> int:
    text = header.strip()
    if not _SECONDS.fullmatch(text):
        raise SignatureError(f"{TIMESTAMP_HEADER} is not an integer number of unix seconds: {header[:40]!r}")
    return int(text)


def _check_window(timestamp: int, *, now_s: int, window_s: int) -> None:
    age = now_s - timestamp
    if age > window_s:
        raise SignatureError(
            f"{TIMESTAMP_HEADER} is {age} s old, outside the {window_s} s replay window (resend with a fresh timestamp)"
        )
    if -age > window_s:
        raise SignatureError(
            f"{TIMESTAMP_HEADER} is {-age} s in the future, outside the {window_s} s window (check the sender's clock)"
        )


def _signatures(header: str) -> list[bytes]:
    """The sha256 signatures in the header, lower-cased; other schemes are skipped (a newer sender
    may add them), but at least one sha256 signature must be there."""
    found = []
    for part in header.split(","):
        entry = part.strip()
        if entry[: len(SCHEME)].lower() == SCHEME:
            found.append(SCHEME.encode() + entry[len(SCHEME) :].lower().encode("utf-8", "replace"))
    if not found:
        raise SignatureError(f"{SIGNATURE_HEADER} has no {SCHEME}<hex> signature: {header[:80]!r}")
    return found
