"""Services are callable from a plain script: an app context, no request, the script commits.

This is what the CLI, background jobs and the coming API rely on: no service may reach for
`request`, `session`, `current_user` or `url_for`.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import func, select

from observe.assignments.models import Assignment
from observe.audit.models import AuditEntry
from observe.extensions import db
from observe.mail.models import OutboxMessage
from observe.observers.models import Observer
from tests.observers.factories import applicant_data

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import sys
    from datetime import date, timedelta

    from flask import has_request_context

    from observe import create_app
    from observe.assignments.services import Proposal, assign_observer
    from observe.auth.services import create_user
    from observe.branches.services import create_branch
    from observe.common.errors import DomainError
    from observe.common.transaction import committed
    from observe.config import TestingConfig
    from observe.elections.models import PollingStation
    from observe.elections.services import create_election
    from observe.observers import services as observers
    from observe.observers.choices import Status

    database_url, raw = sys.argv[1], eval(sys.argv[2])
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = database_url
    app = create_app(config)
    with app.app_context():
        assert not has_request_context()
        with committed():
            admin = create_user(email="script-admin@example.org", role="admin",
                                full_name="Script Admin", password="correct-horse-battery")
            branch = create_branch(actor=admin, region="karaganda", name="Script branch",
                                   city="Karaganda", chairperson="", phone="", email="")
            observer, repeat = observers.apply(dict(raw, branch_id=branch.id), branch.id,
                                               consent=True, declaration=True)
            result = observers.change_status(
                [observer], Status.APPROVED, actor=admin,
                link_for=lambda token: f"https://observe.example/reset/{token}")
            election = create_election(actor=admin, name="Script election",
                                       polling_day=date.today() + timedelta(days=30))
            station = PollingStation(election_id=election.id, number="777",
                                     region="karaganda", district="Kazybek Bi district",
                                     address="Erubaeva St 1", registered_voters=900)
            from observe.extensions import db
            db.session.add(station)
            db.session.flush()
            assign_observer(Proposal(observer, station, "stationary", "full_day",
                                     "trained on paper, certificate pending"), actor=admin)
        try:
            observers.apply(dict(raw, iin="123"), branch.id, consent=False, declaration=True)
        except DomainError as error:
            print("refused:", sorted(error.fields))
    print("done")
""")


def test_services_run_from_a_plain_script_without_a_request(app, database_url):
    raw = applicant_data(full_name="Айгерим Садыкова")
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, database_url, repr(raw)], cwd=ROOT,
        capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "refused: ['consent', 'iin']" in completed.stdout
    db.session.remove()
    observer = db.session.execute(select(Observer)).scalar_one()
    assert observer.status == "approved" and observer.user is not None
    assignment = db.session.execute(select(Assignment)).scalar_one()
    assert assignment.observer_id == observer.id
    invitation = db.session.execute(select(OutboxMessage)).scalar_one()
    assert "https://observe.example/reset/" in invitation.body
    actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {"observer.apply", "observer.status", "election.create"} <= actions
    assert db.session.execute(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.ip_address != "")).scalar_one() == 0
