"""The request is the transaction: committed once when the view returns, rolled back when it raises;
a service's DomainError becomes form errors or a flash, and huge ids are plain 404s."""

import pytest
from flask import abort
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

from observe.common.errors import DomainError
from observe.common.forms import service_errors
from observe.extensions import db
from observe.mail.models import OutboxMessage
from tests.conftest import build_app, clean_database


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()


def _add(subject: str) -> None:
    db.session.add(OutboxMessage(recipient="x@example.org", subject=subject, body=""))
    db.session.flush()


class NameForm(FlaskForm):
    name = StringField()


@pytest.fixture
def probe_app(database_url, _session_app):
    """An app with routes that write and then succeed, fail, abort or hit a DomainError."""
    app = build_app(database_url)

    @app.post("/probe/ok")
    def ok():
        _add("ok")
        return "ok"

    @app.post("/probe/crash")
    def crash():
        _add("crash")
        raise RuntimeError("boom")

    @app.post("/probe/abort")
    def aborted():
        _add("abort")
        abort(403)

    @app.post("/probe/refused")
    def refused():
        form = NameForm(meta={"csrf": False})
        with service_errors(form) as outcome:
            _add("refused")
            raise DomainError("Name taken.", field="name",
                              fields={"": ["Try again later."]})
        assert not outcome.ok
        return {"name": form.name.errors, "form": form.form_errors}

    clean_database(app)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_view_that_returns_is_committed_once(probe_app):
    assert probe_app.test_client().post("/probe/ok").status_code == 200
    db.session.remove()
    assert _count() == 1


@pytest.mark.parametrize("path, status", [("/probe/crash", 500), ("/probe/abort", 403)])
def test_a_view_that_raises_is_rolled_back(probe_app, path, status):
    probe_app.config["PROPAGATE_EXCEPTIONS"] = False
    assert probe_app.test_client().post(path).status_code == status
    db.session.remove()
    assert _count() == 0


def test_a_domain_error_becomes_form_errors_and_undoes_the_write(probe_app):
    response = probe_app.test_client().post("/probe/refused")
    assert response.json == {"name": ["Name taken."], "form": ["Try again later."]}
    db.session.remove()
    assert _count() == 0


def test_domain_error_collects_messages_by_field():
    error = DomainError(fields={"iin": "Bad IIN.", "phone": ["Too short.", "Too short."]})
    error.add("", "Nothing was saved.")
    assert error.messages == ["Nothing was saved.", "Bad IIN.", "Too short."]
    assert error.field == "iin"
    assert error.as_json()["error"]["fields"] == {"iin": ["Bad IIN."], "phone": ["Too short."],
                                                  "_": ["Nothing was saved."]}


@pytest.mark.parametrize("path", ["/observers/99999999999999999999",
                                  "/assignments/item/9223372036854775808/edit",
                                  "/elections/99999999999999999999999"])
def test_ids_beyond_a_database_integer_are_404(client, login, path):
    login("admin")
    assert client.get(path).status_code == 404
