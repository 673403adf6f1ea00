"""Console customer pages: the searchable list (full page and htmx results), one customer's page
with tags, groups, attributes, SOPs, tasks and events, "more" fragments, both languages, and a
staff user who can open their own customers only."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.brand import Brand
from tests.support.web import Web

HTMX_RESULTS = {"HX-Request": "true", "HX-Target": "customer-results"}


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-customer="([^"]+)"', html)


def test_list_page_shows_every_customer_with_owner_and_tags(web: Web) -> None:
    page = web.console("operator").get("/customers")
    assert page.status_code == 200
    html = page.text
    assert "<title>客户 · siyu</title>" in html
    assert _rows(html) == ["c1", "c2", "c3", "c4"]
    assert '<a href="/customers/c1">陈一</a>' in html
    assert '小林 <span class="muted">st1</span>' in html
    assert '<span class="badge tag">新客</span>' in html
    assert 'hx-get="/customers"' in html and 'hx-target="#customer-results"' in html
    assert '<option value="新客" >新客</option>' in html


def test_live_search_answers_only_the_results(web: Web) -> None:
    client = web.console("operator")
    fragment = client.get("/customers", params={"q": "陈三"}, headers=HTMX_RESULTS)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<form" not in fragment.text
    assert _rows(fragment.text) == ["c3"]
    nothing = client.get("/customers", params={"q": "王"}, headers=HTMX_RESULTS)
    assert 'id="no-customers"' in nothing.text and "没有找到客户" in nothing.text
    full = client.get("/customers", params={"q": "陈三"})
    assert "<html" in full.text and 'value="陈三"' in full.text and _rows(full.text) == ["c3"]


def test_filters_and_pager_keep_the_search(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    for number in range(5, 60):
        brand.add_customer(f"c{number:02d}", "st1", name=f"陈{number}", tags=("新客",))
    brand.write(web.engine, tmp_path / "more")
    client = web.console("operator")
    first = client.get("/customers", params={"tag": "新客", "owner": "st1"}).text
    assert len(_rows(first)) == 50
    assert 'href="/customers?tag=%E6%96%B0%E5%AE%A2&amp;owner=st1&amp;offset=50"' in first
    second = client.get("/customers", params={"tag": "新客", "owner": "st1", "offset": 50}).text
    assert _rows(second) == [f"c{n}" for n in range(53, 60)]  # after c1, c2 and c05…c52
    assert 'href="/customers?tag=%E6%96%B0%E5%AE%A2&amp;owner=st1"' in second and 'rel="next"' not in second
    unknown = client.get("/customers", params={"owner": "st99"}, headers=HTMX_RESULTS).text
    assert 'id="owner-problem"' in unknown and "st99" in unknown and _rows(unknown) == []


def test_customer_page_shows_the_whole_picture(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_customer("c1", "st1", name="陈一", tags=("新客", "会员"), city="上海")
    brand.write(web.engine, tmp_path / "more")
    page = web.console("operator").get("/customers/c1")
    assert page.status_code == 200
    html = page.text
    assert '<h1>陈一 <span class="muted customer-id">c1</span></h1>' in html
    assert '<span class="badge tag">会员</span> <span class="badge tag">新客</span>' in html
    assert '<tr><th scope="row" title="city">城市</th><td>上海</td></tr>' in html  # known attributes by name
    assert '<tr class="group" data-group="g1"><td>暖柚宠物群</td>' in html
    assert '<a href="/sops/welcome">新客欢迎</a>' in html and '<span class="badge on">进行中</span>' in html
    assert '<span class="badge due">待执行</span>' in html
    assert '新客欢迎 <span class="muted">· hello</span>' in html
    assert "<td>2026-11-10 12:00</td>" in html and "amount: 199" in html
    assert '<span class="event-type" title="order_paid">下单</span>' in html  # event types by name


def test_customer_page_in_english(web: Web) -> None:
    client = web.console("operator")
    client.get("/lang/en")
    html = client.get("/customers/c1").text
    assert '<html lang="en">' in html
    assert "<h2>Tasks</h2>" in html and '<span class="badge due">Due</span>' in html and "<h2>Events</h2>" in html
    assert "<title>陈一 · Customers · siyu</title>" in html


def test_more_events_come_as_rows_with_the_next_button(web: Web, tmp_path: Path) -> None:
    brand = Brand()
    brand.events_made = 100
    for day in range(1, 26):
        brand.add_event("page_view", f"2026-10-{day:02d} 09:00", customer="c2", page=f"p{day}")
    brand.write(web.engine, tmp_path / "more")
    client = web.console("staff1")
    html = client.get("/customers/c2").text
    assert html.count('<tr class="event"') == 20
    assert 'hx-get="/customers/c2/events?offset=20"' in html
    more = client.get("/customers/c2/events", params={"offset": 20}, headers={"HX-Request": "true"}).text
    assert "<html" not in more
    assert re.findall(r"page: (p\d+)", more) == ["p5", "p4", "p3", "p2", "p1"]
    assert "more-row" not in more


def test_empty_lists_say_so(web: Web) -> None:
    html = web.console("staff2").get("/customers/c4").text
    assert "不在任何群中" in html and "还没有进入任何 SOP" in html and "没有任务" in html and "还没有事件" in html


def test_staff_open_only_their_own_customers(web: Web) -> None:
    client = web.console("staff1")
    listed = client.get("/customers").text
    assert _rows(listed) == ["c1", "c2"]
    assert 'name="owner"' not in listed
    assert _rows(client.get("/customers", params={"q": "陈三"}, headers=HTMX_RESULTS).text) == []
    for path in (
        "/customers/c3",
        "/customers/c3/events",
        "/customers/c3/tasks",
        "/customers/c3/sops",
        "/customers/c3/groups",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "no customer &#34;c3&#34;" in answer.text and "陈三" not in answer.text
    assert client.get("/customers/c1").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(web: Web) -> None:
    answer = web.client().get("/customers/c1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/customers/c1"
