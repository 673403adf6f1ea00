"""Schemathesis against the published OpenAPI schema: whatever a client sends that the schema
allows (and much it does not), the API answers without a server error and as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from siyu.channels import stored as channels
from siyu.core.timeutil import to_us
from tests.support.web import Web

EXAMPLES_PER_OPERATION = 25
# 4xx answers outside the declared ones are normal for an auth-guarded API (401/403/404/422 everywhere)
EXCLUDED = [status_code_conformance]


def _configure_inbound_channels(web: Web) -> None:
    """Inbound endpoints answer 503 until their channel is configured: configure them, so that
    fuzzed requests reach the signature and body checks (WeCom's documented sample values)."""
    with web.engine.begin() as conn:
        now = to_us(web.now)
        wecom = {"callback_token": "QDG6eK", "callback_aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"}
        channels.save(conn, "wecom", enabled=True, settings={"corp_id": "wx5823bf96d3bd56c7"}, secrets=wecom, now_us=now)
        channels.save(conn, "webhook", secrets={"inbound_secret": "fuzz-inbound-secret-0123"}, now_us=now)


def _not_configured(response: object) -> bool:
    """503 naming a missing setting is the designed answer (an admin's fuzzed PUT may switch a channel off)."""
    status = getattr(response, "status_code", 0)
    return bool(status == 503 and response.json()["error"]["code"] == "not_configured")  # type: ignore[attr-defined]


def _run_operations(web: Web, username: str) -> list[str]:
    _configure_inbound_channels(web)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app)
    headers = {"Authorization": f"Bearer {web.tokens[username]}"}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def check(case: Case) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500 or _not_configured(response), (
                f"{case.method} {case.formatted_path} → {response.status_code}"
            )
            if response.status_code < 300:
                case.validate_response(
                    response, checks=[content_type_conformance, response_schema_conformance], excluded_checks=EXCLUDED
                )

        try:
            check()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    return failures


@pytest.mark.slow
@pytest.mark.parametrize("username", ["admin", "staff1"])
def test_no_operation_answers_a_server_error(web: Web, username: str) -> None:
    failures = _run_operations(web, username)
    assert not failures, "\n\n".join(failures)
