"""The web side of the audit writer: the signed-in user and the client address of a request."""

from flask import has_request_context, request
from flask_login import current_user

from observe.audit.services import set_context_provider


def request_context(with_user: bool = True) -> tuple:
    """(signed-in user or None, client address) of the current request; (None, "") outside one.
    Without `with_user` the user is not looked at (nor loaded): None."""
    if not has_request_context():
        return None, ""
    user = current_user._get_current_object() \
        if with_user and current_user.is_authenticated else None
    return user, request.remote_addr or ""


set_context_provider(request_context)
