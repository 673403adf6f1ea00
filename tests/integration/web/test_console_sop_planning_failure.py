"""The console shows an SOP whose planning failed — in the SOP list (a badge with the error and
when) and on its page (the step, when, how many ticks in a row, the error) — in Chinese and in
English, and shows nothing once a clean tick has cleared it."""

from __future__ import annotations

import re

from siyu.planner import failures
from siyu.planner.tick import tick
from tests.support.brand import at
from tests.support.web import Web


def test_a_failed_sop_is_shown_in_the_list_and_on_its_page_until_cleared(web: Web) -> None:
    with web.engine.begin() as conn:
        failures.record(conn, "welcome", "audience", KeyError("当前 <b>x</b>"), now_us=at("2026-11-20 10:00"))
    client = web.console("operator")

    listed = client.get("/sops").text
    row = re.search(r'<tr data-sop="welcome">.*?</tr>', listed, re.S)
    assert row is not None
    assert (
        '<span class="badge off planning-failed" title="KeyError: &#39;当前 &lt;b&gt;x&lt;/b&gt;&#39;">规划失败</span>'
        in row.group(0)
    )
    assert "2026-11-20 10:00" in row.group(0)

    page = client.get("/sops/welcome").text
    assert 'data-testid="planning-failed"' in page
    assert "这个 SOP 的规划失败了，其他 SOP 照常规划。" in page
    assert "2026-11-20 10:00，步骤 audience，已连续失败 1 次：" in page
    assert "<code>KeyError: &#39;当前 &lt;b&gt;x&lt;/b&gt;&#39;</code>" in page  # escaped, never markup

    client.cookies.set("siyu_lang", "en")
    english = client.get("/sops/welcome").text
    assert "Planning this SOP failed; the other SOPs are planned as usual." in english
    assert "2026-11-20 10:00, step audience, 1 tick(s) in a row:" in english
    assert "Planning failed" in client.get("/sops").text

    tick(web.engine, at("2026-11-20 10:30"))  # the welcome SOP plans cleanly
    assert "planning-failed" not in client.get("/sops").text
    assert "planning-failed" not in client.get("/sops/welcome").text
