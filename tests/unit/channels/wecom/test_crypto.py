"""WeCom's callback crypto against WeCom's own published sample values, and its refusals.

The sample values come from WeCom's official callback sample code and docs:
- SAMPLE (Token QDG6eK, corp wx5823bf96d3bd56c7): github.com/sbzhu/weworkapi_php callback/Sample.php
  (the URL check and the POST example), the same values as the C# sample and as the worked example
  of the 加解密方案说明 page (developer.work.weixin.qq.com/document/path/90968), which also gives the
  POST sample's decrypted XML;
- SAMPLE2 (Token hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo, corp ww1436e0e65a779aee):
  github.com/sbzhu/weworkapi_python callback/Sample.py.
"""

from __future__ import annotations

import base64
import struct

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given
from hypothesis import strategies as st

from siyu.channels.wecom.crypto import (
    CallbackCrypto,
    CallbackError,
    Reason,
    check_timestamp,
    decode_aes_key,
    parse_envelope,
    parse_xml,
    reply_envelope,
    signature_of,
)

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP = "wx5823bf96d3bd56c7"

URL_SIGNATURE = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
URL_TIMESTAMP = "1409659589"
URL_NONCE = "263014780"
URL_ECHOSTR = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
URL_PLAIN = "1616140317555161061"

POST_SIGNATURE = "477715d11cdb4164915debcba66cb864d751f3e6"
POST_TIMESTAMP = "1409659813"
POST_NONCE = "1372623149"
POST_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/s"
    "YYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJ"
    "YuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGU"
    "callcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDY"
    "A5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)
POST_BODY = (
    f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><Encrypt><![CDATA[{POST_ENCRYPT}]]></Encrypt>"
    "<AgentID><![CDATA[218]]></AgentID></xml>"
)
POST_PLAIN = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
    "<FromUserName><![CDATA[mycreate]]></FromUserName>\n"
    "<CreateTime>1409659813</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n"
    "<AgentID>218</AgentID>\n"
    "</xml>"
)
# the 16 random bytes leading the POST sample's plaintext (read off by decrypting it): with them,
# encrypting the sample's message must give WeCom's ciphertext byte for byte
POST_RANDOM = b"0960688932c47ef1"

TOKEN2 = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY2 = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP2 = "ww1436e0e65a779aee"


@pytest.fixture
def sample() -> CallbackCrypto:
    return CallbackCrypto(TOKEN, AES_KEY, CORP)


def refused(reason: Reason) -> pytest.RaisesExc[CallbackError]:
    return pytest.raises(CallbackError, check=lambda e: e.reason is reason)


# ---- WeCom's samples ----


def test_the_sample_url_check_gives_its_echostr(sample: CallbackCrypto) -> None:
    assert sample.verify_url(URL_SIGNATURE, URL_TIMESTAMP, URL_NONCE, URL_ECHOSTR) == URL_PLAIN


def test_the_sample_post_decrypts_to_the_documented_message(sample: CallbackCrypto) -> None:
    envelope = parse_envelope(POST_BODY)
    assert (envelope.to_user, envelope.agent_id) == (CORP, "218")
    assert sample.decrypt(POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE, envelope.encrypt) == POST_PLAIN


def test_the_sample_signatures_are_sha1_of_the_sorted_parts() -> None:
    assert signature_of(TOKEN, POST_TIMESTAMP, POST_NONCE, POST_ENCRYPT) == POST_SIGNATURE
    assert signature_of(TOKEN, URL_TIMESTAMP, URL_NONCE, URL_ECHOSTR) == URL_SIGNATURE


def test_encrypting_the_sample_message_gives_wecoms_ciphertext(sample: CallbackCrypto) -> None:
    encrypted, signature = sample.encrypt(POST_PLAIN, nonce=POST_NONCE, timestamp=POST_TIMESTAMP, random16=POST_RANDOM)
    assert (encrypted, signature) == (POST_ENCRYPT, POST_SIGNATURE)


