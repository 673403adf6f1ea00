"""SMS to customers through a webhook-style provider.

The provider contract (Aliyun or Tencent SMS can sit behind a small relay that speaks it):

    POST {provider_url}
    Authorization: Bearer {api_key}
    Content-Type: application/json
    Idempotency-Key: {key}
    {"to": "+8613800138000", "text": "【暖柚生活】…", "idempotency_key": "{key}", "reference": "{key}"}

- 2xx `{"id": "..."}` (or `"message_id"`): accepted. It may carry a `"status"` as below. A
  repeated `idempotency_key` must not send again: answer 2xx with the first message's id. siyu
  resends after a timeout or a 5xx rather than asking first, and relies on this.
- 408, 425, 429 (with Retry-After) and 5xx: try again later. Any other answer is a refusal
  (a bad number, a template the carrier refused), not retried; its body is shown to the operator.

    GET {provider_url}/{id}
    Authorization: Bearer {api_key}

- 200 `{"status": "pending" | "sent" | "delivered" | "failed", "reason": "...", "code": "..."}`
  (`reason` and `code` optional, for failures): where the message is. `sent` means handed to the
  carrier, no receipt yet.
- 404: the provider keeps no status; an accepted message counts as delivered. So does an accepted
  message the provider gave no id.

Only auto tasks on the `sms` channel go this way; the number is the customer's attribute named in
the settings, a mainland mobile number, sent as +86 and 11 digits.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import httpx2

from siyu.channels.base import DeliveryError, DeliveryState, Outgoing, Progress, Purpose, Receipt
from siyu.channels.signing import IDEMPOTENCY_HEADER
from siyu.channels.sms.config import SmsSettings
from siyu.channels.webhook.adapter import (
    USER_AGENT,
    encode_json,
    response_failure,
    response_object,
    response_ref,
    transport_failure,
)

SMS_CHANNEL = "sms"
REF_KEYS = ("id", "message_id")
STATES = {
    "pending": DeliveryState.pending,
    "sent": DeliveryState.pending,
    "delivered": DeliveryState.delivered,
    "failed": DeliveryState.failed,
}

_SEPARATORS = re.compile(r"[\s\-]")
_MAINLAND_MOBILE = re.compile(r"(?:\+?86)?(1[3-9][0-9]{9})")


def mainland_mobile(value: object) -> str | None:
    """`value` as "+86" and 11 digits if it is a mainland mobile number (an optional +86 or 86
    before it; spaces, dashes and full-width characters are fine), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float) and value.is_integer():  # a spreadsheet import's 13800138000.0
        text = str(int(value))
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value)
    else:
        return None
    match = _MAINLAND_MOBILE.fullmatch(_SEPARATORS.sub("", text))
    return "+86" + match.group(1) if match else None


