"""Evidence files, stored through the shared files module (`observe/common/files.py`): type
sniffed from the content, size limited, SHA-256, random storage name.

Everything the reports feature does with files goes through `store_upload`, `evidence_path` and
`thumbnail_path`.
"""

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from observe.common import files
from observe.common.thumbnails import thumbnail_of

AREA = "evidence"
DEFAULT_MAX_MB = 20
# The shared module's kinds accepted as evidence, and what an observer would call them.
KINDS = {"jpeg": "photo", "png": "photo", "webp": "photo", "gif": "photo",
         "mp4": "video", "mov": "video", "pdf": "pdf"}


@dataclass
class StoredFile:
    kind: str
    content_type: str
    size: int
    sha256: str
    storage_name: str
    original_name: str


def max_bytes() -> int:
    """The size limit of one evidence file."""
    return int(current_app.config.get("EVIDENCE_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def store_upload(stream, filename: str = "") -> StoredFile:
    """Check and keep one uploaded file (a binary stream); raise DomainError when refused."""
    stored = files.store(stream, kinds=KINDS, max_bytes=max_bytes(), area=AREA,
                         filename=filename or "")
    return StoredFile(KINDS[stored.kind], stored.mimetype, stored.size, stored.sha256,
                      stored.name, stored.filename[:200])


def evidence_path(storage_name: str) -> Path:
    """Where a stored evidence file is on disk."""
    return files.path_of(AREA, storage_name)


def thumbnail_path(storage_name: str) -> Path | None:
    """A small preview of a stored photo (made on first use); None if it can't be read as one."""
    return thumbnail_of(evidence_path(storage_name))
