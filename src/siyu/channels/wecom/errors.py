"""WeCom's error codes: which ones trying again can fix, which need a new access token, which not.

An unknown code counts as transient: the delivery is retried with backoff and, if it keeps
failing, dead-lettered where an operator sees it and can retry it — safer than giving up on a
code WeCom added after this table was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from siyu.channels.base import DeliveryError


class ErrorKind(StrEnum):
    transient = "transient"  # try again later
    token = "token"  # the access token is bad: fetch a new one and repeat the call once
    permanent = "permanent"  # trying again cannot help


@dataclass(frozen=True)
class Reason:
    kind: ErrorKind
    zh: str
    en: str


TOKEN_CODES = frozenset({40014, 42001, 41001})
RATE_LIMIT_CODES = frozenset({45009, 45011, 45033})
RATE_LIMIT_PAUSE_S = 60.0  # WeCom's limits are per minute: a shorter pause would hit the same limit

_T, _K, _P = ErrorKind.transient, ErrorKind.token, ErrorKind.permanent

REASONS: dict[int, Reason] = {
    -1: Reason(_T, "系统繁忙", "WeCom is busy"),
    6000: Reason(_T, "数据版本冲突", "data version conflict"),
    41063: Reason(_T, "群发消息正在被派发中，请稍后再试", "the mass send is still being dispatched"),
    45009: Reason(_T, "接口调用超过限制", "API call limit exceeded"),
    45011: Reason(_T, "API调用太频繁", "API called too often"),
    45033: Reason(_T, "接口并发调用超过限制", "too many concurrent API calls"),
    40014: Reason(_K, "不合法的access_token", "invalid access token"),
    42001: Reason(_K, "access_token已过期", "access token expired"),
    41001: Reason(_K, "缺少access_token参数", "access token missing"),
    40001: Reason(_P, "不合法的secret参数", "invalid credential: the secret is wrong"),
    40013: Reason(_P, "不合法的CorpID", "invalid corp id"),
    40003: Reason(_P, "无效的UserID", "invalid staff user id"),
    40056: Reason(_P, "不合法的agentid", "invalid agent id"),
    40058: Reason(_P, "不合法的参数", "invalid parameter"),
    40068: Reason(_P, "不合法的标签ID", "invalid tag id"),
    40096: Reason(_P, "不合法的外部联系人userid", "invalid external contact user id"),
    41048: Reason(_P, "无可发送的客户", "no customer to send to"),
    44004: Reason(_P, "文本消息content参数为空", "the text content is empty"),
    45035: Reason(_P, "文本内容过长", "the text is too long"),
    48002: Reason(_P, "API接口无权限调用", "this secret may not call this API"),
    60011: Reason(_P, "指定的成员/部门/标签参数无权限", "no permission for this member, department or tag"),
    60020: Reason(_P, "不安全的访问IP", "the calling IP is not in the app's trusted IPs"),
    60111: Reason(_P, "UserID不存在", "the staff user id does not exist"),
    81013: Reason(_P, "UserID、部门ID、标签ID全部非法或无权限", "every recipient is invalid or not permitted"),
    84061: Reason(_P, "不存在外部联系人的关系", "the customer is not this staff member's external contact"),
}

UNKNOWN = Reason(_T, "未知错误", "unknown error")


def reason_of(errcode: int) -> Reason:
    return REASONS.get(errcode, UNKNOWN)


def kind_of(errcode: int) -> ErrorKind:
    return reason_of(errcode).kind


def classify(errcode: int, errmsg: str) -> DeliveryError:
    """The error to raise for a WeCom answer with a non-zero `errcode`. A token code reaching
    here already failed after a fresh token, so it is transient."""
    if errcode == 0:
        raise ValueError("errcode 0 is WeCom's success, not an error")
    reason = reason_of(errcode)
    message = f"WeCom {errcode}: {reason.zh} ({reason.en})"
    if errmsg:
        message += f"; WeCom said: {errmsg}"
    return DeliveryError(
        message,
        permanent=reason.kind is ErrorKind.permanent,
        code=f"wecom:{errcode}",
        retry_after_s=RATE_LIMIT_PAUSE_S if errcode in RATE_LIMIT_CODES else None,
    )
