"""Fixtures for training tests: the standard modules, sessions and approved observers."""

from datetime import timedelta
from itertools import count

import pytest

from observe.common.db import utcnow
from observe.extensions import db
from observe.observers.choices import Status
from observe.training import services
from observe.training.standard_modules import ensure_standard_modules
from tests.conftest import TEST_PASSWORD

_numbers = count(1)


@pytest.fixture
def modules(app):
    """The four standard modules (tables start empty in tests)."""
    created = ensure_standard_modules()
    db.session.commit()
    return created


@pytest.fixture
def make_session(app, make_user, modules):
    """Schedule a session starting in two days; national unless a branch is given."""

    def factory(branch=None, *, covers=None, actor=None, **overrides):
        actor = actor or make_user("hq")
        starts = overrides.pop("starts_at", utcnow() + timedelta(days=2))
        fields = dict(branch_id=branch.id if branch else None,
                      title=f"Session {next(_numbers)}", description="", online=True,
                      zoom_url="https://zoom.us/j/123456789", zoom_meeting_id="123 456 789",
                      zoom_passcode="observe", venue="", address="", starts_at=starts,
                      ends_at=starts + timedelta(hours=2), capacity=30,
                      min_attendance_minutes=60)
        fields.update(overrides)
        session = services.create_session(modules=covers if covers is not None else modules,
                                          actor=actor, **fields)
        db.session.commit()
        return session

    return factory


@pytest.fixture
def make_trainee(app, make_user, make_applicant):
    """An approved observer with an account (password TEST_PASSWORD) in the given branch."""

    def factory(branch, status=Status.APPROVED, **overrides):
        user = make_user("observer", branch=branch)
        observer = make_applicant(branch, Status.APPLIED, **overrides)
        observer.user = user
        observer.status = Status(status).value
        db.session.commit()
        return observer

    return factory


@pytest.fixture
def login_as(client):
    """Sign the test client in as an existing user."""

    def do_login(user):
        client.post("/logout")
        response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 302
        return user

    return do_login
