"""The console tells admins and operators about an estimated workday year — on the dashboard
and on the settings page, from 60 days before the year starts and while it is in use — saying
which year and how to give its official schedule; once the brand gives the year's days the
notice goes and the settings page says where each year's workdays come from."""

from __future__ import annotations

from siyu.brand import settings as settings_service
from tests.support.web import Web

NOTICE = "2027 年的节假日安排是推算的"


def test_the_dashboard_and_settings_say_which_year_is_estimated_60_days_ahead(web: Web) -> None:
    web.set_now("2026-11-02 09:00")  # 2027-01-01 is 60 days away
    client = web.console("operator")
    for path in ("/", "/settings"):
        page = client.get(path)
        assert page.status_code == 200
        assert 'data-estimated-year="2027"' in page.text and NOTICE in page.text
        assert "siyu settings workdays import" in page.text and 'href="/settings#workdays"' in page.text
    settings_page = client.get("/settings").text
    assert 'data-year="2027" data-source="estimated"' in settings_page
    assert 'data-year="2026" data-source="official"' in settings_page


def test_no_notice_before_the_60_days(web: Web) -> None:
    web.set_now("2026-11-01 09:00")
    client = web.console("operator")
    assert "data-estimated-year" not in client.get("/").text
    assert "data-estimated-year" not in client.get("/settings").text


def test_the_notice_stays_while_the_estimated_year_is_in_use_and_reads_in_english(web: Web) -> None:
    web.set_now("2027-06-01 09:00")
    client = web.console("admin")
    client.cookies.set("siyu_lang", "en")
    page = client.get("/")
    assert 'data-estimated-year="2027"' in page.text
    assert "2027&#39;s holidays are estimated" in page.text


def test_the_notice_goes_once_the_years_days_are_given(web: Web) -> None:
    web.set_now("2026-12-01 09:00")
    with web.engine.begin() as conn:
        settings_service.set_value(conn, "workdays", {"2027-01-01": "holiday", "2027-02-20": "workday"}, now_us=0)
    client = web.console("operator")
    assert "data-estimated-year" not in client.get("/").text
    assert 'data-year="2027" data-source="brand"' in client.get("/settings").text
