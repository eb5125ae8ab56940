"""Updates tests: two regions with a coordinator each, HQ, an election with stations, a real
JPEG (with EXIF location) to upload, and a helper that takes a post through HQ's steps."""

import io
from dataclasses import dataclass

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from observe.extensions import db
from observe.updates import services


def jpeg(colour=(200, 30, 30), size=(640, 360), gps=True) -> bytes:
    """A real JPEG; with `gps`, EXIF names a place (as a phone's photo does)."""
    image = Image.new("RGB", size, colour)
    data = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (49.0, 48.0, 0.0), 3: "E", 4: (73.0, 6.0, 0.0)}  # GPSInfo
    image.save(data, "JPEG", exif=exif)
    return data.getvalue()


def photo(name="photo.jpg", **kwargs) -> FileStorage:
    return FileStorage(io.BytesIO(jpeg(**kwargs)), filename=name, content_type="image/jpeg")


@dataclass
class World:
    election: object
    hq: object
    coordinator: object
    other_coordinator: object
    station: object
    other_station: object


@pytest.fixture
def world(app, make_user, make_branch, make_election, make_station) -> World:
    election = make_election(name="Mazhilis 2030")
    own, other = make_branch(region="karaganda"), make_branch(region="almaty")
    return World(election=election, hq=make_user("hq"),
                 coordinator=make_user("coordinator", branch=own),
                 other_coordinator=make_user("coordinator", branch=other),
                 station=make_station(election, region="karaganda", number="101"),
                 other_station=make_station(election, region="almaty", number="201"))


@pytest.fixture
def make_post(world):
    """A post of a region, taken as far as `to` (submitted, approved, published, returned)."""

    def factory(to="published", region="karaganda", title="Stations opened on time",
                body="All stations opened at 07:00.", publish_at=None, **fields):
        author = world.coordinator if region == "karaganda" else world.other_coordinator
        post = services.submit_post(region=region, title=title, body=body,
                                    election_id=world.election.id, actor=author, **fields)
        if to == "returned":
            services.return_post(post, comment="Add the time.", actor=world.hq)
        elif to in ("approved", "published"):
            services.approve_post(post, actor=world.hq)
            if to == "published":
                services.publish_post(post, publish_at=publish_at, actor=world.hq)
        db.session.commit()
        return post

    return factory


@pytest.fixture
def english(client):
    """Staff pages in English: the interface defaults to Russian."""
    from observe.i18n import PICKED_KEY

    with client.session_transaction() as session:
        session["lang"] = "en"
        session[PICKED_KEY] = True


@pytest.fixture
def incident_photo(world, app, make_certified):
    """An incident at the coordinator's station with one photo."""
    import io

    from observe.reports.models import Incident
    from observe.reports.services import add_evidence

    observer = make_certified(world.coordinator.branch)
    incident = Incident(uuid="11111111-2222-3333-4444-555555555555", kind="incident",
                        election_id=world.election.id, station_id=world.station.id,
                        observer_id=observer.id, submitted_by_id=observer.user.id,
                        category="ballot_stuffing", severity="high", description="Bundle.",
                        status="verified")
    db.session.add(incident)
    db.session.flush()
    [evidence] = add_evidence(incident, [(io.BytesIO(jpeg()), "box.jpg")], actor=observer.user)
    db.session.commit()
    return incident, evidence
