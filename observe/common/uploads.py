"""Uploads kept for a later step (an import's check, a Zoom report's confirmation).

The file goes through `observe.common.files` (type sniffed, size limit, SHA-256, random name); a
row of `pending_upload` remembers whose it is, what it is for and its context (the branch, the
election), so a token works only for its owner and purpose, on the web and through the API alike:
nothing is kept in the session. Uploads are kept a day; each user keeps the newest few per purpose.
"""

import re
import secrets
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import JSON, BigInteger, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from observe.common import files
from observe.common.db import UTCDateTime, utcnow
from observe.common.transaction import after_commit
from observe.extensions import db

# Uploads waiting for a confirmation that never came are removed after a day.
STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class PendingUpload(db.Model):
    """A file waiting for its uploader's next step, with what it belongs to."""

    __tablename__ = "pending_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    storage_name: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)

    def stored(self) -> files.StoredFile:
        return files.StoredFile(area=self.purpose, name=self.storage_name, kind=self.kind,
                                size=self.size, sha256=self.sha256, filename=self.filename)


def upload_dir(name: str) -> Path:
    """A folder under UPLOAD_FOLDER, created on first use."""
    return files.folder(name)


def remove_stale_files(folder: Path, pattern: str = "*", max_age: int = STALE_SECONDS) -> None:
    """Delete files in the folder older than max_age seconds (best effort)."""
    cutoff = time.time() - max_age
    for path in folder.glob(pattern):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def _user_id(user) -> int:
    return user if isinstance(user, int) else user.id


def _discard(rows: list[PendingUpload]) -> None:
    """Delete the rows now and their files once the deletion is committed."""
    for row in rows:
        after_commit(files.remove, row.stored())
        db.session.delete(row)
    if rows:
        db.session.flush()


class PendingUploads:
    """Uploads of one purpose waiting for their owner's confirmation.

    `kinds` are the file kinds accepted (see observe.common.files); the newest `kept` uploads of
    a user are kept.
    """

    def __init__(self, purpose: str, *, kinds=("csv", "xlsx"), kept: int = 5,
                 max_bytes: int | None = None):
        self.purpose = purpose
        self.kinds = frozenset(kinds)
        self.kept = kept
        self.max_bytes = max_bytes

    def save(self, upload, *, user, filename: str | None = None, **context) -> str:
        """Store an upload (FileStorage or bytes) for the user; return its token.

        Raises observe.common.files.FileRefused for an empty, too large or mislabelled file.
        """
        self._sweep(user)
        stored = files.store(upload, kinds=self.kinds, max_bytes=self.max_bytes,
                             area=self.purpose, filename=filename)
        token = secrets.token_hex(16)
        db.session.add(PendingUpload(
            token=token, user_id=_user_id(user), purpose=self.purpose, context=context,
            filename=stored.filename[:255], kind=stored.kind, sha256=stored.sha256,
            size=stored.size, storage_name=stored.name, created_at=utcnow()))
        db.session.flush()
        return token

    def _sweep(self, user) -> None:
        cutoff = utcnow() - timedelta(seconds=STALE_SECONDS)
        stale = list(db.session.scalars(select(PendingUpload).where(
            PendingUpload.created_at < cutoff)))
        mine = list(db.session.scalars(select(PendingUpload).where(
            PendingUpload.user_id == _user_id(user), PendingUpload.purpose == self.purpose,
            PendingUpload.created_at >= cutoff).order_by(PendingUpload.created_at.desc(),
                                                         PendingUpload.id.desc())))
        _discard(stale + mine[max(self.kept - 1, 0):])
        # Files left behind by a crash or a rolled-back upload have no row: they age out here.
        remove_stale_files(files.folder(self.purpose))

    def find(self, token: str, *, user, **context) -> PendingUpload | None:
        """The user's pending upload behind a token, if its context matches and it is fresh."""
        if not _TOKEN.match(token or ""):
            return None
        row = db.session.scalar(select(PendingUpload).where(
            PendingUpload.token == token, PendingUpload.purpose == self.purpose))
        if row is None or row.user_id != _user_id(user):
            return None
        if row.created_at < utcnow() - timedelta(seconds=STALE_SECONDS):
            return None
        stored_context = row.context or {}
        if any(stored_context.get(key) != value for key, value in context.items()):
            return None
        return row

    def load(self, token: str, *, user, **context) -> tuple[Path, dict] | None:
        """(path, entry) of the user's pending upload, if the token is theirs and matches.

        `entry` holds the original filename, kind, size, sha256 and the saved context.
        """
        row = self.find(token, user=user, **context)
        if row is None:
            return None
        path = files.path(row.stored())
        if not path.exists():
            return None
        return path, {**(row.context or {}), "filename": row.filename, "kind": row.kind,
                      "size": row.size, "sha256": row.sha256}

    def forget(self, token: str, path: Path | None = None) -> None:
        """Drop the pending upload; its file goes once that is committed. `path` is unused (kept
        so callers written for the session-based store still work)."""
        if not _TOKEN.match(token or ""):
            return
        _discard(list(db.session.scalars(select(PendingUpload).where(
            PendingUpload.token == token, PendingUpload.purpose == self.purpose))))

