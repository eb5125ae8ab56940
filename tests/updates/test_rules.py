"""Video links: only https links to YouTube, Facebook, Instagram and Telegram, judged by host."""

import pytest

from observe.updates.rules import PostError, clean_video_url, video_platform


@pytest.mark.parametrize("url, platform", [
    ("https://www.youtube.com/watch?v=abc", "youtube"),
    ("https://youtu.be/abc", "youtube"),
    ("https://m.youtube.com/live/abc", "youtube"),
    ("https://www.facebook.com/baqyla/videos/1", "facebook"),
    ("https://fb.watch/xyz/", "facebook"),
    ("https://www.instagram.com/reel/abc/", "instagram"),
    ("https://t.me/baqyla/123", "telegram"),
    ("https://telegram.me/baqyla/123", "telegram"),
])
def test_accepted_hosts(url, platform):
    assert video_platform(url) == platform
    assert clean_video_url(f"  {url} ") == url


@pytest.mark.parametrize("url", [
    "http://www.youtube.com/watch?v=abc",          # not https
    "https://youtube.com.evil.example/watch",      # a look-alike host
    "https://evil.example/?u=https://youtu.be/x",  # the platform only in the query
    "https://user@youtube.com/watch",              # credentials in the link
    "https://vimeo.com/1",                         # another platform
    "javascript:alert(1)",
    "https://",
    "https://t.me:8443/x",
])
def test_refused_links(app, url):
    assert video_platform(url) is None
    with pytest.raises(PostError) as error:
        clean_video_url(url)
    assert error.value.field == "video_url"


def test_empty_link_is_no_link():
    assert clean_video_url("  ") == ""
