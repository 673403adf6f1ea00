"""WeCom calls carry secrets: base_url names WeCom or this machine unless an admin allows another
host on purpose. The check runs on the address as the client joins it, so no spelling sneaks by."""

from __future__ import annotations

import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from siyu.channels.wecom.base_url import WECOM_HOST
from siyu.channels.wecom.config import WeComSettings

ACCEPTED = [
    "https://qyapi.weixin.qq.com",
    "https://qyapi.weixin.qq.com/",
    "https://QYAPI.weixin.qq.com:443",
    "http://127.0.0.1:8765",
    "http://127.9.0.1:80",
    "http://localhost:9000",
    "https://localhost",
    "http://[::1]:8765",
]
REFUSED = [
    "https://evil.example",
    "http://qyapi.weixin.qq.com",  # WeCom, but the secret would cross the network in clear
    "https://qyapi.weixin.qq.com:8443",
    "https://qyapi.weixin.qq.com.evil.example",
    "https://qyapi.weixin.qq.com@evil.example",
    "https://user:pw@qyapi.weixin.qq.com",
    "https://evil.example#qyapi.weixin.qq.com",
    "https://evil.example/?h=qyapi.weixin.qq.com",
    "https://evil.example\\@qyapi.weixin.qq.com",
    "http://10.0.0.5:8765",
    "http://0.0.0.0:8765",
    "ftp://qyapi.weixin.qq.com",
    "qyapi.weixin.qq.com",
    "",
]


@pytest.mark.parametrize("url", ACCEPTED)
def test_wecom_and_loopback_addresses_are_accepted(url: str) -> None:
    assert WeComSettings(base_url=url).base_url == url


@pytest.mark.parametrize("url", REFUSED)
def test_any_other_address_is_refused_on_base_url(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        WeComSettings(base_url=url)
    [error] = caught.value.errors()
    assert error["loc"] == ("base_url",)


def test_the_refusal_says_what_to_do_in_both_languages() -> None:
    with pytest.raises(ValidationError, match=r"企业微信的密钥.*allow_custom_base_url=true · WeCom secrets go only"):
        WeComSettings(base_url="https://proxy.example")


def test_an_admin_may_allow_another_host_on_purpose() -> None:
    allowed = WeComSettings(base_url="https://proxy.example/wecom", allow_custom_base_url=True)
    assert allowed.base_url == "https://proxy.example/wecom"


def test_even_allowed_a_user_name_or_fragment_is_refused() -> None:
    with pytest.raises(ValidationError):
        WeComSettings(base_url="https://proxy.example#x", allow_custom_base_url=True)


hosts = st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9]{1,8}){0,3}", fullmatch=True)
tails = st.sampled_from(["", "/", "/wecom", ":8443", "?a=b", "#f", "@x.test"])


@given(scheme=st.sampled_from(["http", "https"]), host=hosts, tail=tails)
def test_whatever_is_accepted_sends_to_wecom_or_this_machine(scheme: str, host: str, tail: str) -> None:
    url = f"{scheme}://{host}{tail}"
    try:
        settings = WeComSettings(base_url=url)
    except ValidationError:
        return
    sent_to = httpx2.URL(settings.base_url.rstrip("/") + "/cgi-bin/gettoken").host
    assert sent_to in {WECOM_HOST, "localhost"} or sent_to.startswith("127.")
