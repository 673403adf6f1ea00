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

from tests.support.web import Web

EXAMPLES_PER_OPERATION = 25
# 4xx answers outside the declared ones are normal for an auth-guarded API (401/403/404/422 everywhere)
EXCLUDED = [status_code_conformance]


def _run_operations(web: Web, username: str) -> list[str]:
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
            assert response.status_code < 500, f"{case.method} {case.formatted_path} → {response.status_code}"
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
