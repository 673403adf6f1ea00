"""Why a task or an entry changed, kept as a code with parameters and rendered in the reader's
language. The planner and delivery store `Reason`s (tasks.reason_code + reason_params,
sop_entries.exit_reason + exit_params); what a person typed (a skip reason) or a channel answered
(an error message) is kept as their text (tasks.reason).

Every code has its text in every locale here; a test keeps the placeholders of both alike."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from siyu.core.language import DEFAULT_LOCALE, known_locale

ParamValue = str | int


class ReasonCode(StrEnum):
    # entries
    left_audience = "left_audience"
    reentered = "reentered"
    exit_condition = "exit_condition"
    left_sop = "left_sop"
    # caps
    daily_cap_deferred = "daily_cap_deferred"
    weekly_cap_deferred = "weekly_cap_deferred"
    daily_cap_not_planned = "daily_cap_not_planned"
    weekly_cap_not_planned = "weekly_cap_not_planned"
    daily_cap_no_room = "daily_cap_no_room"
    weekly_cap_no_room = "weekly_cap_no_room"
    cap_room_again = "cap_room_again"
    workday_calendar_missing = "workday_calendar_missing"
    no_workday_found = "no_workday_found"
    workday_calendar_changed = "workday_calendar_changed"
    # firing
    sop_disabled = "sop_disabled"
    late = "late"
    not_done_in_time = "not_done_in_time"
    step_missing = "step_missing"
    version_replaced = "version_replaced"
    when_false = "when_false"
    no_executor = "no_executor"
    missing_value = "missing_value"
    # delivery
    internal_not_auto = "internal_not_auto"
    adapter_disabled = "adapter_disabled"
    no_adapter = "no_adapter"
    mass_send_allowance = "mass_send_allowance"
    not_confirmed = "not_confirmed"


TEXTS: Mapping[ReasonCode, Mapping[str, str]] = {
    ReasonCode.left_audience: {"zh-CN": "离开人群", "en": "left the audience"},
    ReasonCode.reentered: {"zh-CN": "重新进入", "en": "entered again"},
    ReasonCode.exit_condition: {"zh-CN": "满足退出条件：{condition}", "en": "exit condition met: {condition}"},
    ReasonCode.left_sop: {"zh-CN": "已退出 SOP", "en": "left the SOP"},
    ReasonCode.daily_cap_deferred: {
        "zh-CN": "每日上限 {limit} 已满，顺延 {days} 天",
        "en": "daily cap {limit} reached; deferred {days:plural=day}",
    },
    ReasonCode.weekly_cap_deferred: {
        "zh-CN": "每周上限 {limit} 已满，顺延 {days} 天",
        "en": "weekly cap {limit} reached; deferred {days:plural=day}",
    },
    ReasonCode.daily_cap_not_planned: {
        "zh-CN": "每日上限 {limit} 已满，不安排",
        "en": "daily cap {limit} reached; not planned",
    },
    ReasonCode.weekly_cap_not_planned: {
        "zh-CN": "每周上限 {limit} 已满，不安排",
        "en": "weekly cap {limit} reached; not planned",
    },
    ReasonCode.daily_cap_no_room: {
        "zh-CN": "每日上限 {limit} 已满，{days} 天内无空位",
        "en": "daily cap {limit} reached; no room within {days:plural=day}",
    },
    ReasonCode.weekly_cap_no_room: {
        "zh-CN": "每周上限 {limit} 已满，{days} 天内无空位",
        "en": "weekly cap {limit} reached; no room within {days:plural=day}",
    },
    ReasonCode.cap_room_again: {
        "zh-CN": "频次上限腾出空位，恢复原定时间",
        "en": "room under the cap again; back to its time",
    },
    ReasonCode.workday_calendar_missing: {
        "zh-CN": "工作日日历缺少 {date}：chinesecalendar {library} 只含 {first_year}–{last_year} 年，"
        "{year} 年的法定节假日也无法推算。请补充 {year} 年的法定节假日和调休上班日，例如 "
        "siyu settings workdays import 文件（每行 日期,类型，如 {year}-01-01,holiday）；"
        "{year} 年其余日期按周一至周五上班计算。",
        "en": "no Chinese workday calendar for {date}: chinesecalendar {library} knows {first_year}–{last_year} "
        "only and {year}'s public holidays cannot be estimated. Give {year}'s public holidays and make-up "
        "workdays, e.g. siyu settings workdays import FILE (lines date,kind such as {year}-01-01,holiday); "
        "the other days of {year} then follow the plain week (Monday–Friday workdays).",
    },
    ReasonCode.no_workday_found: {
        "zh-CN": "{date} 之后 {days} 天内没有工作日：请检查工作日设置里的节假日",
        "en": "no workday within {days} days after {date}: check the holidays in the workdays setting",
    },
    ReasonCode.workday_calendar_changed: {
        "zh-CN": "工作日日历已更新，按新日历重新安排",
        "en": "the workday calendar changed: planned again by it",
    },
    ReasonCode.sop_disabled: {"zh-CN": "SOP 已停用", "en": "the SOP is disabled"},
    ReasonCode.late: {
        "zh-CN": "超过 late_after 未执行，不再补发",
        "en": "not carried out within late_after: expired, never sent late",
    },
    ReasonCode.not_done_in_time: {"zh-CN": "超过 late_after 未完成", "en": "not done within late_after"},
    ReasonCode.step_missing: {
        "zh-CN": "SOP {sop} 版本 {version} 没有步骤 {step}",
        "en": "SOP {sop} version {version} has no step {step}",
    },
    ReasonCode.version_replaced: {
        "zh-CN": "SOP 已更新到版本 {version}，该步骤已改变",
        "en": "replaced by version {version}",
    },
    ReasonCode.when_false: {"zh-CN": "执行条件不满足：{condition}", "en": "when is false: {condition}"},
    ReasonCode.no_executor: {"zh-CN": "没有执行人", "en": "nobody can carry it out"},
    ReasonCode.missing_value: {
        "zh-CN": "话术变量缺失：{{{{{name}}}}} 没有值（第 {position} 个字符）",
        "en": "missing value: no value for {{{{{name}}}}} (character {position})",
    },
    ReasonCode.internal_not_auto: {
        "zh-CN": "内部任务无法自动发送，改为提醒",
        "en": "internal work cannot be sent automatically: a reminder instead",
    },
    ReasonCode.adapter_disabled: {
        "zh-CN": "渠道 {adapter} 未启用，改为提醒员工发送",
        "en": "adapter {adapter} is not enabled: the staff member is reminded instead",
    },
    ReasonCode.no_adapter: {
        "zh-CN": "没有可自动发送 {channel} 的渠道，改为提醒员工发送",
        "en": "no enabled adapter can send {channel}: the staff member is reminded instead",
    },
    ReasonCode.mass_send_allowance: {
        "zh-CN": "客户本月的企业群发次数已用完（{limit} 次），改为提醒员工一对一发送",
        "en": "the customer has had this month's {limit} WeCom mass sends: the staff member is reminded instead",
    },
    ReasonCode.not_confirmed: {
        "zh-CN": "员工 {hours} 小时内未确认发送",
        "en": "not confirmed by the staff member within {hours} h",
    },
}


@dataclass(frozen=True)
class Reason:
    """A code and its parameters (kept as sorted pairs, so a reason can key a dict)."""

    code: ReasonCode
    params: tuple[tuple[str, ParamValue], ...] = ()

    @classmethod
    def of(cls, code: ReasonCode, **params: ParamValue) -> Reason:
        return cls(code, tuple(sorted(params.items())))

    @property
    def parameters(self) -> dict[str, ParamValue]:
        return dict(self.params)

    def text(self, locale: str = DEFAULT_LOCALE) -> str:
        return render_reason(self.code, self.parameters, None, locale) or self.code


REASON_COLUMNS = ("reason", "reason_code", "reason_params")


def reason_columns(reason: Reason | str | None, prefix: str = "reason") -> dict[str, Any]:
    """The stored form: {reason: a person's or a channel's text, reason_code, reason_params}."""
    if isinstance(reason, Reason):
        return {prefix: None, f"{prefix}_code": reason.code.value, f"{prefix}_params": reason.parameters or None}
    return {prefix: reason, f"{prefix}_code": None, f"{prefix}_params": None}


def stored_reason(code: str | None, params: Mapping[str, Any] | None) -> Reason | None:
    """The Reason kept in a row's code and parameters (None: none, or a code this version lacks)."""
    if code is None or code not in ReasonCode.__members__:
        return None
    return Reason.of(ReasonCode(code), **dict(params or {}))


def render_reason(code: str | None, params: Mapping[str, Any] | None, text: str | None, locale: str) -> str | None:
    """A stored reason in `locale`: the code's text with its parameters, else the stored text.
    A code this version does not know shows as itself with its parameters."""
    if code is None:
        return text
    try:
        known = ReasonCode(code)
    except ValueError:
        shown = ", ".join(f"{k}={v}" for k, v in sorted((params or {}).items()))
        return f"{code} ({shown})" if shown else code
    texts = TEXTS[known]
    template = texts.get(known_locale(locale)) or texts[DEFAULT_LOCALE]
    try:
        return _FORMATTER.format(template, **dict(params or {}))
    except (KeyError, IndexError, ValueError):
        shown = ", ".join(f"{k}={v}" for k, v in sorted((params or {}).items()))
        return f"{code} ({shown})" if shown else code


class _ReasonFormatter(string.Formatter):
    """str.format, plus `{days:plural=day}` → "1 day" / "3 days"."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("plural="):
            word = format_spec.removeprefix("plural=")
            return f"{value} {word}" if value == 1 else f"{value} {word}s"
        return str(super().format_field(value, format_spec))


_FORMATTER = _ReasonFormatter()
