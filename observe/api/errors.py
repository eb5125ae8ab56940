"""The API's one error envelope: {"error": {"code", "message", "fields"}} for every failure.

Statuses: 401 without a valid token, 403 for a role that may not, 404 for what is missing or
outside the caller's scope (never 403, so ids do not leak), 405, 413, 422 with field messages,
429 with Retry-After, 500.
"""

from flask import Response, jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from observe.common.errors import DomainError

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "invalid", 429: "rate_limited", 500: "server_error",
}

MESSAGES = {
    400: lambda: _("The request could not be understood."),
    401: lambda: _("A valid API token is required: send Authorization: Bearer <token>."),
    403: lambda: _("Your role may not do this."),
    404: lambda: _("Not found."),
    405: lambda: _("This method is not allowed here."),
    413: lambda: _("The upload is too large."),
    415: lambda: _("Send the body as application/json."),
    422: lambda: _("The request has invalid fields."),
    429: lambda: _("Too many requests with this token; wait and try again."),
    500: lambda: _("Something went wrong on our side."),
}


class ApiError(Exception):
    """An error the API answers with the envelope and the given status."""

    def __init__(self, status: int, message: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def error_response(status: int, message: str | None = None, fields: dict | None = None,
                   code: str | None = None) -> Response:
    """The envelope as a response with its status (and the headers the status needs)."""
    body = {"error": {"code": code or CODES.get(status, "error"),
                      "message": message or MESSAGES.get(status, MESSAGES[500])(),
                      "fields": {name: [str(m) for m in messages]
                                 for name, messages in (fields or {}).items()}}}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="observe"'
    return response


def http_error_response(error) -> Response:
    """An HTTPException (abort(404), routing's 405, Werkzeug's 413 ...) as the envelope."""
    status = error.code if isinstance(error, HTTPException) and error.code else 500
    response = error_response(status if status in CODES else 500 if status >= 500 else status)
    if isinstance(error, HTTPException):
        # Allow on a 405, Retry-After from the rate limiter on a 429.
        for name in ("Allow", "Retry-After"):
            value = error.get_headers() and dict(error.get_headers()).get(name)
            if value:
                response.headers[name] = value
    return response


def domain_error_response(error: DomainError, renamed: dict | None = None) -> Response:
    """A service's refusal as a 422 with its field messages (field names as the API calls them)."""
    renamed = renamed or {}
    fields = {renamed.get(name, name) or "_": messages for name, messages in error.fields.items()}
    return error_response(422, error.message, fields)


def register(bp) -> None:
    """Errors raised inside API views become the envelope."""
    bp.register_error_handler(ApiError,
                              lambda e: error_response(e.status, e.message, e.fields))
    bp.register_error_handler(DomainError, domain_error_response)
    bp.register_error_handler(HTTPException, http_error_response)
