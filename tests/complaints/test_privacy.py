"""Retention: the dry run lists, the real run erases for good (nothing personal left in any
text, varchar or JSON column of any table), the policy per election, the observer's own export
and withdrawal of consent."""

import io
import json
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import func, select

from observe.assignments.models import Assignment
from observe.audit.models import AuditEntry
from observe.common.db import utcnow
from observe.complaints.privacy import services, sweep
from observe.complaints.privacy.models import Erasure
from observe.elections.services import update_election
from observe.extensions import db
from observe.mail.services import send_mail
from observe.observers.services import add_note
from observe.reports.models import Report
from tests.conftest import TEST_PASSWORD


def _personal(observer) -> list[str]:
    return [observer.iin, observer.phone, observer.email, observer.user.email]


def _close(election, actor, days_ago: int):
    """Close the election as HQ does, then date the close back."""
    update_election(election, actor=actor, status="closed")
    db.session.flush()
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "election.status").order_by(AuditEntry.id.desc())).first()
    entry.occurred_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()


def _traces(observer, actor) -> None:
    """Copies of the observer's data where the app keeps them: audit payloads, mail, notes."""
    send_mail(observer.email, "Hello", f"Dear observer, your phone {observer.phone} is on file.")
    add_note(observer, f"Called {observer.phone}, IIN {observer.iin}", actor=actor)
    db.session.commit()


def test_dry_run_then_real_run(world, app, make_election, make_station):
    day = world.day
    erased, kept = day.own.observer, day.other.observer
    # `kept` is assigned in a later election: their data is still needed.
    later = make_election(polling_day=day.election.polling_day + timedelta(days=200))
    station = make_station(later, region="almaty")
    db.session.add(Assignment(election_id=later.id, station_id=station.id,
                              observer_id=kept.id, branch_id=kept.branch_id, role="stationary",
                              shift="full_day", status="assigned"))
    db.session.commit()
    _traces(erased, world.admin)
    for observer in (erased, kept):  # recruited well before the election was closed
        observer.applied_at = utcnow() - timedelta(days=90)
    values = _personal(erased)
    kept_values = _personal(kept)
    reports = db.session.scalar(select(func.count(Report.id)).where(
        Report.observer_id == erased.id))
    assert reports >= 2

    # Not closed yet: nobody is due.
    assert services.plan() == []
    _close(day.election, world.hq, days_ago=30)
    services.set_policy(day.election, 6, actor=world.admin)
    db.session.commit()
    assert services.plan() == []  # closed 30 days ago, kept for 6 months
    services.set_policy(day.election, 0, actor=world.admin)
    db.session.commit()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "erase", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"observer {erased.id}\t" in result.output
    assert f"observer {kept.id}\t" not in result.output
    assert "iin, phone, email, birth_date, account" in result.output
    for value in values:
        assert value not in result.output  # the plan names ids, never the data
    # The dry run changed nothing.
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Erasure.id))) == 0
    assert sweep.find(values), "the personal data is there before the real run"

    result = runner.invoke(args=["privacy", "erase"])
    assert result.exit_code == 0, result.output
    assert "erased: 1" in result.output
    db.session.expire_all()
    assert sweep.find(values) == {}, "personal data left behind"
    assert sweep.find(kept_values), "an observer of a later election was erased"
    erasure = db.session.scalar(select(Erasure))
    observer = db.session.get(type(erased), erased.id)
    assert observer.full_name == erasure.pseudonym and observer.iin is None
    assert observer.birth_date is None and observer.user.is_active is False
    # Reports and assignments stay, attributed to the pseudonym.
    assert db.session.scalar(select(func.count(Report.id)).where(
        Report.observer_id == erased.id)) == reports
    assert db.session.scalar(select(AuditEntry.summary).where(
        AuditEntry.action == "privacy.erase")) == erasure.pseudonym
    # Irreversible and idempotent: a second run finds nobody.
    result = runner.invoke(args=["privacy", "erase"])
    assert "erased: 0" in result.output
    # The erased account cannot sign in.
    client = app.test_client()
    response = client.post("/login", data={"email": values[3], "password": TEST_PASSWORD})
    assert response.status_code != 302


