"""Retention of observers' personal data: the erase policy per election, the erasure itself
(CLI and the observer's own withdrawal of consent), the observer's own data export, and the log
of downloads of personal data.

A sub-package of `complaints` because ARCHITECTURE.md puts retention beside complaints (one
feature for the legal side of the work); it has its own blueprint under /privacy.
"""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

import observe.complaints.privacy.views  # noqa: E402,F401
