"""/my/tasks/{id}: one task on its own page — where a WeCom reminder's link lands."""

from __future__ import annotations

from tests.integration.web.test_console_my_tasks import _card_html, _task_id, busy  # noqa: F401  (fixture)
from tests.support.web import Web


def test_a_reminder_link_shows_that_one_task_with_its_actions(busy: Web) -> None:  # noqa: F811
    client = busy.console("staff1")
    task_id = _task_id(busy, "care", "follow", "c1")
    answer = client.get(f"/my/tasks/{task_id}")
    assert answer.status_code == 200
    card = _card_html(answer.text, task_id)
    assert f"/my/tasks/{task_id}/done" in card
    assert answer.text.count('class="card task') == 1
    assert 'href="/my/tasks"' in answer.text


def test_someone_elses_task_is_not_found_and_signing_in_comes_back(busy: Web) -> None:  # noqa: F811
    theirs = _task_id(busy, "care", "follow", "c1")  # st1's
    assert busy.console("staff2").get(f"/my/tasks/{theirs}").status_code == 404
    answer = busy.client().get(f"/my/tasks/{theirs}", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next=/my/tasks/{theirs}"
