"""What a post may carry: video links only from the platforms BAQYLA streams on, checked by host."""

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _

from observe.common.errors import DomainError

# host (without "www." / "m.") -> platform
VIDEO_HOSTS = {
    "youtube.com": "youtube", "youtu.be": "youtube", "youtube-nocookie.com": "youtube",
    "facebook.com": "facebook", "fb.watch": "facebook", "fb.com": "facebook",
    "instagram.com": "instagram",
    "t.me": "telegram", "telegram.me": "telegram",
}
PLATFORM_NAMES = {"youtube": "YouTube", "facebook": "Facebook", "instagram": "Instagram",
                  "telegram": "Telegram"}
MAX_PHOTOS = 10


class PostError(DomainError):
    """A post rule refused the action."""


def video_platform(url: str) -> str | None:
    """The platform of a video link, or None when its host is not one we accept."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.port:
        return None
    host = parts.hostname.lower()
    for prefix in ("www.", "m.", "mobile.", "web."):
        if host.startswith(prefix):
            host = host[len(prefix):]
            break
    return VIDEO_HOSTS.get(host)


def clean_video_url(url: str) -> str:
    """A video or stream link from YouTube, Facebook, Instagram or Telegram (https), or ""."""
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > 500 or video_platform(url) is None:
        raise PostError(_("Give an https link to a video or stream on YouTube, Facebook, "
                          "Instagram or Telegram."), field="video_url")
    return url


# What HQ is warned about before publishing: something like a phone number (+7 7xx … in any
# formatting), an IIN (12 digits whose control digit and birth date are valid) or an e-mail.
_SEP = r"[\s\-.()\u00a0]*"
_PHONE = re.compile(rf"(?<!\d)(?:\+{_SEP}7|8|7){_SEP}\(?7\d{_SEP}\d\)?" + rf"{_SEP}\d" * 7
                    + r"(?!\d)")
_TWELVE = re.compile(r"(?<!\d)\d{12}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def personal_data_warnings(*texts: str) -> list[str]:
    """Names of the kinds of personal data a post's texts seem to hold (for HQ's review)."""
    from observe.observers.rules import birth_date_from_iin, iin_control_digit

    text = " ".join(t or "" for t in texts)
    found = []
    if _PHONE.search(text):
        found.append(_("a phone number"))
    if any(iin_control_digit(m[:11]) == int(m[11]) and birth_date_from_iin(m)
           for m in _TWELVE.findall(text)):
        found.append(_("an IIN"))
    if _EMAIL.search(text):
        found.append(_("an e-mail address"))
    return found
