"""An XLSX file is a zip archive: before openpyxl opens one, its central directory is read (a few
bytes per member, nothing is inflated) and the archive is refused when it would unpack to more
than SIYU_MAX_XLSX_UNPACKED_BYTES in all, when any large member inflates more than MAX_RATIO times
its packed size (a zip bomb: a few KB that inflate to gigabytes), or when it has more members than
any workbook needs.

The declared sizes are enough: Python's zipfile stops inflating a member at its declared size, so
a member cannot unpack to more than the directory says."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from siyu.core.errors import Problem, ValidationError

MIB = 1024 * 1024
MAX_UNPACKED_BYTES = 1024 * MIB  # SIYU_MAX_XLSX_UNPACKED_BYTES overrides it
MAX_RATIO = 100  # a worksheet's XML packs 5–20 times; far more is a bomb
RATIO_FROM_BYTES = 1 * MIB  # small members (styles, a tiny sheet) may pack better than that, harmlessly
MAX_MEMBERS = 10_000


def max_unpacked_bytes() -> int:
    configured = os.environ.get("SIYU_MAX_XLSX_UNPACKED_BYTES", "")
    return int(configured) if configured.isdigit() else MAX_UNPACKED_BYTES


def _mib(count: int) -> str:
    return f"{count / MIB:,.0f} MiB"


def check_xlsx_archive(path: Path, where: str) -> None:
    """ValidationError at `where` when the archive is unreadable or would unpack too much."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError([Problem(where, f"not a readable XLSX file ({exc})")]) from None
    if len(members) > MAX_MEMBERS:
        raise ValidationError(
            [
                Problem(
                    where,
                    f"XLSX 文件包含 {len(members):,} 个部件，过多 (the XLSX file has {len(members):,} parts; "
                    f"at most {MAX_MEMBERS:,})",
                )
            ]
        )
    limit = max_unpacked_bytes()
    total = sum(member.file_size for member in members)
    if total > limit:
        raise ValidationError(
            [
                Problem(
                    where,
                    f"XLSX 文件解压后有 {_mib(total)}，超过上限 {_mib(limit)} "
                    f"(the XLSX file unpacks to {_mib(total)}, over the limit of {_mib(limit)})",
                )
            ]
        )
    for member in members:
        packed = max(member.compress_size, 1)
        if member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * packed:
            ratio = member.file_size // packed
            raise ValidationError(
                [
                    Problem(
                        f"{where}:{member.filename}",
                        f"压缩比 {ratio:,}:1 过高，疑似压缩炸弹 "
                        f"(packed {ratio:,} to 1, over {MAX_RATIO} to 1: a zip bomb)",
                    )
                ]
            )
