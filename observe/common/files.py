"""Uploaded files, one way in: type sniffed from the content, size limit, SHA-256, random name.

Training materials, spreadsheets waiting for an import's confirmation and incident evidence are
stored through `store`. A file whose content is not what its name says (a PNG named .xlsx, an
HTML page named .pdf) is refused, as is one past the size limit. Files live in
UPLOAD_FOLDER/<area>/ under a random name with the extension of their real type, readable by the
app's user only. Nothing is kept in the session: the caller keeps the StoredFile's fields in its
own table.
"""

import hashlib
import os
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from observe.common.errors import DomainError
from observe.common.transaction import after_rollback

# A name's extension -> the kind of file it claims to be.
EXTENSIONS = {
    "pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "webp": "webp", "gif": "gif",
    "mp4": "mp4", "m4v": "mp4", "mov": "mov", "xlsx": "xlsx", "docx": "docx", "pptx": "pptx",
    "doc": "doc", "ppt": "ppt", "csv": "csv", "txt": "txt", "json": "json",
}
# A kind -> the extension of its stored copy, and the type it is served with.
STORED_EXTENSIONS = {"jpeg": "jpg"}
MIMETYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp",
    "gif": "image/gif", "mp4": "video/mp4", "mov": "video/quicktime",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword", "ppt": "application/vnd.ms-powerpoint",
    "csv": "text/csv", "txt": "text/plain", "json": "application/json",
}
TEXT_KINDS = frozenset({"csv", "txt", "json"})
VIDEO_KINDS = frozenset({"mp4", "mov"})  # one container: a phone's .mov is often named .mp4
# Office files are zip packages told apart by their main part.
_PACKAGES = (("xl/workbook.xml", "xlsx"), ("word/document.xml", "docx"),
             ("ppt/presentation.xml", "pptx"))
# Legacy Office files are OLE2 compound files told apart by a stream name (UTF-16 in the
# directory).
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE2_STREAMS = (("WordDocument".encode("utf-16-le"), "doc"),
                 ("PowerPoint Document".encode("utf-16-le"), "ppt"))
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
HEAD = 64 * 1024  # what is read to sniff a file
CHUNK = 1024 * 1024


class FileRefused(DomainError):
    """An upload refused: empty, too large, of a type not allowed, or not what its name says."""

    def __init__(self, message: str):
        super().__init__(message, field="file")


@dataclass(frozen=True)
class StoredFile:
    """A stored upload: where it is (area and random name) and what it is."""

    area: str
    name: str  # the random storage name, with the extension of `kind`
    kind: str
    size: int
    sha256: str
    filename: str  # the name it was uploaded with, cleaned

    @property
    def mimetype(self) -> str:
        return MIMETYPES.get(self.kind, "application/octet-stream")


def clean_filename(name: str | None, limit: int = 255) -> str:
    """The last part of an uploaded name (browsers on Windows may send the whole path), printable,
    at most `limit` characters with its extension kept."""
    name = os.path.basename(str(name or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable()).strip() or ""
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:limit - len(ext) - 1] + "." + ext) if dot and len(ext) < 10 \
            else name[:limit]
    return name


def extension(name: str) -> str:
    """The lower-case extension of a name, without the dot ("" when there is none)."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff(path: Path) -> str | None:
    """The kind of a stored file judged from its content alone (None when unknown)."""
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "mov" if head[8:12] == b"qt  " else "mp4"
    if head[4:8] in _QUICKTIME_ATOMS:
        return "mov"
    if head.startswith(b"PK\x03\x04"):
        return _package_kind(path)
    if head.startswith(_OLE2):
        return _ole2_kind(path)
    if _is_text(head):
        return "txt"
    return None


def _package_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = {name.lower() for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    return next((kind for part, kind in _PACKAGES if part in names), None)


def _ole2_kind(path: Path) -> str | None:
    with path.open("rb") as handle:
        previous = b""
        while chunk := handle.read(CHUNK):
            window = previous + chunk
            for stream, kind in _OLE2_STREAMS:
                if stream in window:
                    return kind
            previous = chunk[-64:]
    return None


def _is_text(head: bytes) -> bool:
    """Plain text in the encodings a CSV comes in: UTF-16 with a BOM, UTF-8 or Windows-1251."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    sample = head
    for _attempt in range(4):  # the sample may end inside a UTF-8 character
        try:
            sample.decode("utf-8")
            return True
        except UnicodeDecodeError as error:
            if error.start < len(sample) - 4:
                break
            sample = sample[:error.start]
    try:
        head.decode("cp1251")
    except UnicodeDecodeError:
        return False
    return True


