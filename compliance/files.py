"""Files the register writes or keeps and later checks: their SHA-256, read a block at a time (a
national PDF, a backup's dump or an uploaded workbook is tens of megabytes or more)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256(path: str | Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
