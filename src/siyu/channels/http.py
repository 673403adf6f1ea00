"""The one place outbound HTTP clients are made: explicit timeouts, no proxies from the
environment, no redirects followed (a provider that redirects is misconfigured)."""

from __future__ import annotations

import httpx2

USER_AGENT = "siyu"


def outbound_client(timeout_s: float) -> httpx2.Client:
    return httpx2.Client(
        timeout=httpx2.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
        trust_env=False,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )
