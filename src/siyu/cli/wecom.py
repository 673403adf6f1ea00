"""`siyu channel wecom …`: keep siyu in step with WeCom on demand — the corp's customer tags
(sync-tags, tags) and customers' WeCom profiles (profiles: the backfill and the queue). The
worker does both by itself between ticks."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
import typer
from rich.table import Table

from siyu.channels.base import DeliveryError
from siyu.channels.wecom.corp_tags import last_synced
from siyu.cli.app import FormatOption, NowOption, OutputFormat, engine, err, handles_errors, out, parse_now, print_json
from siyu.cli.channels import channel_app
from siyu.core.errors import Problem, ValidationError
from siyu.core.timeutil import from_us, to_us
from siyu.directory import wecom_profiles
from siyu.directory.wecom_sync import WeComSync, sync_tags, wecom_client
from siyu.store.tables import wecom_corp_tags

wecom_app = typer.Typer(help="WeCom: corp tags and customer profiles, on demand.", no_args_is_help=True)
channel_app.add_typer(wecom_app, name="wecom")


def sync_between_ticks(sync: WeComSync, now_us: int) -> None:
    """The worker's WeCom round after a tick; says what it did, never stops the worker."""
    try:
        report = sync.step(now_us)
    except Exception as exc:  # a database hiccup must not end the worker
        err.print(f"wecom sync failed: {exc}", style="bold red", markup=False)
        return
    if report.skipped:
        return
    done = report.profiles
    if report.tags is not None:
        err.print(f"wecom: {report.tags.tags} corp tags kept")
    if report.tag_error:
        err.print(f"wecom: corp tags not synced: {report.tag_error}", markup=False)
    if done.stored or done.retrying or done.failed:
        err.print(f"wecom: {done.stored} profiles stored, {done.retrying} to retry, {len(done.failed)} failed")


@wecom_app.command("sync-tags")
@handles_errors
def sync_tags_now(now: NowOption = None, output: FormatOption = OutputFormat.table) -> None:
    """Fetch the corp's customer tags (get_corp_tag_list) and keep their ids for moments' visible_to."""
    db = engine()
    with db.begin() as conn:
        client, why = wecom_client(conn)
    if client is None:
        raise ValidationError([Problem("wecom", f"cannot sync tags: {why}")])
    try:
        result = sync_tags(db, client, now_us=to_us(parse_now(now)))
    except DeliveryError as error:
        raise ValidationError([Problem("wecom", f"WeCom refused get_corp_tag_list: {error.message}")]) from error
    finally:
        client.close()
    if output is OutputFormat.json:
        print_json({"tags": result.tags, "added": result.added, "removed": result.removed})
        return
    out.print(f"{result.tags} WeCom tags kept ({result.added} new, {result.removed} gone)")


@wecom_app.command("tags")
@handles_errors
def list_tags(output: FormatOption = OutputFormat.table) -> None:
    """The corp tags siyu knows, as the last sync listed them."""
    t = wecom_corp_tags
    with engine().begin() as conn:
        rows = conn.execute(sa.select(t).order_by(t.c.group_name, t.c.name, t.c.tag_id)).all()
        synced = last_synced(conn)
    listed = [{"name": r.name, "tag_id": r.tag_id, "group": r.group_name} for r in rows]
    if output is OutputFormat.json:
        print_json({"synced_at": synced and from_us(synced).isoformat(), "tags": listed})
        return
    if not rows:
        out.print("no WeCom tags kept yet: run `siyu channel wecom sync-tags`")
        return
    table = Table()
    for column in ("group", "name", "tag_id"):
        table.add_column(column)
    for item in listed:
        table.add_row(item["group"], item["name"], item["tag_id"])
    out.print(table)


@wecom_app.command("profiles")
@handles_errors
def profiles(
    backfill: Annotated[
        bool, typer.Option("--backfill", help="Queue every WeCom customer (wm…/wo…) that has no name yet.")
    ] = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="With --backfill: queue failed ones again.")
    ] = False,
    fetch: Annotated[bool, typer.Option("--fetch/--no-fetch", help="Fetch the due profiles now.")] = True,
    now: NowOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Customers' WeCom profiles (name, gender, avatar, remark): queue the nameless, fetch the queue."""
    if retry_failed and not backfill:
        raise ValidationError([Problem("--retry-failed", "goes with --backfill")])
    db = engine()
    now_us = to_us(parse_now(now))
    queued = 0
    if backfill:
        with db.begin() as conn:
            queued = wecom_profiles.queue_nameless(conn, now_us=now_us, again=retry_failed)
    report = WeComSync(db).step(now_us) if fetch else None
    with db.begin() as conn:
        left = wecom_profiles.counts(conn)
        failed = wecom_profiles.failures(conn, limit=10)
    result = {
        "queued": queued,
        "skipped": report.skipped if report else "--no-fetch",
        "stored": report.profiles.stored if report else 0,
        "retrying": report.profiles.retrying if report else 0,
        "waiting": left[wecom_profiles.QUEUED],
        "failed": left[wecom_profiles.FAILED],
    }
    if output is OutputFormat.json:
        print_json({**result, "failures": [{"customer": c, "reason": r} for c, r in failed]})
        return
    out.print(
        f"queued {queued}; fetched {result['stored']}; retrying {result['retrying']}; "
        f"waiting {result['waiting']}; failed {result['failed']}"
    )
    if report is not None and report.skipped:
        err.print(f"not fetched: {report.skipped}")
    for customer, reason in failed:
        out.print(f"  {customer}: {reason}", markup=False)
