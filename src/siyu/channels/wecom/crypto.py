"""WeCom's callback crypto (加解密方案, the WXBizMsgCrypt scheme), and the XML around it.

Every callback carries `msg_signature`, `timestamp` and `nonce` in its query string; the body
(or, for the URL check, the `echostr` parameter) is base64 of AES-256-CBC ciphertext:
- signature = SHA1 hex of the sorted concatenation of [token, timestamp, nonce, encrypted];
- key = base64decode(EncodingAESKey + "="), 32 bytes; IV = the key's first 16 bytes;
- PKCS#7 padding to a multiple of 32 bytes (not AES's 16: WeCom's own choice);
- plaintext = 16 random bytes + msg length (4 bytes, big-endian) + msg + receive_id (the corp id).

The signature is checked before anything is decrypted, so a forger without the token learns
nothing from which decryption step failed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from enum import StrEnum

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY_CHARS = 43  # an EncodingAESKey: 32 bytes as base64 without its trailing "="
BLOCK = 32  # WeCom pads to 32 bytes
RANDOM_BYTES = 16
LENGTH_BYTES = 4
MAX_XML_BYTES = 1_000_000  # a callback is a few hundred bytes; anything this big is not WeCom
REPLAY_WINDOW_S = 300

_KEY_PATTERN = re.compile(r"[A-Za-z0-9+/]{43}")
_DIGITS = re.compile(r"[0-9]{1,12}")


class Reason(StrEnum):
    settings = "settings"  # a callback setting (token, EncodingAESKey, corp id) is unusable
    signature = "signature"  # msg_signature does not match: not from WeCom, or another token
    base64 = "base64"  # the encrypted text is not base64 of whole AES blocks
    padding = "padding"  # the decrypted text is not PKCS#7-padded to 32 bytes: another key
    length = "length"  # the decrypted message's length field runs past its end
    encoding = "encoding"  # the decrypted message is not UTF-8
    receive_id = "receive_id"  # the message is meant for another corp (or another app)
    timestamp = "timestamp"  # the timestamp is malformed or outside the replay window
    xml = "xml"  # the XML is malformed, too large, declares a DOCTYPE, or lacks a field
    event = "event"  # a decrypted callback event lacks a field or names another corp


class CallbackError(Exception):
    """A callback that cannot be accepted: `reason` says which check refused it, the message
    says where and why."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def signature_of(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """WeCom's signature over one callback: SHA1 hex of the four strings sorted and joined."""
    return hashlib.sha1("".join(sorted((token, timestamp, nonce, encrypted))).encode()).hexdigest()


