"""Post photos and videos on disk, through the shared files module, and their public copies.

A photo is never served as uploaded: a phone's JPEG carries EXIF (the place it was taken, the
device). The public copy is re-encoded from the pixels alone, at most 1600 px, kept beside the
original (`<name>.public.jpg`) and made on first request. Evidence photos HQ made public are
copied the same way from the evidence folder.
"""

import os
import secrets
import warnings
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from observe.common import files

AREA = "updates"
PHOTO_KINDS = {"jpeg": "photo", "png": "photo", "webp": "photo"}
VIDEO_KINDS = {"mp4": "video", "mov": "video"}
BOX = (1600, 1600)
MAX_PIXELS = 80_000_000


def limit_mb(key: str, default_mb: int) -> int:
    """A size limit in MB: the app's setting, else the environment variable of that name."""
    return int(current_app.config.get(key) or os.environ.get(key) or default_mb)


def store(upload, kinds: dict, limit_mb_key: str, default_mb: int) -> tuple[str, files.StoredFile]:
    """Store one upload of the given kinds; (photo|video, stored file). Raises FileRefused."""
    limit = limit_mb(limit_mb_key, default_mb) * 1024 * 1024
    stored = files.store(upload, kinds=kinds, max_bytes=limit, area=AREA)
    return kinds[stored.kind], stored


def media_path(storage_name: str) -> Path:
    """Where a post's own file is on disk."""
    return files.path_of(AREA, storage_name)


def original_of(item) -> Path:
    """The file behind a post's media: its own upload, or the incident evidence it shows."""
    from observe.reports.evidence import evidence_path

    if item.evidence_id is not None:
        return evidence_path(item.evidence.storage_name)
    return media_path(item.storage_name)


def public_copy(original: Path) -> Path | None:
    """The photo re-encoded without its metadata (made now if missing); None if unreadable."""
    copy = original.with_name(original.name + ".public.jpg")
    if copy.exists():
        return copy
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(original) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image = ImageOps.exif_transpose(image)
                image.thumbnail(BOX)
                clean = Image.new("RGB", image.size)
                clean.paste(image.convert("RGB"))
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        return None
    partial = original.with_name(f".{secrets.token_hex(8)}.public.partial")
    try:
        clean.save(partial, "JPEG", quality=82, optimize=True)
        os.replace(partial, copy)
    finally:
        partial.unlink(missing_ok=True)
    return copy
