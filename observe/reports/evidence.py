"""Evidence files, stored through the shared files module (`observe/common/files.py`): type
sniffed from the content, size limited, SHA-256, random storage name.

Everything the reports feature does with files goes through `store_upload`, `evidence_path` and
`thumbnail_path`. A photo's preview is made by a background task once the upload is committed
(`tasks.make_thumbnail`); the preview route still makes a missing one on first view.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from observe.common import files
from observe.common.thumbnails import thumbnail_of
from observe.common.transaction import after_commit
from observe.jobs.queue import send

AREA = "evidence"
DEFAULT_MAX_MB = 20
THUMBNAIL_TASK = "observe.reports.thumbnail"
log = logging.getLogger("observe.reports")
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
    if KINDS[stored.kind] == "photo":
        after_commit(queue_thumbnail, stored.name)
    return StoredFile(KINDS[stored.kind], stored.mimetype, stored.size, stored.sha256,
                      stored.name, stored.filename[:200])


def evidence_path(storage_name: str) -> Path:
    """Where a stored evidence file is on disk."""
    return files.path_of(AREA, storage_name)


def thumbnail_path(storage_name: str) -> Path | None:
    """A small preview of a stored photo (made on first use); None if it can't be read as one."""
    return thumbnail_of(evidence_path(storage_name))


def queue_thumbnail(storage_name: str) -> None:
    """Have the preview of a committed photo made by a task (a worker, or inline)."""
    try:
        send(THUMBNAIL_TASK, storage_name)
    except Exception:  # noqa: BLE001  a broker that is down: the preview route makes it later
        log.exception("thumbnail of %s could not be queued", storage_name)
