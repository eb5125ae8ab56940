"""The API fuzzed against its own OpenAPI document with schemathesis (through WSGI, on SQLite
and PostgreSQL): every operation, called with the token of a role that may use it, answers no
5xx and nothing that breaks the document (status codes, content types, headers, bodies)."""

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from observe.assignments.models import Assignment
from observe.auth import services as auth_services
from observe.branches import services as branch_services
from observe.elections.models import Contest, ContestChoice, Election, PollingStation
from observe.extensions import db, limiter
from tests.conftest import clean_database

ROLES = ("observer", "coordinator", "hq")
# Kept small so both backends finish in about a minute; the coverage phase adds the boundary
# values (the largest id, empty and longest strings) on top of these random examples.
EXAMPLES = 5


@pytest.fixture(scope="module")
def fuzz_world(_session_app):
    """A polling day with an assigned observer, an incident, and a token per role."""
    from observe.common.db import utcnow
    from observe.observers.models import Observer
    from observe.reports.services import submit_incident

    app = _session_app
    clean_database(app)
    limiter.reset()
    saved = app.config.get("API_RATE_LIMIT")
    app.config["API_RATE_LIMIT"] = "1000000 per minute"
    with app.app_context():
        branch = branch_services.create_branch(region="karaganda", name="Fuzz branch")
        election = Election(name="Fuzz", polling_day=date.today(), status="polling_day")
        db.session.add(election)
        db.session.flush()
        contest = Contest(election_id=election.id, kind="mazhilis", name="Mazhilis")
        contest.choices = [ContestChoice(name="A"), ContestChoice(name="B")]
        station = PollingStation(election_id=election.id, number="1", region="karaganda",
                                 address="Main St 1", registered_voters=1000)
        db.session.add_all([contest, station])
        tokens = {}
        for role in ROLES:
            user = auth_services.create_user(email=f"fuzz-{role}@example.org", role=role,
                                             branch=branch if role != "hq" else None)
            tokens[role] = auth_services.create_api_token(user, name="fuzz")
            if role == "observer":
                observer = Observer(full_name="Fuzz Observer", branch_id=branch.id,
                                    user_id=user.id, status="certified")
                db.session.add(observer)
                db.session.flush()
                db.session.add(Assignment(election_id=election.id, station_id=station.id,
                                          observer_id=observer.id, branch_id=branch.id,
                                          role="stationary", shift="full_day",
                                          status="confirmed"))
                db.session.flush()
                submit_incident(dict(uuid="0b0f5f4e-5d56-4a1e-9b43-3f3c9ad1c001",
                                     station_id=station.id, category="other", severity="low",
                                     description="Seen", occurred_at=utcnow()), actor=user)
        db.session.commit()
        db.session.remove()
    yield {"app": app, "tokens": tokens}
    app.config["API_RATE_LIMIT"] = saved
    clean_database(app)


@pytest.fixture(scope="module")
def api_schema(fuzz_world):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_world["app"])


schema = schemathesis.pytest.from_fixture("api_schema")


# Who calls each operation: the role that may (others get 403 before any work is done).
CALLER = {"reports.submit": "observer", "assignments.own": "observer",
          "reports.triage": "coordinator"}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_document(case, fuzz_world):
    app = fuzz_world["app"]
    role = CALLER.get(case.operation.definition.raw.get("x-observe-capability"), "hq")
    with app.app_context():
        # A schema-valid request may still be refused by a rule (a station the observer is
        # not assigned to), and unknown query arguments are ignored as the web pages do:
        # what must never happen is a 5xx or an answer the document does not describe.
        case.call_and_validate(
            headers={"Authorization": f"Bearer {fuzz_world['tokens'][role]}"},
            excluded_checks=[positive_data_acceptance, negative_data_rejection])
