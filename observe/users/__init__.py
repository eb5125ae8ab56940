"""Administration of accounts: creating users, roles, branches, deactivation, reset links."""

from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/admin/users")

from observe.users import views  # noqa: E402,F401
