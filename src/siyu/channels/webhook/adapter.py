"""Deliveries as signed JSON POSTs to the brand's endpoint.

The receiver's contract:
- the body is `{"type": "siyu.delivery", "delivery": {...}}` (UTF-8 JSON; the delivery is
  `Outgoing.as_payload()`), signed as siyu.channels.signing describes (`X-Siyu-Timestamp`,
  `X-Siyu-Signature`); check it with the shared secret and refuse stale timestamps;
- `Idempotency-Key` is the same on every attempt of one delivery: the receiver must drop a repeat
  (answer 2xx again). siyu resends after a timeout or a 5xx rather than asking first, so this is
  what keeps a customer from getting a message twice;
- a 2xx answer means done (optionally `{"id": "..."}`, kept as the reference). 408, 425, 429
  (with Retry-After) and 5xx mean "try again later"; any other answer is a refusal, not retried.
  Redirects are not followed: point the setting at the final address.

The HTTP outcome helpers below are shared with the SMS adapter, whose provider speaks the same way.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

import httpx2

from siyu.channels.base import DeliveryError, DeliveryState, Outgoing, Progress, Receipt
from siyu.channels.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from siyu.channels.webhook.config import WebhookSettings

USER_AGENT = "siyu"
PAYLOAD_TYPE = "siyu.delivery"
RETRY_LATER = frozenset({408, 425, 429})  # the request was not carried out; asking again is welcome
BODY_EXCERPT = 200

_DELAY_SECONDS = re.compile(r"[0-9]{1,10}")
# raised before a byte of the request left: sending again cannot duplicate anything
_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout, httpx2.ProxyError)


class WebhookAdapter:
    """Posts each delivery to `settings.url`. The adapter owns `http` and closes it in `close()`."""

    name = "webhook"

    def __init__(
        self, settings: WebhookSettings, *, http: httpx2.Client, wall: Callable[[], float] = time.time
    ) -> None:
        self._settings = settings
        self._http = http
        self._wall = wall

    def send(self, item: Outgoing) -> Receipt:
        self._check_accepts(item)
        body = encode_json({"type": PAYLOAD_TYPE, "delivery": item.as_payload()})
        timestamp = int(self._wall())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(self._settings.secret, timestamp, body),
            IDEMPOTENCY_HEADER: item.key,
        }
        service = f"webhook {httpx2.URL(self._settings.url).host}"
        try:
            response = self._http.post(
                self._settings.url,
                content=body,
                headers=headers,
                timeout=self._settings.timeout_s,
                follow_redirects=False,
            )
        except httpx2.RequestError as exc:
            raise transport_failure(exc, service=service) from exc
        if not response.is_success:
            raise response_failure(response, service=service, now_s=self._wall())
        return Receipt(ref=response_ref(response, ("id",)), delivered=True)

    def find(self, item: Outgoing, *, since_s: int) -> Receipt | None:
        # receivers drop a repeated Idempotency-Key, so sending again is always safe
        return None

    def poll(self, item: Outgoing, receipt: Receipt) -> Progress:
        return Progress(DeliveryState.delivered)  # a 2xx already meant delivered

    def close(self) -> None:
        self._http.close()

    def _check_accepts(self, item: Outgoing) -> None:
        if not self._settings.url:
            raise DeliveryError("the webhook is not set up: url is empty", permanent=True, code="not_configured")
        if not self._settings.secret:
            raise DeliveryError(
                "the webhook is not set up: secret is empty (every delivery is signed)",
                permanent=True,
                code="not_configured",
            )
        if item.purpose not in self._settings.purposes:
            accepted = ", ".join(purpose.value for purpose in self._settings.purposes)
            raise DeliveryError(
                f"this webhook does not take {item.purpose.value} deliveries (purposes: {accepted})",
                permanent=True,
                code="purpose_refused",
            )


def encode_json(document: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON; a value JSON cannot carry is a permanent failure."""
    try:
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        message = f"the delivery cannot be written as JSON: {exc}"
        raise DeliveryError(message, permanent=True, code="bad_payload") from exc
    return text.encode("utf-8")


def response_ref(response: httpx2.Response, keys: Iterable[str]) -> str | None:
    """The first of `keys` in a JSON object answer, as text; None when there is none."""
    body = response_object(response)
    for key in keys:
        value = body.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def response_object(response: httpx2.Response) -> dict[str, Any]:
    """The answer's JSON object, or {} when it is empty, not JSON or not an object."""
    if not response.content:
        return {}
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def response_failure(
    response: httpx2.Response, *, service: str, now_s: float, read_only: bool = False
) -> DeliveryError:
    """The DeliveryError for a non-2xx answer. `read_only`: the request changed nothing (a
    status query), so a 5xx leaves nothing in doubt."""
    status = response.status_code
    summary = f"{service} answered {status} {response.reason_phrase}".rstrip()
    excerpt = response.text.strip()[:BODY_EXCERPT]
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        where = f" (it points to {location[:BODY_EXCERPT]}; set that address instead)" if location else ""
        return DeliveryError(f"{summary}: redirects are not followed{where}", permanent=True, code=str(status))
    if status in RETRY_LATER or status >= 500:
        return DeliveryError(
            f"{summary}, will try again" + (f": {excerpt}" if excerpt else ""),
            permanent=False,
            code=str(status),
            in_doubt=status >= 500 and not read_only,
            retry_after_s=retry_after_s(response.headers.get("Retry-After"), now_s=now_s),
        )
    return DeliveryError(f"{summary}: {excerpt}" if excerpt else summary, permanent=True, code=str(status))


def transport_failure(exc: httpx2.RequestError, *, service: str, read_only: bool = False) -> DeliveryError:
    """The DeliveryError for a request that got no answer. A failure before connecting leaves
    nothing in doubt; one after the request went out (a read timeout, a dropped connection) may
    have been carried out."""
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, _NOT_SENT):
        code = "timeout" if isinstance(exc, httpx2.TimeoutException) else "connect"
        return DeliveryError(f"could not reach {service}: {detail}", permanent=False, code=code)
    code = "timeout" if isinstance(exc, httpx2.TimeoutException) else "network"
    return DeliveryError(
        f"no answer from {service} ({detail})" + ("" if read_only else "; the request may have arrived"),
        permanent=False,
        code=code,
        in_doubt=not read_only,
    )


def retry_after_s(value: str | None, *, now_s: float) -> float | None:
    """Seconds a Retry-After header asks to wait (delay-seconds or an HTTP-date); None when it
    is absent or unreadable, 0 for a date already past."""
    if value is None:
        return None
    text = value.strip()
    if _DELAY_SECONDS.fullmatch(text):
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": RFC 5322's "UTC, origin unknown"; HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now_s)
