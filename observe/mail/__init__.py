"""Outgoing e-mail: every message goes to the outbox, and out through SMTP when configured."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")

from observe.mail import tasks, views  # noqa: E402,F401
