"""Small JPEG previews of stored photos, kept beside the original (`<name>.thumb.jpg`).

The original is never re-encoded or served scaled down: its bytes are the evidence and its SHA-256
is recorded. A preview is made by a background task after the upload commits (on a worker where
a broker is configured), or on first request if it is missing, and is written atomically, so two
staff opening the same report at once (or the task and a member of staff) never see half a file.
"""

import os
import secrets
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

BOX = (320, 320)
QUALITY = 70
# A photo from any phone is far below this; a file claiming more is refused rather than decoded.
MAX_PIXELS = 80_000_000


def thumbnail_of(original: Path) -> Path | None:
    """The preview of a stored photo, made now if missing; None when the file is no usable image."""
    preview = original.with_name(original.name + ".thumb.jpg")
    if preview.exists():
        return preview
    try:
        image = _preview(original)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        return None
    partial = original.with_name(f".{secrets.token_hex(8)}.thumb.partial")
    try:
        image.save(partial, "JPEG", quality=QUALITY, optimize=True)
        os.replace(partial, preview)
    finally:
        partial.unlink(missing_ok=True)
    return preview


def _preview(original: Path) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(original) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValueError("image too large to preview")
            # JPEG decodes straight at a fraction of its size: a 12 MP photo costs ~1/16 the work.
            image.draft("RGB", (BOX[0] * 2, BOX[1] * 2))
            image = ImageOps.exif_transpose(image)
            image.thumbnail(BOX)
            return image.convert("RGB")
