"""The HTTP layer: security headers, proxy headers, caching (static files, personal pages),
and the per-request language hook."""

from flask import Flask, Response
from flask_login import current_user
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from observe.main import assets

# Scripts only from our own origin: no inline script anywhere in the templates.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "worker-src": "'self'",  # the observer's pages offline (templates/reports/sw.js)
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_security(app: Flask) -> None:
    """Security headers (Flask-Talisman), X-Forwarded-* trust behind a proxy, caching headers."""
    from observe.i18n import remember_requested_language

    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    # One Talisman per app: it keeps its settings (and the app) on itself, so a shared instance
    # would give every app the settings of the last one built.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        strict_transport_security=app.config["SESSION_COOKIE_SECURE"],
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    app.before_request(remember_requested_language)
    assets.init_app(app)
    app.after_request(forbid_storing_personal_pages)


def forbid_storing_personal_pages(response: Response) -> Response:
    """Nothing shown to a signed-in user is kept by the browser or any cache on the way.

    Their pages and downloads carry personal data (names, IINs, phones); on a shared computer
    the back button or the disk cache would show them to the next person. Static files, the
    same for everyone, stay cacheable.
    """
    # is_anonymous, not is_authenticated: the latter reads the user's columns, which the
    # request's commit has expired, and reloading them costs a second transaction.
    if not assets.is_static_request() and not current_user.is_anonymous:
        response.headers["Cache-Control"] = "no-store, private"
        response.headers.pop("Expires", None)
    return response
