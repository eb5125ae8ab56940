"""What a post may carry: video links only from the platforms BAQYLA streams on, checked by host."""

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