def test_the_python_sample_decrypts() -> None:
    crypto = CallbackCrypto(TOKEN2, AES_KEY2, CORP2)
    echo = crypto.verify_url(
        "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
        "1476416373",
        "47744683",
        "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
    )
    assert echo == "1288432023552776189"
    body = (
        "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA["
        "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew"
        "+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24Yhm"
        "ZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwo"
        "cugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+]]></Encrypt>\n"
        "<AgentID><![CDATA[1000002]]></AgentID>\n</xml>"
    )
    envelope = parse_envelope(body)
    plain = crypto.decrypt("0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914", envelope.encrypt)
    assert plain == (
        "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName>"
        "<CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content>"
        "<MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>"
    )


# ---- refusals ----


@pytest.mark.parametrize(
    ("signature", "timestamp", "nonce"),
    [
        (POST_SIGNATURE[:-1] + "0", POST_TIMESTAMP, POST_NONCE),  # one character changed
        (POST_SIGNATURE.upper(), POST_TIMESTAMP, POST_NONCE),
        ("", POST_TIMESTAMP, POST_NONCE),
        ("签名", POST_TIMESTAMP, POST_NONCE),  # not ASCII: refused, not a TypeError
        (POST_SIGNATURE, "1409659814", POST_NONCE),  # the timestamp is signed
        (POST_SIGNATURE, POST_TIMESTAMP, "1372623148"),  # and the nonce
    ],
)
def test_a_wrong_signature_is_refused(sample: CallbackCrypto, signature: str, timestamp: str, nonce: str) -> None:
    with refused(Reason.signature):
        sample.decrypt(signature, timestamp, nonce, POST_ENCRYPT)


def test_a_changed_ciphertext_is_refused_by_its_signature(sample: CallbackCrypto) -> None:
    changed = "S" + POST_ENCRYPT[1:]
    with refused(Reason.signature):
        sample.decrypt(POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE, changed)


def test_another_token_is_refused() -> None:
    with refused(Reason.signature):
        CallbackCrypto("other", AES_KEY, CORP).verify_url(URL_SIGNATURE, URL_TIMESTAMP, URL_NONCE, URL_ECHOSTR)


def test_a_message_for_another_corp_is_refused() -> None:
    with refused(Reason.receive_id) as caught:
        CallbackCrypto(TOKEN, AES_KEY, "ww0000000000000000").decrypt(
            POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE, POST_ENCRYPT
        )
    assert CORP in str(caught.value)


def test_another_key_is_refused_at_the_padding() -> None:
    other_key = "A" * 43
    with refused(Reason.padding):
        CallbackCrypto(TOKEN, other_key, CORP).decrypt(POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE, POST_ENCRYPT)


@pytest.mark.parametrize(
    ("key", "says"),
    [
        (AES_KEY[:-1], "43 characters, got 42"),
        (AES_KEY + "A", "43 characters, got 44"),
        ("", "43 characters, got 0"),
        (AES_KEY[:-1] + "!", "base64"),
        (AES_KEY[:-1] + "=", "base64"),
    ],
)
def test_an_encoding_aes_key_that_is_not_43_base64_characters_is_refused(key: str, says: str) -> None:
    with refused(Reason.settings) as caught:
        CallbackCrypto(TOKEN, key, CORP)
    assert "callback_aes_key" in str(caught.value)
    assert says in str(caught.value)


def test_the_key_is_the_base64_of_encoding_aes_key_and_32_bytes() -> None:
    assert decode_aes_key(AES_KEY) == base64.b64decode(AES_KEY + "=")
    assert len(decode_aes_key(AES_KEY)) == 32


@pytest.mark.parametrize(("token", "corp", "setting"), [("", CORP, "callback_token"), (TOKEN, " ", "corp_id")])
def test_an_empty_token_or_corp_id_is_refused(token: str, corp: str, setting: str) -> None:
    with refused(Reason.settings) as caught:
        CallbackCrypto(token, AES_KEY, corp)
    assert setting in str(caught.value)


