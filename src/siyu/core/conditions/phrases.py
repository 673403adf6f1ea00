"""The words conditions are described in (`describe`), in every locale, like the reasons in
core.reasons: each phrase has its text in zh-CN and en with the same `{placeholders}`, and a test
keeps them so. Leaf phrases are keyed `<head>` or `<head>.<variant>`; every head of the registry
has at least one."""

from __future__ import annotations

from collections.abc import Mapping

from siyu.core.language import DEFAULT_LOCALE, known_locale

PHRASES: Mapping[str, Mapping[str, str]] = {
    # groups
    "all": {"zh-CN": "{items}", "en": "{items}"},
    "all.joiner": {"zh-CN": "，且", "en": " and "},
    "any": {"zh-CN": "{items}", "en": "{items}"},
    "any.joiner": {"zh-CN": "，或", "en": " or "},
    "not": {"zh-CN": "不（{item}）", "en": "not ({item})"},
    "nested": {"zh-CN": "（{text}）", "en": "({text})"},
    # names
    "tag": {"zh-CN": "有标签「{name}」", "en": "has the tag “{name}”"},
    "tag.not": {"zh-CN": "没有标签「{name}」", "en": "does not have the tag “{name}”"},
    "role": {"zh-CN": "角色为「{name}」", "en": "has the role “{name}”"},
    # attributes
    "attr.eq": {"zh-CN": "属性 {key} 等于 {value}", "en": "attribute {key} is {value}"},
    "attr.ne": {"zh-CN": "属性 {key} 不等于 {value}", "en": "attribute {key} is not {value}"},
    "attr.in": {"zh-CN": "属性 {key} 是 {value} 之一", "en": "attribute {key} is one of {value}"},
    "attr.not_in": {"zh-CN": "属性 {key} 不是 {value} 中的任何一个", "en": "attribute {key} is none of {value}"},
    "attr.gt": {"zh-CN": "属性 {key} 大于 {value}", "en": "attribute {key} is above {value}"},
    "attr.gte": {"zh-CN": "属性 {key} 不小于 {value}", "en": "attribute {key} is at least {value}"},
    "attr.lt": {"zh-CN": "属性 {key} 小于 {value}", "en": "attribute {key} is below {value}"},
    "attr.lte": {"zh-CN": "属性 {key} 不大于 {value}", "en": "attribute {key} is at most {value}"},
    "attr.between": {
        "zh-CN": "属性 {key} 在 {low} 到 {high} 之间",
        "en": "attribute {key} is between {low} and {high}",
    },
    "attr.contains": {"zh-CN": "属性 {key} 包含 {value}", "en": "attribute {key} contains {value}"},
    "attr.exists": {"zh-CN": "有属性 {key}", "en": "has the attribute {key}"},
    "attr.missing": {"zh-CN": "没有属性 {key}", "en": "has no attribute {key}"},
    "value.text": {"zh-CN": "「{text}」", "en": "“{text}”"},
    "value.list.joiner": {"zh-CN": "、", "en": ", "},
    "value.or.joiner": {"zh-CN": " 或 ", "en": " or "},
    # events
    "event": {"zh-CN": "{window}发生过{event}{where} 至少 1 次", "en": "{event}{where} at least once {window}"},
    "event.count": {"zh-CN": "{window}发生{event}{where} {bound} 次", "en": "{event}{where} {bound} times {window}"},
    "event.sum": {
        "zh-CN": "{window}{event}{where}的 {field} 合计 {bound}",
        "en": "the {field} of {event}{where} {window} totals {bound}",
    },
    "no_event": {"zh-CN": "{window}没有发生过{event}{where}", "en": "no {event}{where} {window}"},
    "event.name": {"zh-CN": "「{label}」({type})", "en": "“{label}” ({type})"},
    "event.type": {"zh-CN": "「{type}」", "en": "“{type}”"},
    "event.where": {"zh-CN": "（{matches}）", "en": " (with {matches})"},
    "event.where.match": {"zh-CN": "{key} 为 {values}", "en": "{key} = {values}"},
    "window.ever": {"zh-CN": "曾经", "en": "ever"},
    "window.within": {"zh-CN": "近 {span}内", "en": "in the last {span}"},
    "window.between": {"zh-CN": "在 {older}前到 {newer}前之间", "en": "between {older} and {newer} ago"},
    "window.range": {"zh-CN": "在 {start} 到 {end} 期间", "en": "between {start} and {end}"},
    "window.since_entry": {"zh-CN": "进入 SOP 以来{window}", "en": "{window} since entering the SOP"},
    "window.since_entry.ever": {"zh-CN": "进入 SOP 以来", "en": "since entering the SOP"},
    "since": {
        "zh-CN": "首次{event}{where}至今 {bound} 天",
        "en": "{bound} days since the first {event}{where}",
    },
    # customers
    "birthday.today": {"zh-CN": "今天生日", "en": "has a birthday today"},
    "birthday.this_week": {"zh-CN": "本周生日", "en": "has a birthday this week"},
    "birthday.this_month": {"zh-CN": "本月生日", "en": "has a birthday this month"},
    "birthday.in_days": {"zh-CN": "距下次生日 {bound} 天", "en": "the next birthday is {bound} days away"},
    "date_attr": {"zh-CN": "距日期属性 {key} {bound} 天", "en": "the date in attribute {key} is {bound} days away"},
    "in_group.any": {"zh-CN": "在某个群里", "en": "is in a group"},
    "in_group.none": {"zh-CN": "不在任何群里", "en": "is in no group"},
    "in_group.matching": {"zh-CN": "在满足（{group}）的群里", "en": "is in a group that {group}"},
    "repurchase_due": {"zh-CN": "「{product}」已到复购时间", "en": "is due to buy “{product}” again"},
    "repurchase_due.within": {
        "zh-CN": "「{product}」{days} 天内到复购时间",
        "en": "is due to buy “{product}” again within {days} days",
    },
    "referrals": {"zh-CN": "{window}邀请好友 {bound} 人", "en": "brought {bound} contacts {window}"},
    # bounds: comparisons joined by the joiner
    "bound.eq": {"zh-CN": "正好 {n}", "en": "exactly {n}"},
    "bound.gt": {"zh-CN": "多于 {n}", "en": "more than {n}"},
    "bound.gte": {"zh-CN": "至少 {n}", "en": "at least {n}"},
    "bound.lt": {"zh-CN": "少于 {n}", "en": "fewer than {n}"},
    "bound.lte": {"zh-CN": "至多 {n}", "en": "at most {n}"},
    "bound.joiner": {"zh-CN": " 且 ", "en": " and "},
    # an SOP's audience, entry, exit and steps (core.sop_words)
    "sop.audience.every.customer": {"zh-CN": "所有客户", "en": "every customer"},
    "sop.audience.every.group": {"zh-CN": "所有群", "en": "every group"},
    "sop.audience.every.staff": {"zh-CN": "所有员工账号", "en": "every staff account"},
    "sop.audience.nobody": {"zh-CN": "未设置，不会触达", "en": "not set: reaches no one"},
    "sop.entry.audience": {"zh-CN": "开始满足受众条件时进入", "en": "enters when the audience starts to hold"},
    "sop.entry.event": {
        "zh-CN": "发生{event}{where}且满足受众条件时进入",
        "en": "enters when {event}{where} happens and the audience holds",
    },
    "sop.exit.none": {"zh-CN": "未设退出条件", "en": "no exit condition"},
    "sop.exit.when": {"zh-CN": "满足退出条件即退出：{condition}", "en": "leaves as soon as this holds: {condition}"},
    "sop.when.always": {"zh-CN": "无条件执行", "en": "always carried out"},
    "sop.when.only": {"zh-CN": "仅当{condition}时执行，否则跳过", "en": "only when {condition}; skipped otherwise"},
    # durations
    "unit.d": {"zh-CN": "{n} 天", "en": "{n} days"},
    "unit.h": {"zh-CN": "{n} 小时", "en": "{n} hours"},
    "unit.m": {"zh-CN": "{n} 分钟", "en": "{n} minutes"},
}