def folder(area: str) -> Path:
    """UPLOAD_FOLDER/<area>, created on first use."""
    path = Path(current_app.config["UPLOAD_FOLDER"]) / area
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(area: str, name: str) -> Path:
    """Where a stored file of an area is (its name checked: no way out of the folder)."""
    if not name or name != os.path.basename(name) or name.startswith("."):
        raise ValueError(f"bad storage name {name!r}")
    return folder(area) / name


def path(stored: StoredFile) -> Path:
    """The stored file on disk."""
    return path_of(stored.area, stored.name)


def open(stored: StoredFile) -> BinaryIO:  # noqa: A001  files.open(stored), like io.open
    """The stored file opened for reading (binary)."""
    return path(stored).open("rb")


def remove(stored: StoredFile) -> None:
    """Delete the stored file and anything kept beside it (`<name>.*`); best effort."""
    _unlink(path(stored))


def _unlink(stored_path: Path) -> None:
    for extra in stored_path.parent.glob(stored_path.name + ".*"):
        extra.unlink(missing_ok=True)
    stored_path.unlink(missing_ok=True)


def _chunks(upload) -> Iterator[bytes]:
    if isinstance(upload, bytes | bytearray | memoryview):
        data = bytes(upload)
        for start in range(0, len(data), CHUNK):
            yield data[start:start + CHUNK]
        return
    stream = getattr(upload, "stream", upload)
    while chunk := stream.read(CHUNK):
        yield chunk


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}" if size >= 1024 * 1024 else f"{size / (1024 * 1024):.2f}"


def store(upload, *, kinds, max_bytes: int | None = None, area: str = "files",
          filename: str | None = None) -> StoredFile:
    """Store an upload (a werkzeug FileStorage, a binary stream or bytes) under a random name.

    `kinds` are the kinds accepted (see EXTENSIONS); the kind is read from the content, and a
    name whose extension claims another kind is refused. `max_bytes` defaults to the request
    limit. Raises FileRefused (a DomainError on the "file" field).
    """
    kinds = frozenset(kinds)
    original = clean_filename(filename if filename is not None
                              else getattr(upload, "filename", ""))
    claimed = extension(original)
    allowed = ", ".join(sorted({ext for ext, kind in EXTENSIONS.items() if kind in kinds}))
    if claimed and EXTENSIONS.get(claimed) not in kinds:
        raise FileRefused(_("Upload a file of one of these types: %(types)s.", types=allowed))
    limit = max_bytes or current_app.config.get("MAX_CONTENT_LENGTH") or 25 * 1024 * 1024
    target = folder(area)
    partial = target / f".{secrets.token_hex(16)}.partial"
    digest, size = hashlib.sha256(), 0
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in _chunks(upload):
                size += len(chunk)
                if size > limit:
                    raise FileRefused(_("The file is larger than %(size)s MB.",
                                        size=_megabytes(limit)))
                digest.update(chunk)
                handle.write(chunk)
        if size == 0:
            raise FileRefused(_("The file is empty."))
        kind = _kind(sniff(partial), claimed, kinds, allowed)
        name = f"{secrets.token_hex(16)}.{STORED_EXTENSIONS.get(kind, kind)}"
        os.replace(partial, target / name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    # A refusal later in the same transaction leaves no row pointing at the file: remove it then.
    after_rollback(_unlink, target / name)
    return StoredFile(area=area, name=name, kind=kind, size=size, sha256=digest.hexdigest(),
                      filename=original or name)


def _kind(sniffed: str | None, claimed: str, kinds: frozenset, allowed: str) -> str:
    """The stored kind: the sniffed one, named after the claim within one family of formats."""
    expected = EXTENSIONS.get(claimed)
    if sniffed == "txt" and (expected in TEXT_KINDS or not expected):
        sniffed = expected or next((k for k in ("csv", "txt", "json") if k in kinds), "txt")
    elif sniffed in VIDEO_KINDS and expected in VIDEO_KINDS:
        sniffed = expected
    if expected and sniffed != expected:
        raise FileRefused(_("The content of this file does not match its name (.%(ext)s).",
                            ext=claimed))
    if sniffed not in kinds:
        raise FileRefused(_("Upload a file of one of these types: %(types)s.", types=allowed))
    return sniffed
