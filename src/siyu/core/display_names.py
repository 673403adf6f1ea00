"""What people call event types, attributes and their coded values, in their language: the
console shows 下单 rather than order_paid, 性别：女 rather than gender=female. A name siyu does
not know is shown as it is stored."""

from __future__ import annotations

from collections.abc import Mapping

from siyu.core.conditions.phrases import EVENT_LABELS
from siyu.core.language import known_locale

ATTRIBUTE_LABELS: Mapping[str, Mapping[str, str]] = {
    "gender": {"zh-CN": "性别", "en": "gender"},
    "birthday": {"zh-CN": "生日", "en": "birthday"},
    "source": {"zh-CN": "来源", "en": "source"},
    "city": {"zh-CN": "城市", "en": "city"},
    "skin_type": {"zh-CN": "肤质", "en": "skin type"},
    "member_level": {"zh-CN": "会员等级", "en": "member level"},
    "pet_name": {"zh-CN": "宠物名", "en": "pet's name"},
    "pet_type": {"zh-CN": "宠物类型", "en": "pet type"},
    "pet_vaccine_due": {"zh-CN": "疫苗到期日", "en": "vaccine due"},
    "phone": {"zh-CN": "手机号", "en": "phone"},
    "wecom_avatar": {"zh-CN": "企微头像", "en": "WeCom avatar"},
    "wecom_remark": {"zh-CN": "企微备注", "en": "WeCom remark"},
}

# coded values of known attributes
VALUE_LABELS: Mapping[str, Mapping[str, Mapping[str, str]]] = {
    "gender": {
        "male": {"zh-CN": "男", "en": "male"},
        "female": {"zh-CN": "女", "en": "female"},
        "unknown": {"zh-CN": "未知", "en": "unknown"},
    },
}


def _label(labels: Mapping[str, Mapping[str, str]], name: str, locale: str) -> str:
    texts = labels.get(name)
    return texts.get(known_locale(locale), name) if texts is not None else name


def event_name(event_type: str, locale: str) -> str:
    return _label(EVENT_LABELS, event_type, locale)


def attribute_name(key: str, locale: str) -> str:
    return _label(ATTRIBUTE_LABELS, key, locale)


def attribute_value(key: str, value: object, locale: str) -> str:
    text = "" if value is None else str(value)
    return _label(VALUE_LABELS.get(key, {}), text, locale)
