"""The language switch comes back to the same page, its search and filters included."""

from __future__ import annotations

import re

from tests.support.web import Web


def test_the_language_switch_comes_back_with_the_search_kept(web: Web) -> None:
    client = web.console("operator")
    page = client.get("/customers", params={"q": "陈", "tag": "新客"}).text
    link = re.search(r'href="(/lang/en\?next=[^"]+)"', page)
    assert link is not None
    answer = client.get(link.group(1).replace("&amp;", "&"), follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/customers?q=%E9%99%88&tag=%E6%96%B0%E5%AE%A2"
    assert client.get(answer.headers["location"]).text.count("Customers") >= 1
