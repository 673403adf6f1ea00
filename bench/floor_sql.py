"""Hand-written SQL for every scenario audience: the floor a compiled audience is measured
against. Written the way an engineer who knows the schema would write each one by hand."""

from __future__ import annotations

from datetime import date, datetime

from siyu.core.birthdays import mds_celebrated_on


def _text(dialect: str, key: str) -> str:
    return f"properties ->> '{key}'" if dialect == "postgresql" else f"json_extract(properties, '$.\"{key}\"')"


def _number(dialect: str, key: str) -> str:
    if dialect == "postgresql":
        return f"(properties ->> '{key}')::numeric"
    return f"json_extract(properties, '$.\"{key}\"')"


def _instant(text: str) -> int:
    moment = datetime.fromisoformat(text)
    return int(moment.timestamp()) * 1_000_000


def floor_queries(dialect: str, today: date) -> dict[str, str]:
    """SOP id (or `id:groups`) → a `SELECT count(*) …` statement with :now, :day and :today."""
    birthdays = ", ".join(str(md) for md in sorted(mds_celebrated_on(today)))
    not_in_group = "c.id NOT IN (SELECT customer_id FROM group_members)"
    sale_from, sale_to = _instant("2026-06-01T00:00:00+08:00"), _instant("2026-06-19T00:00:00+08:00")
    median = "AVG(gap)"
    return {
        "unbound-revisit": """SELECT count(*) FROM customers c
            WHERE c.id IN (SELECT customer_id FROM events WHERE type = 'friend_added' AND at <= :now - 7 * :day)
              AND NOT EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id AND e.type = 'account_bound'
                              AND e.at <= :now)""",
        "invite-to-group": f"""SELECT count(*) FROM customers c
            WHERE c.id IN (SELECT customer_id FROM events WHERE type = 'friend_added' AND at <= :now - :day)
              AND {not_in_group}""",
        "sale-buyers-invite": f"""SELECT count(*) FROM customers c
            WHERE c.id IN (SELECT customer_id FROM events WHERE type = 'order_paid'
                           AND at >= {sale_from} AND at < {sale_to})
              AND {not_in_group}""",
        "shop-source-invite": f"""SELECT count(*) FROM customers c
            WHERE c.id IN (SELECT customer_id FROM customer_attributes
                           WHERE key = 'source' AND value_text IN ('京东店铺', '拼多多店铺'))
              AND {not_in_group}""",
        "lapsed-female-not-in-group": f"""SELECT count(*) FROM customers c
            WHERE c.id IN (SELECT customer_id FROM customer_attributes WHERE key = 'gender' AND value_text = 'female')
              AND EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id AND e.type = 'order_paid'
                          AND e.at <= :now)
              AND c.id NOT IN (SELECT customer_id FROM events WHERE type = 'order_paid' AND at >= :now - 60 * :day
                               AND at <= :now)
              AND {not_in_group}""",
        "pet-vaccine-reminder": """SELECT count(*) FROM customers c
            WHERE c.id IN (SELECT customer_id FROM customer_tags WHERE tag = '宠物主')
              AND c.id IN (SELECT customer_id FROM customer_attributes WHERE key = 'pet_vaccine_due'
                           AND value_day BETWEEN :today AND :today + 7)""",
        "birthday": f"SELECT count(*) FROM customers WHERE birthday_md IN ({birthdays})",
        "fission-poster": "SELECT count(*) FROM customer_tags WHERE tag = '双11裂变活动'",
        "fission-reward": f"""SELECT count(*) FROM customers c
            WHERE c.id IN (SELECT customer_id FROM customer_tags WHERE tag = '双11裂变活动')
              AND c.external_id IN (SELECT {_text(dialect, "referrer")} FROM events
                                    WHERE type = 'friend_added' AND at <= :now
                                    GROUP BY 1 HAVING count(DISTINCT customer_id) >= 6)""",
        "after-sales-revisit": """SELECT count(*) FROM customers c
            WHERE c.id IN (SELECT customer_id FROM events WHERE type = 'order_paid'
                           AND at >= :now - 8 * :day AND at < :now - 7 * :day)
              AND c.id NOT IN (SELECT customer_id FROM events WHERE type = 'order_refunded'
                               AND at >= :now - 8 * :day AND at <= :now)""",
        "welfare-pack-price-diff": f"""SELECT count(*) FROM customers c
            WHERE c.id IN (SELECT customer_id FROM events WHERE type = 'order_paid'
                           AND at >= :now - 8 * :day AND at < :now - 7 * :day
                           AND {_text(dialect, "sku")} = 'WELFARE-PACK')""",
        "high-spender-survey": f"""SELECT count(*) FROM (
                SELECT customer_id FROM events
                WHERE type = 'order_paid' AND at >= :now - 365 * :day AND at <= :now
                  AND customer_id IN (SELECT customer_id FROM events WHERE type = 'order_paid'
                                      AND at >= :now - 8 * :day AND at < :now - 7 * :day)
                GROUP BY customer_id HAVING sum({_number(dialect, "amount")}) >= 2000) AS spenders""",
        "repurchase-reminder": f"""WITH purchases AS MATERIALIZED (
                SELECT customer_id, day, LAG(day) OVER (PARTITION BY customer_id ORDER BY at) AS previous
                FROM events WHERE type = 'order_paid' AND at <= :now AND {_text(dialect, "product")} = '润肤霜'),
            gaps AS MATERIALIZED (SELECT customer_id, day - previous AS gap FROM purchases WHERE previous IS NOT NULL),
            ranked AS (SELECT customer_id, gap, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY gap) AS rank,
                              COUNT(*) OVER (PARTITION BY customer_id) AS size FROM gaps),
            own AS (SELECT customer_id, {median} AS cycle FROM ranked
                    WHERE size >= 2 AND rank IN ((size + 1) / 2, (size + 2) / 2) GROUP BY customer_id),
            histogram AS (SELECT gap, count(*) AS size FROM gaps GROUP BY gap),
            running AS (SELECT gap, CAST(SUM(size) OVER (ORDER BY gap) AS BIGINT) AS upto,
                               CAST(SUM(size) OVER () AS BIGINT) AS total FROM histogram),
            brand AS (SELECT ((SELECT min(gap) FROM running WHERE upto >= (total + 1) / 2)
                            + (SELECT min(gap) FROM running WHERE upto >= (total + 2) / 2)) / 2.0 AS cycle
                      FROM running LIMIT 1),
            last AS (SELECT customer_id, MAX(day) AS last_day FROM purchases GROUP BY customer_id)
            SELECT count(*) FROM last LEFT JOIN own ON own.customer_id = last.customer_id
            WHERE :today - last.last_day >= COALESCE(own.cycle, (SELECT cycle FROM brand))""",
        "prospect-recall": """SELECT count(*) FROM customers c
            WHERE c.id IN (SELECT customer_id FROM customer_tags WHERE tag = '潜客')
              AND c.id IN (SELECT customer_id FROM events WHERE type = 'friend_added' AND at <= :now - 61 * :day)
              AND NOT EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id AND e.type = 'order_paid'
                              AND e.at <= :now)""",
        "silent-wakeup": """SELECT count(*) FROM customers c
            WHERE EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id AND e.type = 'order_paid'
                          AND e.at >= :now - 365 * :day AND e.at <= :now)
              AND NOT EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id AND e.type = 'order_paid'
                              AND e.at >= :now - 180 * :day AND e.at <= :now)""",
        "lost-wakeup": """SELECT count(*) FROM customers c
            WHERE EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id AND e.type = 'order_paid'
                          AND e.at <= :now)
              AND NOT EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id AND e.type = 'order_paid'
                              AND e.at >= :now - 365 * :day AND e.at <= :now)""",
        "new-friend-onboarding": """SELECT count(*) FROM customers c
            WHERE c.id NOT IN (SELECT customer_id FROM customer_tags WHERE tag = '员工')""",
        "member-group-weekly": "SELECT count(*) FROM group_tags WHERE tag = '会员群'",
        "trial-class-campaign": "SELECT count(*) FROM customer_tags WHERE tag = '试听课意向'",
        "trial-class-campaign:groups": "SELECT count(*) FROM group_tags WHERE tag = '试听课群'",
        "moments-warmup": "SELECT count(*) FROM staff_roles WHERE role = '导购'",
    }
