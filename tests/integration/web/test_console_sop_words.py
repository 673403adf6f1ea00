"""The SOP page states its audience, entry, exit and each step's `when` in words, in the reader's
language."""

from __future__ import annotations

import html
import re

from tests.support.web import Web

SOP = """\
id: pets
name: 宠物关怀
kind: customer
audience:
  all:
    - tag: 宠物主
    - event: order_paid
      within: 7d
entry: {event: friend_added}
exit: {tag: 已购}
steps:
  - id: hello
    at: {day: 0, time: "10:00"}
    channel: private
    executor: owner
    content:
      - text: 你好
  - id: nudge
    at: {day: 3, time: "10:00"}
    channel: private
    executor: owner
    when: {no_event: order_paid, since_entry: true}
    content:
      - text: 还在考虑吗
"""


def words(page: str) -> dict[str, str]:
    found = re.findall(r'<div data-testid="words-[^"]*"[^>]*><dt>(.*?)</dt><dd>(.*?)</dd></div>', page, re.S)
    return {html.unescape(label): html.unescape(text) for label, text in found}


def test_the_sop_page_states_the_sop_in_words(web: Web) -> None:
    answer = web.api("operator").post("/api/v1/sops", json={"source": SOP})
    assert answer.status_code == 200, answer.text
    console = web.console("operator")

    chinese = console.get("/sops/pets")
    assert chinese.status_code == 200
    assert words(chinese.text) == {
        "受众（客户）": "有标签「宠物主」，且近 7 天内发生过「下单」(order_paid) 至少 1 次",
        "进入": "发生「添加好友」(friend_added)且满足受众条件时进入",
        "退出": "满足退出条件即退出：有标签「已购」",
        "步骤 hello 的条件": "无条件执行",
        "步骤 nudge 的条件": "仅当进入 SOP 以来没有发生过「下单」(order_paid)时执行，否则跳过",
    }

    console.cookies.set("siyu_lang", "en")
    english = console.get("/sops/pets")
    assert words(english.text) == {
        "Audience (customers)": "has the tag “宠物主” and “order paid” (order_paid) at least once in the last 7 days",
        "Entry": "enters when “friend added” (friend_added) happens and the audience holds",
        "Exit": "leaves as soon as this holds: has the tag “已购”",
        "When step hello runs": "always carried out",
        "When step nudge runs": "only when no “order paid” (order_paid) since entering the SOP; skipped otherwise",
    }
