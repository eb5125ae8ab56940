"""Uploads kept for a later step (an import preview, a Zoom report): where, and how long."""

import time
from pathlib import Path

from flask import current_app

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
