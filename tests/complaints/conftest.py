"""A polling day with incidents in two regions (with evidence), for complaints and retention."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

import pytest

from observe.common.db import utcnow
from observe.extensions import db
from observe.reports import services as report_services
from observe.reports.models import Evidence
from tests.reports.conftest import build_polling_day, incident_data


@dataclass
class World:
    day: object
    own: list      # incidents in Karaganda (the coordinator's region)
    other: list    # an incident in Almaty
    hq: object
    admin: object


def add_evidence(incident, name="box.jpg") -> Evidence:
    """Evidence as the reports' upload would store it (its SHA-256 and a random name)."""
    item = Evidence(report_id=incident.id, kind="photo", content_type="image/jpeg",
                    original_name=name, size=2048, sha256=secrets.token_hex(32),
                    storage_name=secrets.token_hex(16) + ".jpg")
    db.session.add(item)
    db.session.commit()
    return item


@pytest.fixture
def world(app, make_branch, make_election, make_station, make_certified, make_user):
    day = build_polling_day(make_branch, make_election, make_station, make_certified)
    own = []
    for minutes, category in ((50, "ballot_stuffing"), (20, "observer_obstruction")):
        incident, _ = report_services.submit_incident(
            incident_data(day.own.station, category=category,
                          occurred_at=utcnow() - timedelta(minutes=minutes)),
            actor=day.own.user)
        own.append(incident)
    other, _ = report_services.submit_incident(incident_data(day.other.station),
                                               actor=day.other.user)
    db.session.commit()
    add_evidence(own[0])
    return World(day, own, [other], make_user("hq"), make_user("admin"))


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages in English (the interface defaults to Russian), kept across sign-ins."""
    from observe.i18n import PICKED_KEY

    with client.session_transaction() as session:
        session["lang"] = "en"
        session[PICKED_KEY] = True
