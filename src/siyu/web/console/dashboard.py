"""The operator's start page at `/`: today's tasks by status (the brand's local day), overdue work
by staff, the SOPs with who is in them and their last tick, and recent failures; a notice while
a workday year is estimated (from 60 days before it starts).

Operators and admins only; a staff user is sent to their own tasks (/my/tasks)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from siyu.analytics import dashboard
from siyu.brand import settings as brand_settings
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us
from siyu.sops import overview as sop_overview
from siyu.web.common.settings import estimated_years
from siyu.web.deps import AnyUser, Db, NowUs, reader_locale
from siyu.web.templating import render

router = APIRouter()

SOPS_SHOWN = 20
FAILURES_SHOWN = 10


@router.get("/", response_class=HTMLResponse)
def dashboard_page(request: Request, conn: Db, who: AnyUser, now: NowUs) -> Response:
    if who.user.is_staff:
        return RedirectResponse("/my/tasks", status_code=303)
    brand = brand_settings.load(conn)
    zone = brand.zone
    start, end = dashboard.local_day(now, zone)
    by_status = dashboard.tasks_by_status(conn, start, end)
    overdue, overdue_total = dashboard.overdue_by_staff(conn, now, late_after_us=brand.late_after_us)
    sops = sop_overview.list_sops(conn, limit=SOPS_SHOWN + 1)
    return render(
        request,
        "dashboard.html",
        {
            "caller": who,
            "zone": zone,
            "now": now,
            "today": from_us(now, zone).date(),
            "estimated_years": estimated_years(brand, now),
            "statuses": [s.value for s in TaskStatus],
            "by_status": by_status,
            "today_total": dashboard.total(by_status),
            "overdue": overdue,
            "overdue_total": overdue_total,
            "sops": sops[:SOPS_SHOWN],
            "more_sops": len(sops) > SOPS_SHOWN,
            "failed": dashboard.failed_tasks(conn, zone, limit=FAILURES_SHOWN, locale=reader_locale(request, who)),
            "failures": dashboard.recent_failures(conn, limit=FAILURES_SHOWN),
        },
    )