def test_policy_and_overview_pages(world, client, login):
    login(user=world.admin)
    election = world.day.election
    response = client.post(f"/privacy/elections/{election.id}/policy", data={"months": "200"})
    assert response.status_code == 302
    page = client.get("/privacy/").get_data(as_text=True)
    assert "Between 0 and 120 months." in page
    client.post(f"/privacy/elections/{election.id}/policy", data={"months": "3"})
    page = client.get("/privacy/").get_data(as_text=True)
    assert 'value="3"' in page and "not closed yet" in page


def test_observer_downloads_own_data_and_it_is_audited(world, client, login):
    observer = world.day.own.observer
    login(user=observer.user)
    page = client.get("/privacy/mine")
    assert page.status_code == 200 and observer.iin in page.get_data(as_text=True)
    data = json.loads(client.get("/privacy/mine.json").get_data())
    assert data["profile"]["iin"] == observer.iin
    assert data["profile"]["phone"] == observer.phone
    assert len(data["reports"]) == 2 and data["assignments"][0]["status"] == "confirmed"
    pdf = client.get("/privacy/mine.pdf")
    assert pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert observer.iin in text
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "privacy.own_export").order_by(AuditEntry.id)).all()
    assert [e.summary for e in entries] == ["json", "pdf"]
    assert entries[0].actor_id == observer.user.id
    # Another observer's record is never reachable: the page is always the signed-in one's.
    assert world.day.other.observer.iin not in page.get_data(as_text=True)


def test_admin_sees_who_downloaded_personal_data(world, client, login):
    login(user=world.day.own.observer.user)
    client.get("/privacy/mine.json")
    client.post("/logout")
    client.get("/login?lang=en")
    login(user=world.admin)
    log = client.get("/privacy/").get_data(as_text=True)
    assert "own data" in log and world.day.own.observer.user.email in log


def test_withdrawal_needs_confirmation_then_erases(world, client, login):
    observer = world.day.own.observer
    values = _personal(observer)
    login(user=observer.user)
    refused = client.post("/privacy/mine/withdraw", data={})
    assert refused.status_code == 200 and "Tick the box to confirm." in refused.get_data(
        as_text=True)
    assert db.session.scalar(select(func.count(Erasure.id))) == 0
    done = client.post("/privacy/mine/withdraw", data={"confirm": "y"})
    assert done.status_code == 302 and done.headers["Location"].startswith("/login")
    db.session.expire_all()
    erasure = db.session.scalar(select(Erasure))
    assert erasure.reason == "withdrawal" and erasure.observer_id == observer.id
    # The seat is free again for the coordinator; the assignment stays for the statistics.
    assignment = db.session.get(Assignment, world.day.own.assignment.id)
    assert assignment.status == "declined" and assignment.decline_reason == "consent withdrawn"
    assert sweep.find(values) == {}
    # Signed out for good: the next page asks for a sign-in.
    assert client.get("/privacy/mine").status_code == 302


def test_admin_runs_the_erasure_as_a_background_job(world, client, login):
    from observe.jobs.models import Job

    day = world.day
    for observer in (day.own.observer, day.other.observer):
        observer.applied_at = utcnow() - timedelta(days=90)
    values = _personal(day.own.observer) + _personal(day.other.observer)
    _close(day.election, world.hq, days_ago=30)
    services.set_policy(day.election, 0, actor=world.admin)
    db.session.commit()
    login(user=world.admin)
    refused = client.post("/privacy/erase", data={})
    assert refused.status_code == 302
    assert db.session.scalar(select(func.count(Erasure.id))) == 0
    response = client.post("/privacy/erase", data={"confirm": "y"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    db.session.expire_all()
    job = db.session.scalar(select(Job))
    assert job.kind == "privacy.erase" and job.status == "done"
    assert job.result == {"erased": 2}
    assert sweep.find(values) == {}
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "privacy.erase", AuditEntry.actor_id == world.admin.id)) == 2
