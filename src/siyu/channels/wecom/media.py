"""A material's file uploaded to WeCom for the media_id a send needs, and remembered.

Mass sends take media_ids from 上传临时素材 (`media/upload?type=…`); moments take them only from
上传附件资源 (`media/upload_attachment?media_type=…&attachment_type=1`, images and videos). Both
are multipart POSTs of one part named "media" and answer {"type", "media_id", "created_at"}.
A media_id lives three days; one is reused for 2.5 days per (endpoint, file, size, mtime), so a
changed file is uploaded again and no send carries an id about to expire.

A file WeCom cannot take (too big, the wrong type, gone) is a `MaterialProblem`: the adapter
turns the task into a reminder, since the staff member can still send the file by hand.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from siyu.channels.base import DeliveryError
from siyu.channels.wecom.client import WeComClient

UPLOAD = "/cgi-bin/media/upload"
UPLOAD_ATTACHMENT = "/cgi-bin/media/upload_attachment"
MOMENTS_ATTACHMENT = 1  # upload_attachment's attachment_type for moments (2 is product albums)
MEDIA_ID_REUSE_S = 2.5 * 86400  # WeCom keeps a media_id three days
MB = 1024 * 1024
MIN_BYTES = 6  # WeCom: "所有文件size必须大于5个字节"

Endpoint = Literal["upload", "attachment"]


@dataclass(frozen=True)
class Limit:
    max_bytes: int
    suffixes: frozenset[str]  # empty: any name
    content_type: str
    formats: str  # as WeCom's docs name them

    def describe(self) -> str:
        return f"{self.max_bytes // MB} MB" + (f", {self.formats}" if self.formats else "")


LIMITS: dict[str, Limit] = {
    "image": Limit(10 * MB, frozenset({".jpg", ".jpeg", ".png"}), "image/jpeg", "JPG or PNG"),
    "video": Limit(10 * MB, frozenset({".mp4"}), "video/mp4", "MP4"),
    "file": Limit(20 * MB, frozenset(), "application/octet-stream", ""),
}

# WeCom's refusals of the file itself: a person can still send it by hand
FILE_REFUSALS: dict[int, str] = {
    40004: "不合法的媒体文件类型 (invalid media type)",
    40005: "不合法的文件类型 (invalid file type)",
    40006: "不合法的文件大小 (invalid file size)",
    40009: "不合法的图片大小 (invalid image size)",
    40011: "不合法的视频大小 (invalid video size)",
    41005: "缺少多媒体文件数据 (no media data)",
    44001: "多媒体文件为空 (the media file is empty)",
}


class MaterialProblem(Exception):
    """The file cannot go to WeCom; the message names it and says why."""


@dataclass(frozen=True)
class CheckedFile:
    endpoint: Endpoint
    kind: str
    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class _Cached:
    media_id: str
    good_until: float  # on the injected monotonic clock


class MediaUploads:
    def __init__(self, client: WeComClient, *, monotonic: Callable[[], float]) -> None:
        self._client = client
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cache: dict[CheckedFile, _Cached] = {}
        self._key_locks: dict[CheckedFile, threading.Lock] = {}

    def check(self, kind: str, local_path: str, *, moments: bool) -> CheckedFile:
        """The file's cache key, once it is known WeCom can take it; raises MaterialProblem."""
        limit = LIMITS.get(kind)
        if limit is None or (moments and kind == "file"):
            raise MaterialProblem(f"WeCom cannot upload a {kind} for {'a moment' if moments else 'a mass send'}")
        path = Path(local_path)
        try:
            stat = path.stat()
        except OSError as exc:
            raise MaterialProblem(f"the file {path} cannot be read ({exc.strerror or exc})") from exc
        if not path.is_file():
            raise MaterialProblem(f"{path} is not a file")
        if limit.suffixes and path.suffix.lower() not in limit.suffixes:
            raise MaterialProblem(
                f"{path.name} is not a {kind} WeCom takes: {kind}s must be {limit.formats} "
                f"({', '.join(sorted(limit.suffixes))}), at most {limit.max_bytes // MB} MB"
            )
        if stat.st_size > limit.max_bytes:
            raise MaterialProblem(
                f"{path.name} is {stat.st_size:,} bytes ({stat.st_size / MB:.1f} MB): "
                f"WeCom takes {kind}s of at most {limit.describe()}"
            )
        if stat.st_size < MIN_BYTES:
            raise MaterialProblem(f"{path.name} has {stat.st_size} bytes: WeCom takes only files over 5 bytes")
        endpoint: Endpoint = "attachment" if moments else "upload"
        return CheckedFile(endpoint, kind, str(path), stat.st_size, stat.st_mtime_ns)

    def media_id(self, key: CheckedFile) -> str:
        """The media_id of a checked file: a remembered one, or a fresh upload. Raises
        MaterialProblem (WeCom refused the file) or DeliveryError (try again)."""
        cached = self._cached(key)
        if cached is not None:
            return cached
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # two sends of the same file upload it once
            cached = self._cached(key)
            if cached is not None:
                return cached
            started = self._monotonic()
            media_id = self._upload(key)
            with self._lock:
                self._drop_expired(started)
                self._cache[key] = _Cached(media_id, started + MEDIA_ID_REUSE_S)
            return media_id

    def forget(self, media_ids: Iterable[str]) -> int:
        """Drop remembered media_ids (WeCom called them invalid); how many were dropped."""
        dropped = set(media_ids)
        with self._lock:
            stale = [key for key, cached in self._cache.items() if cached.media_id in dropped]
            for key in stale:
                del self._cache[key]
            return len(stale)

    def _cached(self, key: CheckedFile) -> str | None:
        with self._lock:
            cached = self._cache.get(key)
            if cached is None or self._monotonic() >= cached.good_until:
                return None
            return cached.media_id

    def _drop_expired(self, now: float) -> None:
        for key in [key for key, cached in self._cache.items() if cached.good_until <= now]:
            del self._cache[key]
            lock = self._key_locks.get(key)
            if lock is not None and not lock.locked():
                del self._key_locks[key]

    def _upload(self, key: CheckedFile) -> str:
        content = _read(key)
        limit = LIMITS[key.kind]
        filename = os.path.basename(key.path)
        content_type = _content_type(key.kind, filename, limit)
        if key.endpoint == "attachment":
            path = UPLOAD_ATTACHMENT
            params: dict[str, str | int] = {"media_type": key.kind, "attachment_type": MOMENTS_ATTACHMENT}
        else:
            path = UPLOAD
            params = {"type": key.kind}
        try:
            answer = self._client.upload(
                "contact", path, params=params, filename=filename, content=content, content_type=content_type
            )
        except DeliveryError as error:
            reason = _file_refusal(error)
            if reason is not None:
                raise MaterialProblem(f"WeCom refused {filename}: {reason}; {error.message}") from error
            raise
        media_id = answer.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise DeliveryError(
                f"WeCom's answer to {path} for {filename} has no media_id", permanent=False, code="wecom:bad_answer"
            )
        return media_id


def _read(key: CheckedFile) -> bytes:
    try:
        with open(key.path, "rb") as file:
            stat = os.fstat(file.fileno())
            content = file.read(LIMITS[key.kind].max_bytes + 1)
    except OSError as exc:
        raise MaterialProblem(f"the file {key.path} cannot be read ({exc.strerror or exc})") from exc
    if (stat.st_size, stat.st_mtime_ns) != (key.size, key.mtime_ns) or len(content) != key.size:
        # it changed since it was checked: the next attempt checks it again
        raise DeliveryError(
            f"the file {key.path} changed while it was read", permanent=False, code="wecom:file_changed"
        )
    return content


def _content_type(kind: str, filename: str, limit: Limit) -> str:
    if kind == "image" and filename.lower().endswith(".png"):
        return "image/png"
    return limit.content_type


def _file_refusal(error: DeliveryError) -> str | None:
    code = (error.code or "").removeprefix("wecom:")
    return FILE_REFUSALS.get(int(code)) if code.lstrip("-").isdigit() else None
