"""First day on the demo brand (issue 12): how many reminders and WeCom calls each staff member
gets. Reports figures; never fails a suite. Runs on any siyu checkout (PYTHONPATH=<tree>/src),
so the same script measures before and after a change:

    PYTHONPATH=src .venv/bin/python bench/bench_first_day.py --dir /tmp/first-day

1. `siyu demo generate --customers 5000 --seed 7 --reset --now NOW`, `siyu sop apply
   examples/sops` (a fresh SQLite database in --dir);
2. the WeCom channel pointed at a fake WeCom in this process (every mass send confirmed at
   once), with no rate limit of siyu's own (calls are counted, not timed);
3. one planner tick at NOW, then the dispatcher (its clock at NOW, then at the day's digest time
   and at each later slot of the day's ticks) until nothing is due;
4. from the fake's records: app messages (reminders and digests) per staff member, mass-send
   tasks (`add_msg_template` calls) per sender and every WeCom call by path.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from siyu.channels import stored as channels
from siyu.channels.wecom.fake_server import FakeWeCom
from siyu.core.timeutil import to_us
from siyu.delivery.dispatcher import Dispatcher
from siyu.demo.fake_wecom import use_fake
from siyu.planner.tick import tick
from siyu.store.db import create_engine
from siyu.store.tables import deliveries

ROOT = Path(__file__).resolve().parent.parent


def siyu(db: str, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "siyu", "--db", db, *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def drain(dispatcher: Dispatcher) -> int:
    handed = 0
    while True:
        report = dispatcher.step()
        handed += report.claimed
        if not report.claimed:
            return handed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--now", default="2026-12-07T08:00:00+08:00", help="the first day's first tick")
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--ticks-until", default="22:00", help="tick every --every minutes until this local time")
    parser.add_argument("--every", type=int, default=30)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / "first-day.db"
    path.unlink(missing_ok=True)
    db = f"sqlite:///{path}"
    now = datetime.fromisoformat(args.now)
    siyu(db, "demo", "generate", "--customers", str(args.customers), "--seed", "7", "--reset", "--now", args.now)
    siyu(db, "sop", "apply", "examples/sops", "--now", args.now)
    engine = create_engine(db)
    with FakeWeCom(auto_confirm_after_s=0.0) as fake:
        port = int(fake.base_url.rsplit(":", 1)[1])
        with engine.begin() as conn:
            use_fake(conn, port=port, public_url="http://127.0.0.1:8000", now_us=to_us(now))
            config = channels.load(conn, "wecom")
            channels.save(
                conn,
                "wecom",
                settings={**config.settings, "calls_per_minute": 100_000},
                now_us=to_us(now),
            )
        clock = [to_us(now)]
        dispatcher = Dispatcher(engine, clock_us=lambda: clock[0], batch=50, parallel=4)
        hours, minutes = (int(part) for part in args.ticks_until.split(":"))
        last = now.replace(hour=hours, minute=minutes)
        moment = now
        ticks = 0
        try:
            while moment <= last:
                clock[0] = to_us(moment)
                tick(engine, clock[0])
                ticks += 1
                drain(dispatcher)
                moment += timedelta(minutes=args.every)
        finally:
            dispatcher.close()
        apps = fake.app_messages()
        mass = fake.mass_sends()
        calls = fake.calls()
    with engine.connect() as conn:
        by_purpose = Counter(
            f"{purpose}:{status}"
            for purpose, status in conn.execute(sa.select(deliveries.c.purpose, deliveries.c.status))
        )
    per_staff = Counter(user for message in apps for user in message["touser"])
    mass_per_sender = Counter(str(m["sender"]) for m in mass)
    recipients_per_sender = Counter(str(m["sender"]) for m in mass for _ in m["recipients"])
    wecom_calls = sum(count for path, count in calls.items() if path.startswith("/cgi-bin/"))
    print(
        json.dumps(
            {
                "now": args.now,
                "ticks": ticks,
                "deliveries": dict(sorted(by_purpose.items())),
                "app_messages_total": len(apps),
                "app_messages_per_staff": dict(per_staff.most_common()),
                "mass_sends_per_sender": dict(mass_per_sender.most_common()),
                "mass_send_recipients_per_sender": dict(recipients_per_sender.most_common()),
                "wecom_calls_total": wecom_calls,
                "wecom_calls_by_path": {p: c for p, c in sorted(calls.items()) if p.startswith("/cgi-bin/")},
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
