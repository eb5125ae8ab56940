"""Static files: content-hashed URLs, a year of caching for them, and compressed bodies.

Observers open the app on phones with slow, costly connections. Every `url_for` of a static
endpoint (the app's `static` and any blueprint's, such as Bootstrap-Flask's `bootstrap.static`)
carries `?v=<first 12 hex digits of the file's SHA-256>`. A request whose `v` is the file's hash
as it is now is cached for a year as immutable, so later pages cost no round trip for it. Any
other request (no `v`, or a stale hash from an old page or another deploy) must revalidate, so a
browser never keeps the wrong bytes under a versioned URL for long.

CSS, JavaScript, SVG and source maps are compressed through Flask-Compress (Brotli or gzip, as
the browser accepts), once per file version and process, and kept in memory.
"""

import hashlib
import os

from flask import Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress, DictCache
from werkzeug.security import safe_join

VERSION_ARG = "v"
ONE_YEAR = 365 * 24 * 60 * 60
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml",
                "application/json"}

# path -> (mtime_ns, size, hash); stat'ed on each use, so an edited file gets a new hash at once.
_hashes: dict[str, tuple[int, int, str]] = {}
# Compressed bodies keyed by algorithm, file and hash: shared by every app in the process.
_compressed = DictCache()


def static_folder(app: Flask, endpoint: str | None) -> str | None:
    """The folder a static endpoint serves from; None for any other endpoint."""
    if endpoint == "static":
        return app.static_folder
    blueprint, _, view = (endpoint or "").rpartition(".")
    if view != "static" or blueprint not in app.blueprints:
        return None
    return app.blueprints[blueprint].static_folder


def is_static_request() -> bool:
    """Whether the current request is for a static file (no session, no personal data)."""
    return static_folder(current_app, request.endpoint) is not None


def static_path(app: Flask, endpoint: str | None, filename: str | None) -> str | None:
    """The file a static URL names, or None when it is not a static endpoint or not a file."""
    folder = static_folder(app, endpoint)
    if not folder or not filename:
        return None
    path = safe_join(folder, filename)
    return path if path and os.path.isfile(path) else None


def file_hash(path: str) -> str:
    """The first 12 hex digits of the file's SHA-256 (48 bits: no collision between versions)."""
    stat = os.stat(path)
    cached = _hashes.get(path)
    if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    value = digest.hexdigest()[:12]
    _hashes[path] = (stat.st_mtime_ns, stat.st_size, value)
    return value


def add_version(endpoint: str, values: dict) -> None:
    """url_defaults hook: a static URL gets the file's content hash."""
    if VERSION_ARG in values:
        return
    path = static_path(current_app, endpoint, values.get("filename"))
    if path:
        values[VERSION_ARG] = file_hash(path)


def _cache_key(req: Request) -> str:
    path = static_path(current_app, req.endpoint, (req.view_args or {}).get("filename"))
    return f"{path}:{file_hash(path)}"


def cache_and_compress(response: Response) -> Response:
    """after_request hook: long caching for current versions, compression for text files."""
    path = static_path(current_app, request.endpoint, (request.view_args or {}).get("filename"))
    if path is None:
        return response
    current = request.args.get(VERSION_ARG) == file_hash(path)
    response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
    if response.mimetype not in COMPRESSIBLE:
        return response
    if response.status_code != 200 or "X-Sendfile" in response.headers:
        # A range (206) must stay the identity body's bytes; a 304 has no body.
        response.vary.add("Accept-Encoding")
        return response
    # send_file streams the file; Flask-Compress caches only a buffered body.
    response.direct_passthrough = False
    response.make_sequence()
    return current_app.extensions["compress"].after_request(response)


class StaticAwareSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, without "Vary: Cookie" on static files.

    Flask-Login looks into the session on every response, so Flask would add "Vary: Cookie" to
    static files too: a browser would then drop its cached copy each time the session cookie
    changes (a flash message, a sign-in), and no shared cache could keep them. A static file is
    the same for everyone.
    """

    def save_session(self, app, session, response) -> None:
        if not session.modified and is_static_request():
            session.accessed = False
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Version static URLs, cache them and compress them (Flask-Compress, cache in memory)."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_LEVEL", 9)  # gzip; each file is compressed once
    app.config.setdefault("COMPRESS_BR_LEVEL", 11)
    app.config.setdefault("COMPRESS_MIMETYPES", sorted(COMPRESSIBLE))
    # Called for static files only (below): pages stay uncompressed here, as secrets in HTML
    # compressed next to reflected input leak through the size (BREACH); the proxy decides.
    app.config["COMPRESS_REGISTER"] = False
    app.config.setdefault("COMPRESS_CACHE_BACKEND", lambda: _compressed)
    app.config.setdefault("COMPRESS_CACHE_KEY", _cache_key)
    app.extensions["compress"] = Compress(app)
    app.session_interface = StaticAwareSessionInterface()
    app.url_defaults(add_version)
    app.after_request(cache_and_compress)
