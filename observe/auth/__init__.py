"""Accounts, signing in, passwords, one-time links and API tokens."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from observe.auth import views  # noqa: E402,F401
