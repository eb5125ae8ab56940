"""Uploads kept for a later step (an import preview, a Zoom report): where, and how long."""

import os
import secrets
import time
from pathlib import Path

from flask import current_app, session
from flask_login import current_user

# Uploads waiting for a confirmation that never came are removed after a day.
STALE_SECONDS = 24 * 3600


def upload_dir(name: str) -> Path:
    """A folder under UPLOAD_FOLDER, created on first use."""
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def remove_stale_files(folder: Path, pattern: str = "*", max_age: int = STALE_SECONDS) -> None:
    """Delete files in the folder older than max_age seconds (best effort)."""
    cutoff = time.time() - max_age
    for path in folder.glob(pattern):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


class PendingUploads:
    """Uploads waiting for their user's confirmation (an import's check step).

    The file is kept under UPLOAD_FOLDER/<name>/ with a random name; the Flask session remembers
    the newest `kept` tokens with their owner and what they belong to, so a token is useless
    to anyone else.
    """

    def __init__(self, name: str, kept: int = 5):
        self.name = name
        self.kept = kept
        self.session_key = f"pending_{name}"

    def _entries(self) -> dict:
        return dict(session.get(self.session_key) or {})

    def save(self, upload, **context) -> str:
        """Store an uploaded file (werkzeug FileStorage) for the signed-in user; return a token."""
        filename = os.path.basename(upload.filename or "")[-200:] or "upload"
        ext = filename.rsplit(".", 1)[-1].lower()
        folder = upload_dir(self.name)
        remove_stale_files(folder)
        token = secrets.token_hex(16)
        upload.save(folder / f"{token}.{ext}")
        entries = self._entries()
        entries[token] = {"user": current_user.id, "filename": filename, "ext": ext, **context}
        session[self.session_key] = dict(list(entries.items())[-self.kept:])
        return token

    def load(self, token: str, **context) -> tuple[Path, dict] | None:
        """(path, entry) of the user's pending upload, if the token is theirs and matches."""
        entry = self._entries().get(token)
        if not entry or entry.get("user") != current_user.id:
            return None
        if any(entry.get(key) != value for key, value in context.items()):
            return None
        path = upload_dir(self.name) / f"{token}.{entry['ext']}"
        return (path, entry) if path.exists() else None

    def forget(self, token: str, path: Path | None = None) -> None:
        """Drop the token, and the file with it."""
        entries = self._entries()
        entries.pop(token, None)
        session[self.session_key] = entries
        if path is not None:
            path.unlink(missing_ok=True)
