"""Background jobs run inline (no broker): the mandate letters, briefing exports, a large
observer import, mail and photo previews; a job is seen only by whoever queued it (and admin)."""

import io
import time

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.extensions import db
from observe.jobs import services as job_services
from observe.jobs.models import Job
from observe.jobs.registry import handler
from tests.conftest import TEST_PASSWORD
from tests.jobs.conftest import PAGE, job_id_of


@handler("tests.refuse")
def _refuse(job, progress):
    raise DomainError("The test job refuses.")


@handler("tests.crash")
def _crash(job, progress):
    raise RuntimeError("boom")


def signed_in(app, user):
    browser = app.test_client()
    browser.get("/login?lang=en")
    assert browser.post("/login", data={"email": user.email, "password": TEST_PASSWORD}
                        ).status_code == 302
    return browser


def test_every_mandate_letter_is_one_job_the_coordinator_watches_then_downloads(
        app, client, login, letters):
    world = letters(30)
    client.get("/login?lang=en")
    login(user=world.coordinator)
    job_id = job_id_of(client.post(f"/assignments/{world.election.id}/mandates/job"))

    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["status"] == "done" and status["finished"]
    assert (status["done"], status["total"], status["percent"]) == (30, 30, 100)
    assert status["download_url"] == f"/jobs/{job_id}/download"

    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "30 mandate letters" in page and "Done" in page
    assert "js/jobs/progress.js" in page and "<script>" not in page  # CSP: no inline script
    pdf = client.get(f"/jobs/{job_id}/download")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert "no-store" in pdf.headers["Cache-Control"]
    assert len(PAGE.findall(pdf.data)) == 30
    text = PdfReader(io.BytesIO(pdf.data)).pages[29].extract_text()
    assert "Observer 029" in text

    job = db.session.get(Job, job_id)
    assert job.user_id == world.coordinator.id and job.kind == "assignments.mandates"
    assert job.started_at is not None and job.finished_at >= job.started_at
    # Who took whose personal data out is audited by the job, as by the direct download.
    [entry] = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "assignment.mandate_pdf"))
    assert entry.actor_id == world.coordinator.id and len(entry.after["assignment_ids"]) == 30


def test_a_job_is_seen_only_by_whoever_queued_it_and_admin(
        app, client, login, letters, make_user, make_branch):
    world = letters(3)
    login(user=world.coordinator)
    job_id = job_id_of(client.post(f"/assignments/{world.election.id}/mandates/job"))
    paths = [f"/jobs/{job_id}", f"/jobs/{job_id}.json", f"/jobs/{job_id}/download"]
    assert [client.get(path).status_code for path in paths] == [200, 200, 200]

    same_branch = make_user("coordinator", branch=world.branch)
    others = [same_branch, make_user("coordinator", branch=make_branch(region="almaty")),
              make_user("hq"), make_user("observer")]
    for other in others:
        browser = signed_in(app, other)
        assert [browser.get(path).status_code for path in paths] == [404, 404, 404], other.role
    admin = signed_in(app, make_user("admin"))
    assert [admin.get(path).status_code for path in paths] == [200, 200, 200]
    anonymous = app.test_client()
    assert anonymous.get(paths[0]).status_code == 302


def test_a_coordinator_queues_only_their_branchs_letters(app, client, login, letters,
                                                         make_user, make_branch):
    world = letters(2)
    stranger = make_user("coordinator", branch=make_branch(region="karaganda"))
    client.get("/login?lang=en")
    login(user=stranger)
    # ?branch_id= is ignored for a coordinator: their own branch has no letters to make.
    response = client.post(f"/assignments/{world.election.id}/mandates/job"
                           f"?branch_id={world.branch.id}", follow_redirects=True)
    assert "No active assignments to print" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_the_task_runs_only_after_the_commit(app, letters, monkeypatch):
    world = letters(1)
    sent = []
    monkeypatch.setattr(job_services, "send", lambda *args: sent.append(args))
    job = job_services.queue("assignments.mandates", user=world.coordinator, title="t",
                             params={"election_id": world.election.id, "branch_id": None})
    assert sent == []  # inside the transaction: nothing sent yet
    db.session.rollback()
    db.session.commit()
    assert sent == []  # rolled back: never sent
    job = job_services.queue("assignments.mandates", user=world.coordinator, title="t",
                             params={"election_id": world.election.id, "branch_id": None})
    db.session.commit()
    assert sent == [(job_services.RUN_TASK, job.id)]


def test_a_refused_or_crashed_job_fails_with_a_message_in_the_users_language(
        app, client, login, make_user):
    user = login("coordinator")
    refused = job_services.queue("tests.refuse", user=user, title="refuse")
    crashed = job_services.queue("tests.crash", user=user, title="crash")
    db.session.commit()
    db.session.expire_all()
    assert (refused.status, refused.error) == ("failed", "The test job refuses.")
    assert crashed.status == "failed" and "boom" not in crashed.error
    assert crashed.error.startswith("The job stopped with an error")
    page = client.get(f"/jobs/{crashed.id}?lang=en").get_data(as_text=True)
    assert "Failed" in page and "The job stopped with an error" in page
    assert client.get(f"/jobs/{crashed.id}/download").status_code == 404