def _signed(raw_plain: bytes) -> tuple[str, str]:
    """`raw_plain` (already a whole number of blocks) encrypted with the sample key, and signed:
    what a sender with the sample's token and key but a faulty encoder would send."""
    key = base64.b64decode(AES_KEY + "=")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    encrypted = base64.b64encode(encryptor.update(raw_plain) + encryptor.finalize()).decode()
    return encrypted, signature_of(TOKEN, "1", "n", encrypted)


@pytest.mark.parametrize(
    "raw",
    [
        b"x" * 32,  # last byte 0x78: no padding
        b"x" * 31 + b"\x00",  # a zero count
        b"x" * 30 + b"\x01\x02",  # a count whose bytes differ
        b"x" * 31 + b"\x21",  # 33: more than a block of 32
    ],
)
def test_bad_padding_is_refused(sample: CallbackCrypto, raw: bytes) -> None:
    encrypted, signature = _signed(raw)
    with refused(Reason.padding):
        sample.decrypt(signature, "1", "n", encrypted)


def test_a_length_field_past_the_end_is_refused(sample: CallbackCrypto) -> None:
    body = b"r" * 16 + struct.pack(">I", 1000) + b"short" + CORP.encode()
    count = 32 - len(body) % 32
    encrypted, signature = _signed(body + bytes([count]) * count)
    with refused(Reason.length):
        sample.decrypt(signature, "1", "n", encrypted)


def test_a_message_that_is_not_utf8_is_refused(sample: CallbackCrypto) -> None:
    body = b"r" * 16 + struct.pack(">I", 2) + b"\xff\xfe" + CORP.encode()
    count = 32 - len(body) % 32
    encrypted, signature = _signed(body + bytes([count]) * count)
    with refused(Reason.encoding):
        sample.decrypt(signature, "1", "n", encrypted)


@pytest.mark.parametrize("encrypted", ["not base64!", "QUJD", "", base64.b64encode(b"x" * 40).decode()])
def test_text_that_is_not_base64_of_whole_blocks_is_refused(sample: CallbackCrypto, encrypted: str) -> None:
    with refused(Reason.base64):
        sample.decrypt(signature_of(TOKEN, "1", "n", encrypted), "1", "n", encrypted)


def test_random16_must_be_16_bytes(sample: CallbackCrypto) -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        sample.encrypt("x", nonce="n", timestamp="1", random16=b"short")


# ---- round trips ----

_NONCES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=32)
_TIMESTAMPS = st.integers(min_value=0, max_value=9_999_999_999).map(str)


@given(
    plaintext=st.text(max_size=300),
    nonce=_NONCES,
    timestamp=_TIMESTAMPS,
    random16=st.binary(min_size=16, max_size=16),
)
def test_encrypt_then_decrypt_gives_the_text_back(plaintext: str, nonce: str, timestamp: str, random16: bytes) -> None:
    crypto = CallbackCrypto(TOKEN, AES_KEY, CORP)
    encrypted, signature = crypto.encrypt(plaintext, nonce=nonce, timestamp=timestamp, random16=random16)
    assert signature == signature_of(TOKEN, timestamp, nonce, encrypted)
    assert len(base64.b64decode(encrypted)) % 32 == 0
    assert crypto.decrypt(signature, timestamp, nonce, encrypted) == plaintext


@given(plaintext=st.text(min_size=1, max_size=100), nonce=_NONCES, timestamp=_TIMESTAMPS)
def test_a_passive_reply_opens_with_its_own_fields(plaintext: str, nonce: str, timestamp: str) -> None:
    crypto = CallbackCrypto(TOKEN2, AES_KEY2, CORP2)
    root = parse_xml(crypto.reply(plaintext, nonce=nonce, timestamp=timestamp))
    fields = {child.tag: child.text or "" for child in root}
    assert list(fields) == ["Encrypt", "MsgSignature", "TimeStamp", "Nonce"]
    assert (fields["TimeStamp"], fields["Nonce"]) == (timestamp, nonce)
    assert crypto.decrypt(fields["MsgSignature"], timestamp, nonce, fields["Encrypt"]) == plaintext