class SmsAdapter:
    """Sends auto SMS tasks through the provider. The adapter owns `http` and closes it in `close()`."""

    name = "sms"

    def __init__(self, settings: SmsSettings, *, http: httpx2.Client, wall: Callable[[], float] = time.time) -> None:
        self._settings = settings
        self._http = http
        self._wall = wall  # only to read a Retry-After date

    def send(self, item: Outgoing) -> Receipt:
        self._check_configured()
        phone = self._phone(item)
        if not item.text.strip():
            raise DeliveryError("the SMS text is empty (短信内容为空)", permanent=True, code="empty_text")
        body = encode_json(
            {
                "to": phone,
                "text": self._settings.sign_name + item.text,
                "idempotency_key": item.key,
                "reference": item.key,
            }
        )
        headers = {**self._headers(), "Content-Type": "application/json", IDEMPOTENCY_HEADER: item.key}
        try:
            response = self._http.post(
                self._settings.provider_url,
                content=body,
                headers=headers,
                timeout=self._settings.timeout_s,
                follow_redirects=False,
            )
        except httpx2.RequestError as exc:
            raise transport_failure(exc, service=self._service) from exc
        if not response.is_success:
            raise response_failure(response, service=self._service, now_s=self._wall())
        ref = response_ref(response, REF_KEYS)
        progress = progress_of(response_object(response))  # an unknown status here still means accepted
        if progress is not None and progress.state is DeliveryState.failed:
            raise DeliveryError(
                f"{self._service} refused the message: {progress.reason or 'no reason given'}",
                permanent=True,
                code=progress.code,
            )
        delivered = progress is not None and progress.state is DeliveryState.delivered
        return Receipt(ref=ref, delivered=delivered or ref is None)

    def find(self, item: Outgoing, *, since_s: int) -> Receipt | None:
        # the provider drops a repeated idempotency_key, so sending again is always safe
        return None

    def poll(self, item: Outgoing, receipt: Receipt) -> Progress:
        if receipt.delivered or receipt.ref is None:
            return Progress(DeliveryState.delivered)
        self._check_configured()
        try:
            response = self._http.get(
                status_url(self._settings.provider_url, receipt.ref),
                headers=self._headers(),
                timeout=self._settings.timeout_s,
                follow_redirects=False,
            )
        except httpx2.RequestError as exc:
            raise transport_failure(exc, service=self._service, read_only=True) from exc
        if response.status_code == 404:
            return Progress(DeliveryState.delivered)  # the provider keeps no status
        if not response.is_success:
            raise response_failure(response, service=self._service, now_s=self._wall(), read_only=True)
        return self._progress(response)

    def close(self) -> None:
        self._http.close()

    @property
    def _service(self) -> str:
        return f"SMS provider {httpx2.URL(self._settings.provider_url).host}"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._settings.api_key}", "User-Agent": USER_AGENT}

    def _check_configured(self) -> None:
        for setting in ("provider_url", "api_key"):
            if not getattr(self._settings, setting):
                raise DeliveryError(
                    f"SMS is not set up: {setting} is empty (短信未配置)", permanent=True, code="not_configured"
                )

    def _phone(self, item: Outgoing) -> str:
        if item.purpose is not Purpose.send or item.channel != SMS_CHANNEL:
            raise DeliveryError(
                f"the SMS adapter only sends auto tasks on the sms channel, not {item.purpose.value} "
                f"on the {item.channel} channel",
                permanent=True,
                code="not_sms",
            )
        attribute = self._settings.phone_attribute
        if item.customer is None:
            raise DeliveryError("客户没有有效的手机号 (the delivery has no customer)", permanent=True, code="no_phone")
        phone = mainland_mobile(item.customer.attributes.get(attribute))
        if phone is None:
            raise DeliveryError(
                f"客户没有有效的手机号 (no valid mobile number in attribute {attribute})",
                permanent=True,
                code="no_phone",
            )
        return phone

    def _progress(self, response: httpx2.Response) -> Progress:
        body = response_object(response)
        progress = progress_of(body)
        if progress is None:
            raise DeliveryError(
                f"{self._service} answered an unknown status {body.get('status')!r}: "
                f"expected one of {', '.join(STATES)}",
                permanent=False,
                code="bad_status",
            )
        return progress


def progress_of(body: Mapping[str, Any]) -> Progress | None:
    """The Progress a provider answer reports, None when its status is missing or unknown."""
    status = body.get("status")
    state = STATES.get(status) if isinstance(status, str) else None
    if state is None:
        return None
    reason, code = body.get("reason"), body.get("code")
    return Progress(
        state,
        reason=str(reason)[:200] if reason not in (None, "") else None,
        code=str(code)[:64] if code not in (None, "") else None,
    )


def status_url(provider_url: str, ref: str) -> str:
    """{provider_url}/{ref}, with `ref` as one path segment and the provider URL's query kept."""
    url = httpx2.URL(provider_url)
    path = url.raw_path.split(b"?", 1)[0].rstrip(b"/")
    segment = quote(ref, safe="").encode("ascii")
    query = b"?" + url.query if url.query else b""
    return str(url.copy_with(raw_path=path + b"/" + segment + query))