def test_a_broker_that_does_not_answer_fails_the_job_not_the_request(app, letters, monkeypatch,
                                                                       client, login):
    world = letters(1)

    def down(*args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(job_services, "send", down)
    client.get("/login?lang=en")
    login(user=world.coordinator)
    job_id = job_id_of(client.post(f"/assignments/{world.election.id}/mandates/job"))
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["status"] == "failed" and "job queue does not answer" in status["error"]


def test_a_job_already_finished_is_not_run_again(app, letters):
    world = letters(2)
    job = job_services.queue("assignments.mandates", user=world.coordinator, title="t",
                             params={"election_id": world.election.id, "branch_id": None},
                             total=2)
    db.session.commit()
    db.session.refresh(job)
    assert job.status == "done"
    name = job.file_name
    job_services.run(job.id)  # a task delivered twice
    db.session.refresh(job)
    assert job.file_name == name
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "assignment.mandate_pdf")) == 1


@pytest.mark.parametrize("fmt, mimetype", [
    ("pdf", "application/pdf"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")])
def test_briefing_exports_are_jobs(app, client, login, make_election, fmt, mimetype):
    from observe.briefings import services as briefings

    hq = login("hq")
    election = make_election(name="Mazhilis elections 2026")
    briefing = briefings.create_briefing(election, region="", cutoff=utcnow(), language="en",
                                         title="Two o'clock", actor=hq)
    db.session.commit()
    show = client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert f'action="/briefings/{briefing.id}/export.{fmt}"' in show
    job_id = job_id_of(client.post(f"/briefings/{briefing.id}/export.{fmt}"))
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == mimetype
    assert download.data.startswith(b"%PDF" if fmt == "pdf" else b"PK")
    # Another region's coordinator cannot queue it (404 before anything is queued).
    coordinator = signed_in(app, _almaty_coordinator())
    assert coordinator.post(f"/briefings/{briefing.id}/export.{fmt}").status_code == 404


def _almaty_coordinator():
    from observe.auth import services as auth
    from observe.branches import services as branches

    branch = branches.create_branch(region="almaty", name="Almaty", city="Almaty",
                                    chairperson="Chair", phone="", email="")
    user = auth.create_user(email="almaty.jobs@example.test", role="coordinator",
                            full_name="Almaty Coordinator", password=TEST_PASSWORD,
                            branch=branch)
    db.session.commit()
    return user


def test_a_jobs_file_is_deleted_a_day_after(app, client, login, letters):
    from datetime import timedelta

    from observe.common import files

    world = letters(1)
    client.get("/login?lang=en")
    login(user=world.coordinator)
    old_id = job_id_of(client.post(f"/assignments/{world.election.id}/mandates/job"))
    old = db.session.get(Job, old_id)
    path = files.path(job_services.file_of(old))
    assert path.exists()
    old.finished_at = utcnow() - timedelta(hours=job_services.FILE_HOURS + 1)
    db.session.commit()
    job_id_of(client.post(f"/assignments/{world.election.id}/mandates/job"))  # sweeps
    assert not path.exists()
    assert client.get(f"/jobs/{old_id}/download").status_code == 404
    assert "The file was deleted a day after" in client.get(f"/jobs/{old_id}").get_data(
        as_text=True)


@handler("tests.write_then_report")
def _write_then_report(job, progress):
    from observe.audit.services import record

    record("tests.job", job, actor=job.user, summary="written before progress")
    db.session.flush()
    started = time.monotonic()
    for done in range(1, 4):
        progress(done, 3)
    # On SQLite the progress writer would wait for the job's own write lock: it must not.
    assert time.monotonic() - started < 2
    from observe.jobs.registry import Outcome

    return Outcome(result={"messages": ["ok"]})


def test_progress_after_a_write_never_waits_for_the_jobs_own_lock(app, make_user):
    user = make_user("coordinator")
    job = job_services.queue("tests.write_then_report", user=user, title="w", total=3)
    db.session.commit()
    db.session.refresh(job)
    assert (job.status, job.done, job.total) == ("done", 3, 3), job.error


def test_my_jobs_lists_only_mine_and_leads_back_to_each(app, client, login, letters, make_user):
    world = letters(1)
    other = make_user("coordinator", branch=world.branch)
    theirs = job_services.queue("tests.refuse", user=other, title="Someone else's job")
    db.session.commit()
    client.get("/login?lang=en")
    login(user=world.coordinator)
    assert "No background jobs yet" in client.get("/jobs/").get_data(as_text=True)
    job_id = job_id_of(client.post(f"/assignments/{world.election.id}/mandates/job"))
    html = client.get("/jobs/").get_data(as_text=True)
    assert f'href="/jobs/{job_id}"' in html and "Done" in html
    assert "Someone else's job" not in html and f'href="/jobs/{theirs.id}"' not in html
    assert 'href="/jobs/"' in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'href="/jobs/"' in client.get("/account").get_data(as_text=True)
