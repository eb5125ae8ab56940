"""`flask seed-scale`: the counts asked for, every scope rule of the app holding on the result,
valid personal data, a clear refusal to seed the same election twice, and pages that work on it."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from observe.assignments.models import Assignment
from observe.branches.models import Branch
from observe.common.phones import normalize_phone
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.observers.models import Observer
from observe.observers.rules import clean_iin
from observe.reports.models import Incident, Report
from observe.reports.rules import CATEGORIES, SEVERITIES, STATUSES

STATIONS, OBSERVERS, INCIDENTS = 60, 90, 700


@pytest.fixture
def seed(app):
    runner = app.test_cli_runner()

    def invoke(*extra, stations=STATIONS, observers=OBSERVERS, incidents=INCIDENTS):
        result = runner.invoke(args=["seed-scale", "--stations", str(stations), "--observers",
                                     str(observers), "--incidents", str(incidents), *extra])
        db.session.expire_all()
        return result

    return invoke


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seeds_the_counts_asked_for_across_all_regions(seed):
    result = seed("--seed", "7")
    assert result.exit_code == 0, result.output
    election = db.session.execute(select(Election)).scalar_one()
    assert (election.name, election.status) == ("Polling-day scale (seed 7)", "polling_day")
    assert count(PollingStation) == STATIONS
    assert db.session.scalar(select(func.count(func.distinct(PollingStation.region)))) == 20
    # The two biggest cities get more stations than the smallest region.
    per_region = dict(db.session.execute(select(PollingStation.region, func.count())
                                         .group_by(PollingStation.region)).all())
    assert per_region["almaty"] > per_region["ulytau"]
    assert count(Observer, Observer.status == "certified") == OBSERVERS
    assert count(Assignment) == OBSERVERS
    assert count(Incident) == INCIDENTS
    for kind in ("check_in", "checklist", "turnout"):
        assert count(Report, Report.kind == kind) > 0, kind
    assert count(Branch) == 20


def test_every_report_comes_from_an_observer_assigned_there_in_their_region(seed):
    assert seed().exit_code == 0
    strays = db.session.scalar(
        select(func.count()).select_from(Report)
        .outerjoin(Assignment, (Assignment.station_id == Report.station_id)
                   & (Assignment.observer_id == Report.observer_id))
        .where(Assignment.id.is_(None)))
    assert strays == 0
    outside = db.session.scalar(
        select(func.count()).select_from(Assignment)
        .join(PollingStation, PollingStation.id == Assignment.station_id)
        .join(Branch, Branch.id == Assignment.branch_id)
        .join(Observer, Observer.id == Assignment.observer_id)
        .where((Branch.region != PollingStation.region)
               | (Observer.branch_id != Assignment.branch_id)))
    assert outside == 0
    # Each observer holds one assignment; stations are covered once before any doubles up.
    assert db.session.scalar(select(func.count(func.distinct(Assignment.observer_id)))) \
        == OBSERVERS
    assert count(Report, Report.election_id != db.session.scalar(select(Election.id))) == 0


def test_incidents_use_the_vocabularies_and_fall_on_polling_day(seed):
    assert seed().exit_code == 0
    rows = db.session.execute(select(Incident.category, Incident.severity, Incident.status,
                                     Incident.occurred_at, Incident.received_at,
                                     Incident.duplicate_of_id, Incident.station_id)).all()
    assert {r.category for r in rows} <= set(CATEGORIES)
    assert {r.severity for r in rows} == set(SEVERITIES)
    assert {r.status for r in rows} <= set(STATUSES) and len({r.status for r in rows}) >= 5
    day = db.session.scalar(select(Election.polling_day))
    zone = ZoneInfo("Asia/Almaty")
    start = datetime.combine(day, time(6, 0), tzinfo=zone).astimezone(UTC)
    for row in rows:
        assert start <= row.occurred_at < row.received_at
        assert row.received_at.astimezone(zone).date() in (day, day + timedelta(days=1))
    stations = {r.station_id for r in rows}
    assert len(stations) > STATIONS // 2
    by_id = {i.id: i for i in db.session.scalars(select(Incident))}
    for incident in by_id.values():
        if incident.status == "duplicate":
            original = by_id[incident.duplicate_of_id]
            assert (original.station_id, original.id < incident.id) == (incident.station_id,
                                                                        True)


def test_personal_data_is_valid_and_unique(seed):
    assert seed().exit_code == 0
    assert seed("--seed", "2").exit_code == 0
    observers = db.session.execute(select(Observer.iin, Observer.birth_date,
                                          Observer.phone)).all()
    assert len(observers) == 2 * OBSERVERS
    for iin, birth, phone in observers:
        assert clean_iin(iin, birth) == iin
        assert normalize_phone(phone, home_only=True) == phone
    assert len({o.iin for o in observers}) == len({o.phone for o in observers}) == len(observers)


def test_a_second_run_refuses_the_same_election_and_changes_nothing(seed):
    assert seed().exit_code == 0
    before = (count(Report), count(Observer), count(PollingStation))
    again = seed()
    assert again.exit_code != 0
    assert "exists already" in again.output
    assert (count(Report), count(Observer), count(PollingStation)) == before
    assert count(Election) == 1


def test_rows_added_after_a_seed_get_fresh_ids(seed, make_election, make_station):
    assert seed().exit_code == 0
    highest = db.session.scalar(select(func.max(PollingStation.id)))
    station = make_station(make_election())
    assert station.id > highest


def test_dashboard_and_triage_work_on_the_generated_day(seed, client, login):
    assert seed().exit_code == 0
    election_id = db.session.scalar(select(Election.id))
    client.get("/login?lang=en")
    login("hq")
    assert client.get(f"/briefings/dashboard/{election_id}").status_code == 200
    page = client.get(f"/reports/triage?election_id={election_id}&region=almaty"
                      "&status=received")
    assert page.status_code == 200


def test_refuses_nonsense_counts(seed):
    result = seed(stations=0)
    assert result.exit_code != 0
    assert count(Election) == 0
