"""Evidence files on disk: previews of photos, originals kept byte for byte, nothing orphaned;
and the web submit path's database work."""

import hashlib
import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import event, func, select

from observe.extensions import db
from observe.reports.models import Evidence, Report
from tests.conftest import TEST_PASSWORD
from tests.reports.conftest import PDF


def photo(width=2400, height=1800, orientation=None) -> bytes:
    """A real JPEG of a phone's size, optionally with an EXIF orientation."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def evidence_files(app) -> set[str]:
    folder = app.config["UPLOAD_FOLDER"]
    from pathlib import Path

    area = Path(folder) / "evidence"
    return {path.name for path in area.glob("*")} if area.exists() else set()


@pytest.fixture
def observer_client(client, login, polling_day):
    login(user=polling_day.own.user)
    return client


def file_incident(client, station, files) -> object:
    return client.post(f"/reports/stations/{station.id}/incident", data={
        "uuid": str(uuid.uuid4()), "category": "vote_buying", "severity": "high",
        "occurred_at": "00:01", "description": "Money at the entrance", "people_involved": "",
        "evidence": files}, content_type="multipart/form-data", follow_redirects=True)


def signed_in(app, user):
    """A second browser, signed in as `user`."""
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return browser


def test_a_photo_is_previewed_small_and_its_original_is_served_unchanged(
        app, observer_client, polling_day, make_user):
    original = photo(orientation=6)  # taken with the phone held upright: shown rotated
    file_incident(observer_client, polling_day.own.station, [(io.BytesIO(original), "p.jpg")])
    item = db.session.execute(select(Evidence)).scalar_one()
    assert item.sha256 == hashlib.sha256(original).hexdigest()

    preview = observer_client.get(f"/reports/evidence/{item.id}/thumbnail")
    assert preview.status_code == 200 and preview.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(preview.data))
    assert max(image.size) == 320 and image.size == (240, 320)  # EXIF rotation applied
    assert len(preview.data) < len(original) / 5
    assert "private" in preview.headers["Cache-Control"]
    served = observer_client.get(f"/reports/evidence/{item.id}")
    assert hashlib.sha256(served.data).hexdigest() == item.sha256
    receipt = observer_client.get(f"/reports/mine/{item.report_id}").get_data(as_text=True)
    assert f"/reports/evidence/{item.id}/thumbnail" in receipt

    # Staff of the region see it in triage as a preview; another region's coordinator can't.
    coordinator = signed_in(app, make_user("coordinator", branch=polling_day.own.branch))
    triage = coordinator.get(f"/reports/triage/{item.report_id}").get_data(as_text=True)
    assert f"/reports/evidence/{item.id}/thumbnail" in triage
    assert f'src="/reports/evidence/{item.id}"' not in triage
    assert coordinator.get(f"/reports/evidence/{item.id}/thumbnail").status_code == 200
    elsewhere = signed_in(app, make_user("coordinator", branch=polling_day.other.branch))
    assert elsewhere.get(f"/reports/evidence/{item.id}/thumbnail").status_code == 404
    other_observer = signed_in(app, polling_day.other.user)
    assert other_observer.get(f"/reports/evidence/{item.id}/thumbnail").status_code == 404


def test_only_photos_have_previews_and_an_unreadable_one_gets_a_placeholder(
        observer_client, polling_day):
    broken = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"not really a photo" * 20
    file_incident(observer_client, polling_day.own.station,
                  [(io.BytesIO(PDF), "complaint.pdf"), (io.BytesIO(broken), "broken.jpg")])
    pdf, jpeg = sorted(db.session.scalars(select(Evidence)), key=lambda e: e.kind)
    assert observer_client.get(f"/reports/evidence/{pdf.id}/thumbnail").status_code == 404
    placeholder = observer_client.get(f"/reports/evidence/{jpeg.id}/thumbnail")
    assert placeholder.status_code == 302
    assert "/static/img/no-preview.svg" in placeholder.headers["Location"]


def test_a_refused_submission_leaves_no_file_behind(app, observer_client, polling_day):
    before = evidence_files(app)
    response = file_incident(observer_client, polling_day.own.station, [
        (io.BytesIO(photo(400, 300)), "good.jpg"),
        (io.BytesIO(b"#!/bin/sh\necho hi\n"), "bad.jpg")])
    assert "does not match its name (.jpg)" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0
    assert evidence_files(app) == before

    file_incident(observer_client, polling_day.own.station, [(io.BytesIO(photo(400, 300)),
                                                              "good.jpg")])
    [original, preview] = sorted(evidence_files(app) - before, key=len)
    # The preview was made by the thumbnail task once the report was committed (inline here).
    assert preview == original + ".thumb.jpg"


class StatementCounter:
    """The SQL statements and commits a block sends to the database."""

    def __init__(self, engine):
        self.engine, self.statements, self.commits = engine, [], 0

    def _statement(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def _commit(self, conn):
        self.commits += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)


def test_the_web_submit_path_is_one_transaction_with_no_query_per_answer(
        observer_client, polling_day):
    """Answering seven questions costs the same statements as answering one."""
    url = f"/reports/stations/{polling_day.own.station.id}/checklist/opening"
    observer_client.get(url)
    one_answer = {"uuid": str(uuid.uuid4()), "q_boxes_shown_empty_sealed": "yes"}
    every_answer = {"uuid": str(uuid.uuid4()), "q_boxes_shown_empty_sealed": "no",
                    "q_video_working": "yes", "q_observers_admitted": "yes",
                    "q_observer_seat_view": "no", "q_list_and_ballots_counted": "yes",
                    "q_ballots_received": "1200", "q_opened_on_time": "yes"}
    counts = []
    for data in (one_answer, every_answer):
        with StatementCounter(db.engine) as counter:
            response = observer_client.post(url, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        counts.append(counter)
    assert len(counts[0].statements) == len(counts[1].statements)
    assert [c.commits for c in counts] == [1, 1]
    writes = [s for s in counts[1].statements
              if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    # The report and its checklist row, the audit entry, the session's last-seen time.
    assert len(writes) <= 4, writes
    stored = db.session.scalars(select(Report).order_by(Report.id)).all()
    assert len(stored) == 2 and stored[1].problems == ["boxes_shown_empty_sealed",
                                                       "observer_seat_view"]
