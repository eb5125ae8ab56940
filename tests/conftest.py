"""Fixtures: the app on SQLite and on PostgreSQL, a clean database per test, users and logins.

Every test that uses `app` (or anything built on it) runs twice, once per database backend. The
PostgreSQL database is created for the session and dropped at its end; it is never a shared one.
"""

import os
import uuid
from itertools import count

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from observe import create_app
from observe.config import TestingConfig
from observe.extensions import db, limiter

TEST_PASSWORD = "correct-horse-battery"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pytest_collection_modifyitems(config, items):
    """Run tests marked postgres_only / sqlite_only on that backend alone (not as skips)."""
    keep, drop = [], []
    for item in items:
        backend = getattr(getattr(item, "callspec", None), "params", {}).get("database_url")
        wrong = ((item.get_closest_marker("postgres_only") and backend == "sqlite")
                 or (item.get_closest_marker("sqlite_only") and backend == "postgresql"))
        (drop if wrong else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _required(name: str) -> bool:
    return os.environ.get(name, "").strip() not in ("", "0", "false", "no")


def _postgres_server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A fresh, empty database for this test session, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'observe.sqlite3'}"
        return
    server_url = make_url(_postgres_server_url())
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001
        admin.dispose()
        message = f"PostgreSQL is not reachable at {server_url.render_as_string()}: {error}"
        if _required("REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"observe_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_app(database_url: str, **overrides):
    """An app on the given database with test settings and any overrides."""
    config = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url, **overrides)
    return create_app(config)


class FreshGlobalsClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as it does when served.

    The `app` fixture keeps an app context pushed for the whole test and Flask reuses it for each
    request; without this, the language Flask-Babel caches on `g` and the user Flask-Login caches
    there would leak from one request into the next. The test's own `g` is put back afterwards.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():
            return super().open(*args, **kwargs)
        saved = {name: g.get(name) for name in g}
        for name in saved:
            g.pop(name)
        try:
            return super().open(*args, **kwargs)
        finally:
            for name in list(g):
                g.pop(name, None)
            for name, value in saved.items():
                setattr(g, name, value)


@pytest.fixture(scope="session")
def _session_app(database_url):
    """One app per backend, its schema built by the real migrations."""
    from flask_migrate import upgrade

    app = build_app(database_url)
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def clean_database(app) -> None:
    """Empty every table, so each test starts from nothing."""
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as connection:
            # DELETE, children first: on tables this small it is ~10x faster than TRUNCATE.
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def app(_session_app):
    """The app with an app context pushed and an empty database."""
    clean_database(_session_app)
    limiter.reset()
    # Services called straight from a test speak English (the msgids tests match on); requests
    # get their own `g` (FreshGlobalsClient), so pages still choose their language as served.
    with _session_app.app_context(), force_locale("en"):
        yield _session_app
        db.session.rollback()
        db.session.remove()


@pytest.fixture
def backend(app) -> str:
    """'sqlite' or 'postgresql'."""
    return db.engine.dialect.name


@pytest.fixture
def client(app):
    return app.test_client()


_sequence = count(1)


@pytest.fixture
def make_branch(app):
    """Create a branch; any field can be overridden."""
    from observe.branches import services

    def factory(**overrides):
        number = next(_sequence)
        fields = dict(region="karaganda", name=f"Branch {number}", city="Karaganda",
                      chairperson="Chair Person", phone="", email="")
        fields.update(overrides)
        branch = services.create_branch(**fields)
        db.session.commit()
        return branch

    return factory


@pytest.fixture
def make_user(app, make_branch):
    """An account with TEST_PASSWORD; coordinators and observers get a branch if not given."""
    from observe.auth import services
    from observe.permissions import Role

    def factory(role="observer", **overrides):
        number = next(_sequence)
        if Role(role).needs_branch and "branch" not in overrides:
            overrides["branch"] = make_branch()
        fields = dict(email=f"{role}{number}@example.test", role=role,
                      full_name=f"{role.title()} {number}", password=TEST_PASSWORD)
        fields.update(overrides)
        user = services.create_user(**fields)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_observer(make_user):
    """Create an observer account (later issues give observers their own records)."""

    def factory(**overrides):
        return make_user("observer", **overrides)

    return factory


@pytest.fixture
def login(client, make_user):
    """Sign the test client in as a new user of the given role, through the real /login form."""

    def do_login(role="admin", user=None, **overrides):
        user = user or make_user(role, **overrides)
        response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return do_login


_applicant_numbers = count(1)


@pytest.fixture
def make_applicant(app):
    """Create an observer through submit_application in a branch, then move it to a status."""
    from datetime import date, timedelta

    from observe.observers import services
    from observe.observers.choices import Status
    from observe.observers.rules import validate_applicant
    from tests.observers.factories import applicant_data, valid_iin

    def factory(branch, status="applied", *, actor=None, reason="", **overrides):
        number = next(_applicant_numbers)
        birth_date = overrides.pop("birth_date", date(1975, 1, 1) + timedelta(days=number))
        raw = applicant_data(
            full_name=f"Applicant {number:05d}",
            iin=valid_iin(birth_date, female=bool(number % 2), serial=number),
            birth_date=birth_date.isoformat(),
            phone=f"+7707{number:07d}",
            email=f"applicant{number}@example.org",
        )
        raw.update(overrides)
        clean, errors = validate_applicant(raw)
        # Factory names carry numbers ("Applicant 00012", "Observer 3") that the letters-only
        # name rule refuses; that rule has tests of its own.
        errors.pop("full_name", None)
        assert not errors, errors
        observer, repeat = services.submit_application(clean, branch)
        assert not repeat
        status = Status(status)
        if status != Status.APPLIED:
            # Approval builds an invitation link, which needs a request to build URLs in.
            with app.test_request_context():
                if status == Status.CERTIFIED:
                    services.change_status([observer], Status.APPROVED, actor=actor)
                    services.change_status([observer], status, actor=actor, allow_certify=True)
                else:
                    services.change_status([observer], status, actor=actor,
                                           reason=reason or "test reason")
        db.session.commit()
        return observer

    return factory


_station_numbers = count(1)


@pytest.fixture
def make_election(app):
    """An election in planning, polling day a month ahead, with the default hours."""
    from datetime import timedelta

    from observe.common.db import utcnow
    from observe.elections.models import Election

    def factory(**overrides):
        fields = dict(name="Mazhilis and maslikhat elections",
                      polling_day=(utcnow() + timedelta(days=30)).date())
        fields.update(overrides)
        election = Election(**fields)
        db.session.add(election)
        db.session.commit()
        return election

    return factory


@pytest.fixture
def make_station(app):
    """A polling station of an election (region Karaganda unless given)."""
    from observe.elections.models import PollingStation

    def factory(election, **overrides):
        fields = dict(election_id=election.id, number=str(next(_station_numbers)),
                      region="karaganda", district="Kazybek Bi district",
                      address="Erubaeva St 1", registered_voters=1500)
        fields.update(overrides)
        station = PollingStation(**fields)
        db.session.add(station)
        db.session.commit()
        return station

    return factory


@pytest.fixture
def make_certified(app, make_user, make_applicant):
    """A certified observer with an account (password TEST_PASSWORD) in the given branch."""

    def factory(branch, status="certified", **overrides):
        user = make_user("observer", branch=branch)
        observer = make_applicant(branch, "applied", **overrides)
        observer.user = user
        observer.status = status
        db.session.commit()
        return observer

    return factory
