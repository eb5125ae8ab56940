"""HTTP caching: hashed static URLs cached a year, compressed; personal pages never stored.

Observers load the app on phones over slow mobile links: every static file a page names must be
fetched once per version, compressed, and never re-validated on the next page. Pages shown to a
signed-in user carry personal data and must not be kept by the browser or a proxy.
"""

import gzip
import hashlib
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import TEST_PASSWORD

ONE_YEAR = 365 * 24 * 60 * 60
STATIC_PREFIXES = ("/static/", "/bootstrap/static/")
ROOT = Path(__file__).resolve().parents[2]


def page_assets(html: str) -> list[str]:
    """Every local stylesheet, script, icon and image URL a page names."""
    urls = re.findall(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="(/[^"]+)"', html)
    return [url.replace("&amp;", "&") for url in urls
            if not url.startswith(("/login", "/?", "/account"))]


def served_file(app, url: str) -> Path:
    path = urlsplit(url).path
    if path.startswith("/bootstrap/static/"):
        return Path(app.blueprints["bootstrap"].static_folder) / path[len("/bootstrap/static/"):]
    return Path(app.static_folder) / path[len("/static/"):]


def sha12(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def max_age(response) -> int:
    match = re.search(r"max-age=(\d+)", response.headers.get("Cache-Control", ""))
    return int(match.group(1)) if match else 0


def assets_of(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    urls = page_assets(response.get_data(as_text=True))
    assert urls, f"{path} names no static file"
    return urls


# --- content-hashed URLs ----------------------------------------------------------------------

@pytest.mark.parametrize("role", [None, "admin", "observer"])
def test_every_static_url_in_a_page_carries_the_files_content_hash(app, client, login, role):
    if role:
        login(role)
    urls = assets_of(client, "/" if role else "/login")
    kinds = {urlsplit(url).path.rsplit(".", 1)[-1] for url in urls}
    assert {"css", "js", "svg"} <= kinds
    assert any(url.startswith("/bootstrap/static/") for url in urls), "Bootstrap is served here"
    for url in urls:
        assert url.startswith(STATIC_PREFIXES), url
        version = parse_qs(urlsplit(url).query).get("v")
        assert version == [sha12(served_file(app, url))], url


def test_versioned_static_files_are_cached_for_a_year_as_immutable(client, login):
    login("coordinator")
    for url in assets_of(client, "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = response.headers["Cache-Control"]
        assert max_age(response) >= ONE_YEAR, (url, cache_control)
        assert "immutable" in cache_control and "public" in cache_control, url
        assert "no-store" not in cache_control and "no-cache" not in cache_control, url
        # A cookie-dependent file could not be reused once the session cookie changes.
        assert "cookie" not in response.headers.get("Vary", "").lower(), url
        assert "Set-Cookie" not in response.headers, url


@pytest.mark.parametrize("query", ["", "?v=000000000000", "?v=", "?v=../observe.css"])
def test_unversioned_or_stale_static_urls_are_not_cached_long(client, app, query):
    for path in ("/static/css/observe.css", "/bootstrap/static/css/bootstrap.min.css"):
        response = client.get(path + query)
        assert response.status_code == 200
        assert response.get_data() == served_file(app, path).read_bytes()
        cache_control = response.headers["Cache-Control"]
        assert "immutable" not in cache_control
        assert "no-cache" in cache_control or max_age(response) <= 600, cache_control


def test_an_edited_file_gets_a_new_url(app, client, monkeypatch, tmp_path):
    (tmp_path / "site.css").write_text("body { color: #000; }\n")
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    with app.test_request_context():
        from flask import url_for

        first = url_for("static", filename="site.css")
        assert client.get(first).headers["Cache-Control"].endswith("immutable")
        (tmp_path / "site.css").write_text("body { color: #111; }\n/* edited */\n")
        second = url_for("static", filename="site.css")
    assert first != second
    assert "immutable" not in client.get(first).headers["Cache-Control"]
    assert "immutable" in client.get(second).headers["Cache-Control"]


# --- compression ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/static/css/observe.css", "/static/js/observe.js",
                                  "/bootstrap/static/css/bootstrap.min.css",
                                  "/bootstrap/static/js/bootstrap.min.js",
                                  "/bootstrap/static/umd/popper.min.js"])
def test_css_and_js_are_sent_gzip_compressed_to_browsers_that_accept_it(app, client, path):
    original = served_file(app, path).read_bytes()
    url = f"{path}?v={sha12(served_file(app, path))}"
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == original
    if len(original) > 10_000:
        assert len(body) < len(original) / 2
    assert max_age(response) >= ONE_YEAR

    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == original
    assert "Accept-Encoding" in plain.headers["Vary"]


def test_bootstrap_css_is_smaller_still_with_brotli(client):
    url = "/bootstrap/static/css/bootstrap.min.css"
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    brotli = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert brotli.headers["Content-Encoding"] == "br"
    assert len(brotli.get_data()) < len(gzipped.get_data())


def test_a_compressed_copy_revalidates_with_its_own_etag(client):
    url = "/static/css/observe.css"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    plain = client.get(url, headers={"If-None-Match": etag})
    assert plain.status_code == 200  # the identity body is another representation
    assert "Content-Encoding" not in plain.headers


def test_a_range_request_gets_bytes_of_the_file_itself(app, client):
    url = "/bootstrap/static/css/bootstrap.min.css"
    response = client.get(url, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == served_file(app, url).read_bytes()[:100]


# --- pages with personal data -----------------------------------------------------------------

@pytest.mark.parametrize(("role", "paths"), [
    ("admin", ["/", "/account", "/admin/users/", "/admin/audit/", "/branches/", "/observers/",
               "/no-such-page", "/healthz"]),
    ("coordinator", ["/", "/observers/", "/observers/export?format=csv", "/assignments/"]),
    ("observer", ["/", "/account", "/assignments/mine", "/training/", "/admin/users/"]),
])
def test_every_page_for_a_signed_in_user_is_no_store(client, login, role, paths):
    login(role)
    for path in paths:
        response = client.get(path)
        assert response.headers.get("Cache-Control") == "no-store, private", (
            path, response.status_code, response.headers.get("Cache-Control"))
    # ... while the static files of those pages stay cacheable.
    for url in assets_of(client, "/"):
        assert "immutable" in client.get(url).headers["Cache-Control"], url


def test_the_response_that_signs_in_is_no_store_too(client, make_user):
    user = make_user("hq")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store, private"


def test_anonymous_public_pages_are_not_forced_to_no_store(client):
    """The sign-in and join pages hold nothing personal; only signed-in responses are no-store."""
    for path in ("/login", "/join"):
        assert "no-store" not in client.get(path).headers.get("Cache-Control", ""), path
