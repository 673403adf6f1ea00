"""Where WeCom calls may go. Every call carries a secret (`gettoken` sends the corp's secrets,
every other call its access token), so the address is limited to WeCom itself, or to this machine
for the fake WeCom of the demo and tests; any other host needs `allow_custom_base_url`, which an
admin sets on purpose (audited as `channel.save`, like every setting)."""

from __future__ import annotations

import ipaddress

import httpx2

WECOM_HOST = "qyapi.weixin.qq.com"
LOOPBACK_NAMES = frozenset({"localhost"})
# what the client appends to base_url; checking the joined address checks what is really sent
_PROBE_PATH = "/cgi-bin/gettoken"


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, *, allow_custom: bool) -> str:
    """`url` unchanged if calls may go there; else ValueError with a bilingual message."""
    try:
        parsed = httpx2.URL(url.rstrip("/") + _PROBE_PATH)
    except httpx2.InvalidURL as exc:
        raise ValueError(f"不是有效的网址 · not a valid URL: {exc}") from exc
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise ValueError("应以 https:// 开头 · expected an address such as https://qyapi.weixin.qq.com")
    if parsed.userinfo or parsed.query or parsed.fragment or "\\" in url:
        raise ValueError(
            "网址不能带用户名、查询参数或 # 片段 · the address must not carry a user name, a query or a # fragment"
        )
    host = parsed.host.lower()
    if host == WECOM_HOST and parsed.scheme == "https" and parsed.port in (None, 443):
        return url
    if is_loopback(host) or allow_custom:
        return url
    raise ValueError(
        f"企业微信的密钥只发往 https://{WECOM_HOST} 或本机（127.0.0.1、localhost、::1）；"
        f"要用其他地址（如代理），请同时设置 allow_custom_base_url=true · "
        f"WeCom secrets go only to https://{WECOM_HOST} or this machine (127.0.0.1, localhost, ::1); "
        f"for another host (a proxy, say) also set allow_custom_base_url=true"
    )
