"""Every answer carries the security headers; console pages run only scripts served from /static
(no inline script or handler in any template), and /docs allows only Swagger UI's own start-up script."""

from __future__ import annotations

import re
from pathlib import Path

from siyu.web import app as web_app
from siyu.web.security_headers import script_hash
from tests.support.web import Web

TEMPLATES = Path(web_app.__file__).with_name("templates")


def directives(policy: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


def assert_fixed_headers(headers: object) -> None:
    assert headers["x-frame-options"] == "DENY"  # type: ignore[index]
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["referrer-policy"] == "same-origin"  # type: ignore[index]


def test_console_pages_send_a_policy_of_self_only(web: Web) -> None:
    client = web.console("operator")
    for path in ("/login", "/", "/sops", "/customers", "/imports", "/settings"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert_fixed_headers(answer.headers)
        policy = directives(answer.headers["content-security-policy"])
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["object-src"] == "'none'"


def test_api_answers_and_refusals_carry_the_headers_too(web: Web) -> None:
    assert_fixed_headers(web.api("operator").get("/api/v1/me").headers)
    assert_fixed_headers(web.client().get("/api/v1/me").headers)  # 401
    too_large = web.client().post("/api/v1/session", content=b"x" * (2 * 1024 * 1024))
    assert too_large.status_code == 413
    assert_fixed_headers(too_large.headers)


def test_the_api_reference_allows_only_its_own_start_up_script(web: Web) -> None:
    answer = web.client().get("/docs")
    scripts = re.findall(r"<script>(.*?)</script>", answer.text, flags=re.S)
    assert len(scripts) == 1
    policy = directives(answer.headers["content-security-policy"])
    assert policy["script-src"] == f"'self' '{script_hash(scripts[0])}'"
    assert "unsafe-inline" not in policy["script-src"]


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert "javascript:" not in text, template
        assert "<style" not in text, template
