"""Heavy work through jobs and tasks, inline: a large observer import with its progress and bad
rows, mail handed to the delivery task after the commit, photo previews made after the upload."""

import io
import uuid

import pytest
from sqlalchemy import func, select

from observe.extensions import db
from observe.jobs.models import Job
from observe.mail import services as mail_services
from observe.mail.models import OutboxMessage
from observe.observers.models import Observer
from tests.jobs.conftest import job_id_of
from tests.observers.test_import_export import RU, person, to_csv, token_of, upload
from tests.reports.conftest import PDF, polling_day  # noqa: F401  (a fixture)
from tests.reports.test_evidence_files import evidence_files, photo

MAPPING = {f"map_{k}": v for k, v in RU.items()}
NAMES = ("Абаев", "Бекова", "Валиев", "Гусева", "Даулетов", "Ержанова", "Жумаев", "Зейнова")


@pytest.fixture
def small_job_limit(app, monkeypatch):
    """Files of more than 5 rows are imported by a job (2,000 in production)."""
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 5)


def observers() -> int:
    return db.session.scalar(select(func.count()).select_from(Observer))


def test_a_large_import_is_a_job_with_progress(app, client, login, small_job_limit):
    coordinator = login("coordinator")
    client.get("/login?lang=en")
    rows = [person(f"Наблюдатель {NAMES[n]}") for n in range(8)]
    token = token_of(upload(client, to_csv(rows, RU), "roster.csv"))
    job_id = job_id_of(client.post(f"/observers/import/{token}",
                                   data={**MAPPING, "import_valid": "1"}))
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["status"] == "done" and (status["done"], status["total"]) == (8, 8)
    assert observers() == 8
    assert set(db.session.scalars(select(Observer.branch_id))) == {coordinator.branch_id}
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "8 observers imported into" in page
    assert client.get(f"/observers/import/{token}").status_code == 404  # used up
    job = db.session.get(Job, job_id)
    assert job.kind == "observers.import" and job.result["imported"] == 8


def test_a_large_import_with_bad_rows_imports_nothing_and_lists_them(app, client, login,
                                                                     small_job_limit):
    login("coordinator")
    client.get("/login?lang=en")
    rows = [person(f"Наблюдатель {NAMES[n]}") for n in range(7)]
    rows[3]["phone"] = "12345"  # line 5: the header is line 1
    token = token_of(upload(client, to_csv(rows, RU), "roster.csv"))
    job_id = job_id_of(client.post(f"/observers/import/{token}",
                                   data={**MAPPING, "import_all": "1"}))
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["status"] == "failed"
    assert status["error"] == "Nothing was imported: 1 row has errors."
    assert observers() == 0  # all or nothing
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Rows with errors" in page and "<td>5</td>" in page and "<td>Phone</td>" in page
    # The file is still there: the coordinator may import its valid rows instead.
    job_id = job_id_of(client.post(f"/observers/import/{token}",
                                   data={**MAPPING, "import_valid": "1"}))
    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "done"
    assert observers() == 6
    assert "1 row with errors was not imported." in client.get(f"/jobs/{job_id}").get_data(
        as_text=True)


def test_a_small_import_stays_inline(app, client, login):
    login("coordinator")
    token = token_of(upload(client, to_csv([person(), person("Второй")], RU), "roster.csv"))
    done = client.post(f"/observers/import/{token}", data={**MAPPING, "import_valid": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/observers/")
    assert observers() == 2 and db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_mail_is_handed_to_the_delivery_task_after_the_commit(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.invalid")
    sent = []
    monkeypatch.setattr(mail_services, "send", lambda *args: sent.append(args))
    message = mail_services.send_mail("person@example.org", "Hello", "Body")
    assert sent == []
    db.session.commit()
    assert sent == [(mail_services.DELIVER_TASK, message.id)]


def test_a_broker_that_does_not_answer_leaves_mail_for_the_retry_command(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.invalid")

    def down(*args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(mail_services, "send", down)
    mail_services.send_mail("person@example.org", "Hello", "Body")
    db.session.commit()  # the commit (and the request) does not fail
    assert db.session.scalar(select(OutboxMessage.sent_at)) is None


@pytest.fixture
def observer_client(client, login, polling_day):  # noqa: F811
    login(user=polling_day.own.user)
    return client


def test_a_photo_preview_is_made_after_the_upload_commits(app, observer_client,
                                                          polling_day):  # noqa: F811
    before = evidence_files(app)
    observer_client.post(f"/reports/stations/{polling_day.own.station.id}/incident", data={
        "uuid": str(uuid.uuid4()), "category": "vote_buying", "severity": "high",
        "occurred_at": "00:01", "description": "Money at the entrance", "people_involved": "",
        "evidence": [(io.BytesIO(photo(1600, 1200)), "p.jpg"),
                     (io.BytesIO(PDF), "act.pdf")]},
        content_type="multipart/form-data")
    added = evidence_files(app) - before
    previews = {name for name in added if name.endswith(".thumb.jpg")}
    # One preview, of the photo; none of the PDF.
    assert len(added) == 3 and len(previews) == 1
    assert previews.pop().removesuffix(".thumb.jpg").endswith(".jpg")


def test_a_large_import_refused_at_the_insert_lists_the_line(app, client, login,
                                                             small_job_limit, monkeypatch):
    """The job checks the rows (the bar moves), looks the people up, and someone registers one
    of them just then: the insert is refused by the database, and the job's page names the
    line instead of the rows of the check (there were none)."""
    from observe.auth.models import User
    from observe.branches.models import Branch
    from observe.observers import imports, services
    from observe.observers.rules import clean_applicant

    coordinator = login("coordinator")
    branch_id, user_id = coordinator.branch_id, coordinator.id
    client.get("/login?lang=en")
    rows = [person(f"Наблюдатель {NAMES[n]}") for n in range(7)]
    token = token_of(upload(client, to_csv(rows, RU), "roster.csv"))
    real = imports._registered
    lookups = []

    def lookup_then_someone_registers(found_rows):
        # Lookups: the check page's, the job's check, then the job's import: after that one.
        found = real(found_rows)
        lookups.append(1)
        if len(lookups) == 3:
            clash = clean_applicant({**rows[2], "languages": ["ru"]}, require_email=False)
            services.add_observer(clash, db.session.get(Branch, branch_id),
                                  actor=db.session.get(User, user_id))
        return found

    monkeypatch.setattr(imports, "_registered", lookup_then_someone_registers)
    job_id = job_id_of(client.post(f"/observers/import/{token}",
                                   data={**MAPPING, "import_all": "1"}))
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["status"] == "failed"
    assert "1 observer was registered meanwhile (line 4)" in status["error"]
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "<td>4</td>" in page and "registered while the file was being imported" in page
    assert not db.session.scalar(select(func.count()).select_from(Observer).where(
        Observer.full_name != rows[2]["full_name"]))  # none of the file's other people