def decode_aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key an EncodingAESKey stands for; CallbackError(settings) when it is not
    43 characters of base64."""
    text = encoding_aes_key.strip()
    if len(text) != KEY_CHARS:
        raise CallbackError(
            Reason.settings,
            f"callback_aes_key (EncodingAESKey) must be {KEY_CHARS} characters, got {len(text)}",
        )
    if not _KEY_PATTERN.fullmatch(text):
        raise CallbackError(
            Reason.settings, "callback_aes_key (EncodingAESKey) must be base64: letters, digits, + and / only"
        )
    return base64.b64decode(text + "=")


def check_timestamp(timestamp: str, now_s: int, window_s: int = REPLAY_WINDOW_S) -> int:
    """The callback's timestamp as unix seconds, if it is within `window_s` of `now_s` either
    way (a replayed or much-delayed callback is refused); CallbackError(timestamp) otherwise."""
    text = timestamp.strip()
    if not _DIGITS.fullmatch(text):
        raise CallbackError(Reason.timestamp, f"timestamp must be unix seconds, got {text[:40]!r}")
    seconds = int(text)
    if abs(now_s - seconds) > window_s:
        raise CallbackError(
            Reason.timestamp,
            f"timestamp {seconds} is {now_s - seconds:+d} s from now; at most {window_s} s either way is accepted",
        )
    return seconds


class CallbackCrypto:
    """One corp's callback crypto. `receive_id` is the corp id (企业内部开发: WeCom puts the corp
    id after each message, so a message for another corp is refused)."""

    def __init__(self, token: str, aes_key: str, receive_id: str) -> None:
        if not token.strip():
            raise CallbackError(Reason.settings, "callback_token (the callback's Token) is empty")
        if not receive_id.strip():
            raise CallbackError(Reason.settings, "corp_id (企业ID) is empty: callbacks name the corp they are for")
        self._token = token.strip()
        self._key = decode_aes_key(aes_key)
        self._receive_id = receive_id.strip().encode()

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:RANDOM_BYTES]))

    def _check_signature(self, given: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = signature_of(self._token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected.encode(), given.encode(errors="replace")):
            raise CallbackError(Reason.signature, "msg_signature does not match: not signed with this callback_token")

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The URL check WeCom makes when the callback is saved: the decrypted echostr, which
        is to be answered as the response body."""
        return self.decrypt(msg_signature, timestamp, nonce, echostr)

    def decrypt(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> str:
        """The message inside `encrypted`, after checking its signature and its receive id."""
        self._check_signature(msg_signature, timestamp, nonce, encrypted)
        try:
            sealed = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise CallbackError(Reason.base64, "the encrypted text is not base64") from None
        if not sealed or len(sealed) % BLOCK:
            raise CallbackError(
                Reason.base64, f"the encrypted text is {len(sealed)} bytes, not a whole number of {BLOCK}-byte blocks"
            )
        decryptor = self._cipher().decryptor()
        return self._open(_unpad(decryptor.update(sealed) + decryptor.finalize()))

    def _open(self, plain: bytes) -> str:
        head = RANDOM_BYTES + LENGTH_BYTES
        if len(plain) < head:
            raise CallbackError(Reason.length, f"the decrypted text is {len(plain)} bytes, shorter than its header")
        (size,) = struct.unpack(">I", plain[RANDOM_BYTES:head])
        if size > len(plain) - head:
            raise CallbackError(
                Reason.length, f"the message length field says {size} bytes, only {len(plain) - head} follow"
            )
        receive_id = plain[head + size :]
        if receive_id != self._receive_id:
            raise CallbackError(
                Reason.receive_id,
                f"the message is for {receive_id.decode(errors='replace')[:64]!r}, not this corp_id",
            )
        try:
            return plain[head : head + size].decode()
        except UnicodeDecodeError:
            raise CallbackError(Reason.encoding, "the decrypted message is not UTF-8") from None

    def encrypt(self, plaintext: str, *, nonce: str, timestamp: str, random16: bytes | None = None) -> tuple[str, str]:
        """(encrypted, msg_signature) of `plaintext`, as WeCom would send it or expects a passive
        reply. `random16`: the 16 leading random bytes (tests fix them; otherwise fresh)."""
        prefix = os.urandom(RANDOM_BYTES) if random16 is None else random16
        if len(prefix) != RANDOM_BYTES:
            raise ValueError(f"random16 must be {RANDOM_BYTES} bytes, got {len(prefix)}")
        body = plaintext.encode()
        plain = prefix + struct.pack(">I", len(body)) + body + self._receive_id
        encryptor = self._cipher().encryptor()
        sealed = encryptor.update(_pad(plain)) + encryptor.finalize()
        encrypted = base64.b64encode(sealed).decode()
        return encrypted, signature_of(self._token, timestamp, nonce, encrypted)

    def reply(self, plaintext: str, *, nonce: str, timestamp: str, random16: bytes | None = None) -> str:
        """A passive reply (被动回复): `plaintext` (the reply's own XML) encrypted into its envelope."""
        encrypted, signature = self.encrypt(plaintext, nonce=nonce, timestamp=timestamp, random16=random16)
        return reply_envelope(encrypted=encrypted, signature=signature, timestamp=timestamp, nonce=nonce)


def _pad(data: bytes) -> bytes:
    count = BLOCK - len(data) % BLOCK
    return data + bytes([count]) * count


def _unpad(data: bytes) -> bytes:
    count = data[-1]
    if not 1 <= count <= BLOCK or data[-count:] != bytes([count]) * count:
        raise CallbackError(Reason.padding, "the decrypted text is not padded as WeCom pads: wrong callback_aes_key?")
    return data[:-count]


# ---- XML ----


def parse_xml(text: str | bytes, *, max_bytes: int = MAX_XML_BYTES) -> ET.Element:
    """A callback's XML, parsed with the stdlib after refusing what it must not meet: more than
    `max_bytes`, bytes that are not UTF-8, and any DOCTYPE / ENTITY declaration (entity
    expansion). The root element must be <xml>."""
    size = len(text) if isinstance(text, bytes) or len(text) > max_bytes else len(text.encode(errors="replace"))
    if size > max_bytes:
        raise CallbackError(Reason.xml, f"the XML is larger than {max_bytes:,} bytes")
    if isinstance(text, bytes):
        try:
            text = text.decode()
        except UnicodeDecodeError:
            raise CallbackError(Reason.xml, "the XML is not UTF-8") from None
    # A str is parsed as UTF-8 whatever its declaration says, so this check sees what expat sees.
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise CallbackError(Reason.xml, "the XML declares a DOCTYPE or ENTITY; WeCom's callbacks never do")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise CallbackError(Reason.xml, f"the XML is malformed: {exc}") from None
    if root.tag != "xml":
        raise CallbackError(Reason.xml, f"the XML's root is <{root.tag[:40]}>, expected <xml>")
    return root


def child_text(root: ET.Element, name: str) -> str | None:
    """The stripped text of `root`'s child `name` (CDATA included), None when it is absent."""
    element = root.find(name)
    if element is None:
        return None
    return (element.text or "").strip()


@dataclass(frozen=True)
class Envelope:
    """The body of an encrypted callback POST: <xml><ToUserName/><Encrypt/><AgentID/></xml>."""

    encrypt: str
    to_user: str | None = None  # the corp id
    agent_id: str | None = None  # the app's AgentID (absent for customer-contact callbacks)


def parse_envelope(text: str | bytes) -> Envelope:
    root = parse_xml(text)
    encrypted = child_text(root, "Encrypt")
    if not encrypted:
        raise CallbackError(Reason.xml, "the callback body has no <Encrypt> element")
    return Envelope(encrypt=encrypted, to_user=child_text(root, "ToUserName"), agent_id=child_text(root, "AgentID"))


def _cdata(name: str, value: str) -> str:
    if "]]>" in value:
        raise ValueError(f"{name} cannot hold ']]>'")
    return f"<![CDATA[{value}]]>"


def reply_envelope(*, encrypted: str, signature: str, timestamp: str, nonce: str) -> str:
    """The XML of an encrypted passive reply, in WeCom's documented shape."""
    if not _DIGITS.fullmatch(timestamp):
        raise ValueError(f"timestamp must be unix seconds, got {timestamp[:40]!r}")
    return (
        f"<xml><Encrypt>{_cdata('encrypted', encrypted)}</Encrypt>"
        f"<MsgSignature>{_cdata('signature', signature)}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp>"
        f"<Nonce>{_cdata('nonce', nonce)}</Nonce></xml>"
    )
