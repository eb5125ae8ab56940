"""The JSON API v1: every read and write goes through the features' queries and services; this
package owns no rules. One module per resource; schemas, errors and the OpenAPI document beside.
"""

from functools import cache

from flask import Blueprint, current_app, g, request, session

from observe.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Token requests carry no cookie, so there is nothing for CSRF to protect.
csrf.exempt(bp)

# Endpoints open without a token: the document and its reference page.
PUBLIC_ENDPOINTS = {"api.openapi_document", "api.reference"}


@bp.before_request
def _authenticate():
    from observe.api.auth import authenticate

    # Cookies are never accepted: nothing of a browser session (its user, its language) counts.
    session.clear()
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint in _deferred():
        # Never the session cookie's user, not even for the public pages. An operation with a
        # shortcut authenticates in its view, after trying the shortcut.
        g._login_user = current_app.login_manager.anonymous_user()
        return
    authenticate()


@bp.after_request
def _no_cookie(response):
    # ... and none is written: the ?lang= hook and Flask-Login would otherwise save one.
    session.modified = False
    return response


@cache
def _deferred() -> frozenset:
    """The endpoints whose operation has a shortcut."""
    from observe.api.registry import OPERATIONS

    return frozenset(o.endpoint for o in OPERATIONS if o.shortcut is not None)


def _exempt_from_rate_limit() -> bool:
    return request.endpoint in PUBLIC_ENDPOINTS


def _setup() -> None:
    from observe.api import auth, errors

    errors.register(bp)
    limiter.limit(auth.rate_limit, key_func=auth.rate_limit_key,
                  exempt_when=_exempt_from_rate_limit)(bp)


_setup()

from observe.api import (  # noqa: E402,F401  (the modules register their routes)
    catalog,
    elections,
    incidents,
    me,
    meta,
    reports,
    sos,
)
