"""Evidence files: type sniffed from the content, size limited, SHA-256, random storage name.

Everything goes through `store_upload` and `evidence_path`, so switching to the shared
`observe/common/files.py` later is a change to this module alone.
"""

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from observe.common.errors import DomainError

FOLDER = "evidence"
DEFAULT_MAX_MB = 20


@dataclass
class StoredFile:
    kind: str
    content_type: str
    size: int
    sha256: str
    storage_name: str
    original_name: str


def sniff(head: bytes) -> tuple[str, str, str] | None:
    """(kind, content type, extension) from a file's first bytes; None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "photo", "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "photo", "image/png", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "photo", "image/webp", "webp"
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf", "pdf"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
            return "photo", "image/heic", "heic"
        if brand == b"qt  ":
            return "video", "video/quicktime", "mov"
        return "video", "video/mp4", "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "video/webm", "webm"
    return None


def max_bytes() -> int:
    """The size limit of one evidence file."""
    return int(current_app.config.get("EVIDENCE_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / FOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(stream, filename: str = "") -> StoredFile:
    """Check and keep one uploaded file (a binary stream); raise DomainError when refused."""
    name = os.path.basename(filename or "")[-200:]
    head = stream.read(32)
    found = sniff(head)
    if found is None:
        raise DomainError(_("%(name)s is not a photo, a video or a PDF.", name=name or _("A file")),
                          field="evidence")
    kind, content_type, ext = found
    limit = max_bytes()
    digest = hashlib.sha256(head)
    storage_name = f"{secrets.token_hex(16)}.{ext}"
    target = folder() / storage_name
    size = len(head)
    try:
        with open(target, "wb") as out:
            out.write(head)
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise DomainError(_("%(name)s is larger than %(mb)d MB.",
                                        name=name or _("A file"), mb=limit // (1024 * 1024)),
                                      field="evidence")
                digest.update(chunk)
                out.write(chunk)
    except DomainError:
        target.unlink(missing_ok=True)
        raise
    return StoredFile(kind, content_type, size, digest.hexdigest(), storage_name, name)


def evidence_path(storage_name: str) -> Path:
    """Where a stored evidence file is on disk."""
    return folder() / os.path.basename(storage_name)