def test_two_encryptions_differ_by_their_random_bytes(sample: CallbackCrypto) -> None:
    first, _ = sample.encrypt("same", nonce="n", timestamp="1")
    second, _ = sample.encrypt("same", nonce="n", timestamp="1")
    assert first != second


def test_a_reply_envelope_refuses_values_that_would_break_it() -> None:
    with pytest.raises(ValueError, match="nonce"):
        reply_envelope(encrypted="abc", signature="def", timestamp="1", nonce="a]]><x/>")
    with pytest.raises(ValueError, match="timestamp"):
        reply_envelope(encrypted="abc", signature="def", timestamp="1<x/>", nonce="n")


# ---- replay window ----

NOW = 1_800_000_000


@pytest.mark.parametrize("offset", [0, 1, -1, 300, -300])
def test_a_timestamp_within_the_window_is_accepted(offset: int) -> None:
    assert check_timestamp(str(NOW + offset), NOW) == NOW + offset


@pytest.mark.parametrize("offset", [301, -301, 86_400, -NOW])
def test_a_timestamp_outside_the_window_is_refused(offset: int) -> None:
    with refused(Reason.timestamp) as caught:
        check_timestamp(str(NOW + offset), NOW)
    assert "300 s" in str(caught.value)


def test_the_window_can_be_set() -> None:
    assert check_timestamp(str(NOW - 60), NOW, window_s=60) == NOW - 60
    with refused(Reason.timestamp):
        check_timestamp(str(NOW - 61), NOW, window_s=60)


@pytest.mark.parametrize("timestamp", ["", "abc", "-5", "1.5", "1" * 13, "１２３"])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(timestamp: str) -> None:
    with refused(Reason.timestamp):
        check_timestamp(timestamp, NOW)


# ---- XML ----


def test_the_envelope_of_a_customer_contact_callback_has_no_agent_id() -> None:
    envelope = parse_envelope(f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><Encrypt>abc</Encrypt></xml>")
    assert envelope == type(envelope)(encrypt="abc", to_user=CORP, agent_id=None)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("<xml><ToUserName>x</ToUserName></xml>", "no <Encrypt>"),
        ("<xml><Encrypt></Encrypt></xml>", "no <Encrypt>"),
        ("<xml><Encrypt>abc</Encrypt>", "malformed"),
        ("", "malformed"),
        ("<root><Encrypt>abc</Encrypt></root>", "expected <xml>"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            "<xml><Encrypt>&lol2;</Encrypt></xml>",
            "DOCTYPE",
        ),
        ('<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><Encrypt>a</Encrypt></xml>', "DOCTYPE"),
        ("<xml><Encrypt>" + "A" * 1_000_001 + "</Encrypt></xml>", "larger than 1,000,000 bytes"),
    ],
)
def test_a_bad_envelope_is_refused(body: str, says: str) -> None:
    with refused(Reason.xml) as caught:
        parse_envelope(body)
    assert says in str(caught.value)


def test_bytes_are_read_as_utf8() -> None:
    assert parse_envelope("<xml><Encrypt>é</Encrypt></xml>".encode()).encrypt == "é"
    with refused(Reason.xml):
        parse_envelope("<xml><Encrypt>é</Encrypt></xml>".encode("latin-1"))


def test_a_declared_encoding_cannot_hide_a_doctype() -> None:
    body = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "e">]><xml><Encrypt>&e;</Encrypt></xml>'
    with refused(Reason.xml):
        parse_envelope(body.encode("utf-16"))
    with refused(Reason.xml):
        parse_envelope(body)
