"""A polling day: an election in polling-day status with contests, stations in two regions, and
an observer with an active assignment in each region."""

import io
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest

from observe.assignments.models import Assignment
from observe.common.db import utcnow
from observe.elections.models import Contest, ContestChoice
from observe.extensions import db

# The first bytes of a JPEG and of a PDF: enough for the type check.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"photo" * 20
PDF = b"%PDF-1.4\n" + b"page" * 20


def new_id() -> str:
    return str(uuid.uuid4())


def upload(content: bytes = JPEG, name: str = "photo.jpg"):
    return (io.BytesIO(content), name)


@dataclass
class Side:
    branch: object
    station: object
    observer: object
    user: object
    assignment: object


@dataclass
class PollingDay:
    election: object
    contest: object
    local_contest: object
    own: Side
    other: Side
    spare_station: object


@pytest.fixture
def polling_day(app, make_branch, make_election, make_station, make_certified):
    """Observers at one station each in Karaganda (own) and Almaty (other), polls open."""
    return build_polling_day(make_branch, make_election, make_station, make_certified)


def build_polling_day(make_branch, make_election, make_station, make_certified) -> PollingDay:
    """The polling_day fixture's world, for test modules outside this folder (browser tests)."""
    election = make_election(status="polling_day", polling_day=utcnow().date())
    contest = Contest(election_id=election.id, kind="mazhilis_party_list", name="Mazhilis",
                      position=1)
    contest.choices = [ContestChoice(name=name, position=n)
                       for n, name in enumerate(["Amanat", "Auyl", "Respublica"])]
    local = Contest(election_id=election.id, kind="maslikhat", name="Almaty maslikhat",
                    region="almaty", position=2)
    local.choices = [ContestChoice(name="A", position=0), ContestChoice(name="B", position=1)]
    db.session.add_all([contest, local])
    sides = []
    for region in ("karaganda", "almaty"):
        branch = make_branch(region=region)
        station = make_station(election, region=region, registered_voters=1000)
        observer = make_certified(branch)
        assignment = Assignment(election_id=election.id, station_id=station.id,
                                observer_id=observer.id, branch_id=branch.id,
                                role="stationary", shift="full_day", status="confirmed")
        db.session.add(assignment)
        sides.append(Side(branch, station, observer, observer.user, assignment))
    spare = make_station(election, region="karaganda")
    db.session.commit()
    return PollingDay(election, contest, local, sides[0], sides[1], spare)


def incident_data(station, **overrides) -> dict:
    data = dict(uuid=new_id(), station_id=station.id, category="ballot_stuffing",
                severity="high", description="Two bundles of ballots put in the box at 11:05.",
                people_involved="A man in a grey jacket", complaint_filed=True,
                complaint_number="17", occurred_at=utcnow() - timedelta(minutes=10))
    data.update(overrides)
    return data


def protocol_data(station, contest, **overrides) -> dict:
    votes = {choice.id: 100 * (n + 1) for n, choice in enumerate(contest.choices)}
    data = dict(uuid=new_id(), station_id=station.id, contest_id=contest.id,
                voters_on_list=1000, ballots_received=1000, ballots_issued=700,
                ballots_cancelled=300, ballots_in_box=650, ballots_invalid=50, votes=votes)
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def english_pages(client):
    """These tests read the pages' English texts; the interface defaults to Russian.

    Picked as with ?lang=en before signing in, so each sign-in keeps it.
    """
    from observe.i18n import PICKED_KEY

    with client.session_transaction() as session:
        session["lang"] = "en"
        session[PICKED_KEY] = True