# The event types siyu's importers and demo know, by the name people use for them.
EVENT_LABELS: Mapping[str, Mapping[str, str]] = {
    "order_paid": {"zh-CN": "下单", "en": "order paid"},
    "order_refunded": {"zh-CN": "退款", "en": "order refunded"},
    "friend_added": {"zh-CN": "添加好友", "en": "friend added"},
    "account_bound": {"zh-CN": "绑定会员", "en": "account bound"},
    "message_sent": {"zh-CN": "发消息", "en": "message sent"},
    "message_received": {"zh-CN": "收到消息", "en": "message received"},
    "link_clicked": {"zh-CN": "点击链接", "en": "link clicked"},
    "coupon_redeemed": {"zh-CN": "核销优惠券", "en": "coupon redeemed"},
    "group_joined": {"zh-CN": "入群", "en": "joined a group"},
    "group_left": {"zh-CN": "退群", "en": "left a group"},
    "member_joined": {"zh-CN": "新成员入群", "en": "member joined"},
}


def phrase(name: str, locale: str, /, **params: object) -> str:
    """The phrase `name` in `locale` (the default locale's when it has none), filled in."""
    texts = PHRASES[name]
    template = texts.get(known_locale(locale)) or texts[DEFAULT_LOCALE]
    return template.format(**params) if params else template
