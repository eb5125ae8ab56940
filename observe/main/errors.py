"""Error pages in the user's language; a 429 on sign-in is written to the audit log."""

from flask import Flask, render_template, request
from flask_babel import gettext as _

from observe.extensions import db

TITLES = {
    400: lambda: _("The request could not be understood"),
    403: lambda: _("You do not have access to this page"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not allowed here"),
    413: lambda: _("The file is too large"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong on our side"),
}


def register(app: Flask) -> None:
    """Attach a handler for each status in TITLES."""
    for status in TITLES:
        app.register_error_handler(status, _handler_for(status))


def _handler_for(status: int):
    def handle(error):
        if status == 500:
            # A crash outside the view's transaction (a hook) leaves the session unusable for
            # the error page; the view's own writes were already rolled back.
            db.session.rollback()
        if status == 429:
            _audit_throttle()
        if request.path.startswith("/api/"):
            from observe.api.errors import http_error_response

            return http_error_response(error)
        return render_template("errors/error.html", status=status, title=TITLES[status]()), status

    return handle


def _audit_throttle() -> None:
    """Write the 429 to the audit log in its own transaction: the refused view never ran, and
    the request's own commit does not reach error handlers."""
    from observe.audit.services import record
    from observe.common.transaction import committed

    # The refused view never ran, or its transaction was rolled back as it raised.
    with committed():
        record("auth.throttled", object_type="request",
               summary=f"{request.method} {request.path}")
