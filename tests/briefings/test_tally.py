"""The incident tally and the dashboard cache: the same numbers as counting the reports, on a
realistic polling day and at awkward cut-offs; new incidents and triage shown once the tally is
older than FIGURES_STALE_SECONDS (and not before: the figures really come from the tally);
published briefings counted exactly; one cache entry per scope, a coordinator's never the
country's."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from observe.briefings.figures import briefing_figures, dashboard_figures
from observe.briefings.models import Briefing, IncidentTally, TallyRefresh
from observe.briefings.queries import Scope
from observe.common import cache
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.reports.models import Incident, Report
from observe.scale.generator import seed_scale
from tests.briefings.conftest import add_report, local
from tests.briefings.test_views import csrf


def tally_rows(election_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(IncidentTally).where(
        IncidentTally.election_id == election_id))


def age_tally(election_id: int, seconds: float) -> None:
    """Make the election's tally `seconds` older, as if that much time had passed."""
    state = db.session.get(TallyRefresh, election_id)
    state.refreshed_at -= timedelta(seconds=seconds)
    db.session.commit()


def live_total(client, election_id: int, query: str = "") -> int:
    html = client.get(f"/briefings/dashboard/{election_id}/live{query}").get_data(as_text=True)
    return int(re.search(r'data-figure="incidents"><a [^>]*>(\d+)</a>', html).group(1))


@pytest.fixture
def scale_day(app):
    """A generated polling day: 120 stations in the 20 regions, 2,500 incidents spread over
    the day in every category, severity and status; one incident moved to exactly 14:00 and
    one to 14:37:25.5 local, the cut-offs tested."""
    counts = seed_scale(stations=120, observers=200, incidents=2500, seed=5)
    db.session.commit()
    election = db.session.get(Election, counts["election_id"])
    day = election.polling_day
    first, second = db.session.scalars(select(Report.id).where(
        Report.election_id == election.id, Report.kind == "incident")
        .order_by(Report.id).limit(2)).all()
    at_two, odd = _local(day, 14), _local(day, 14, 37, 25, 500000)
    for report_id, at in ((first, at_two), (second, odd)):
        db.session.execute(update(Report).where(Report.id == report_id).values(
            received_at=at, status="verified"))
    db.session.commit()
    return election


def _local(day, hour, minute=0, second=0, micro=0):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, minute, second, micro,
                    tzinfo=ZoneInfo("Asia/Almaty")).astimezone(UTC)


def test_the_tally_gives_the_numbers_counted_from_the_reports(scale_day):
    election = scale_day
    day = election.polling_day
    region = db.session.scalar(select(PollingStation.region).where(
        PollingStation.election_id == election.id).limit(1))
    cutoffs = [None, _local(day, 9), _local(day, 14), _local(day, 14, 37, 25, 500000),
               _local(day, 14, 37, 25, 499999), _local(day, 23, 59)]
    compared = 0
    for cutoff in cutoffs:
        for place in ("", region):
            scope = Scope(election.id, region=place, cutoff=cutoff)
            tallied = briefing_figures(scope, election)
            counted = briefing_figures(replace(scope, exact=True), election)
            assert tallied == counted, (place, cutoff)
            assert tallied["incidents"] and tallied["timeline"]
            compared += tallied["incidents"]["totals"]["total"]
        board = dashboard_figures(Scope(election.id), election)
        assert board == dashboard_figures(Scope(election.id, exact=True), election)
    assert tally_rows(election.id) > 100  # the figures above did come from the tally
    assert compared > 2500
    # The inclusive cut-off inside an hour: the incident at 14:37:25.5 counts from that moment.
    just_before = briefing_figures(Scope(election.id, cutoff=_local(day, 14, 37, 25, 499999)),
                                   election)["incidents"]["totals"]["total"]
    at = briefing_figures(Scope(election.id, cutoff=_local(day, 14, 37, 25, 500000)),
                          election)["incidents"]["totals"]["total"]
    assert at == just_before + 1
    # A district's figures are counted directly; they agree with the region they are part of.
    district = db.session.scalar(select(PollingStation.district).where(
        PollingStation.election_id == election.id, PollingStation.region == region).limit(1))
    whole = briefing_figures(Scope(election.id, region=region), election)
    part = briefing_figures(Scope(election.id, region=region, district=district), election)
    assert 0 < part["incidents"]["totals"]["total"] <= whole["incidents"]["totals"]["total"]


def test_new_incidents_and_triage_show_once_the_tally_is_stale(client, login, briefing_day, app,
                                                                monkeypatch):
    monkeypatch.setitem(app.config, "FIGURES_STALE_SECONDS", 600)
    login("hq")
    election_id = briefing_day.election.id
    assert live_total(client, election_id) == 6
    first_refresh = db.session.scalar(select(TallyRefresh.refreshed_at))
    add_report(Incident, briefing_day, "A2", "o3", local(17), category="vote_buying",
               severity="critical", description="Money handed out at the door.")
    db.session.commit()
    token = csrf(client, f"/reports/triage/{briefing_day.incidents['i2'].id}")
    assert client.post(f"/reports/triage/{briefing_day.incidents['i2'].id}",
                       data={"action": "verify", "csrf_token": token}).status_code == 302
    # Within FIGURES_STALE_SECONDS the counts are the tally's: the same as before.
    html = client.get(f"/briefings/dashboard/{election_id}/live").get_data(as_text=True)
    assert re.search(r'data-figure="incidents"><a [^>]*>6</a>', html)
    assert db.session.scalar(select(TallyRefresh.refreshed_at)) == first_refresh
    # Once older than that, the next reader rebuilds it: the new incident and the check count.
    age_tally(election_id, 601)
    assert live_total(client, election_id) == 7
    board = dashboard_figures(Scope(election_id), briefing_day.election)
    assert board["incidents"]["by_status"] == {"verified": 4, "rejected": 1, "duplicate": 1,
                                               "received": 1}


def test_a_published_briefing_is_counted_from_the_reports(client, login, briefing_day, app,
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "FIGURES_STALE_SECONDS", 600)
    login("hq")
    response = client.post("/briefings/new", data={
        "election_id": briefing_day.election.id, "region": "", "cutoff": "2026-03-15T14:00",
        "language": "en", "title": "Two o'clock"})
    assert response.status_code == 302
    briefing = db.session.scalar(select(Briefing))
    add_report(Incident, briefing_day, "K3", "o1", local(13, 45), category="vote_buying",
               severity="high", description="Late report of the morning.")
    db.session.commit()
    # The draft shows the tally (4 incidents as of 14:00); publishing counts the reports (5).
    assert "data-cell" in client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    token = csrf(client, f"/briefings/{briefing.id}")
    client.post(f"/briefings/{briefing.id}/review", data={"csrf_token": token})
    assert client.post(f"/briefings/{briefing.id}/publish",
                       data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert briefing.status == "published"
    assert briefing.figures["incidents"]["totals"]["total"] == 5
    draft = briefing_figures(Scope(briefing_day.election.id, cutoff=local(14)),
                             briefing_day.election)
    assert draft["incidents"]["totals"]["total"] == 4


@pytest.fixture
def fresh_cache():
    with cache._local_lock:
        cache._local.clear()
    yield
    with cache._local_lock:
        cache._local.clear()


def test_the_cache_keeps_one_entry_per_scope(client, login, make_user, briefing_day, app,
                                             monkeypatch, fresh_cache):
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 600)
    election_id = briefing_day.election.id
    login("hq")
    assert live_total(client, election_id) == 6
    assert live_total(client, election_id, "?region=almaty") == 2
    # A coordinator right after HQ gets their region's figures, never the country's entry.
    coordinator = make_user("coordinator", branch=briefing_day.branches["karaganda"])
    client.post("/logout")
    login(user=coordinator)
    text = client.get(f"/briefings/dashboard/{election_id}/live").get_data(as_text=True)
    assert re.search(r'data-figure="incidents"><a [^>]*region=karaganda[^>]*>4</a>', text)
    assert "Incident i4" not in text
    assert client.get(f"/briefings/dashboard/{election_id}/live?region=almaty"
                      ).status_code == 404
    # Within DASHBOARD_CACHE_SECONDS a scope's figures are the cached ones; a new key counts.
    add_report(Incident, briefing_day, "K3", "o1", local(17), category="vote_buying",
               severity="critical", description="Seen after the cache.")
    db.session.commit()
    assert live_total(client, election_id) == 4
    assert live_total(client, election_id, "?region=karaganda&district=B") == 1


def test_the_command_rebuilds_the_tally(app, briefing_day):
    election_id = briefing_day.election.id
    result = app.test_cli_runner().invoke(args=["briefings", "refresh-figures",
                                                "--election", str(election_id)])
    assert result.exit_code == 0, result.output
    assert f"election {election_id}: tally rebuilt" in result.output
    assert tally_rows(election_id) == 6  # six incidents, each its own group
    assert db.session.scalar(select(TallyRefresh.refreshed_at)) is not None


def test_with_a_broker_a_stale_tally_is_rebuilt_by_a_worker_not_by_the_reader(
        client, login, briefing_day, app, monkeypatch):
    """A reader who finds the tally stale answers from it as it is and hands the rebuild to a
    worker once, after its commit; the worker's rebuild brings the new incident in."""
    from observe.briefings import tally

    queued = []
    monkeypatch.setattr(tally, "is_inline", lambda: False)
    monkeypatch.setattr(tally, "send", lambda name, *args: queued.append((name, *args)))
    monkeypatch.setitem(app.config, "FIGURES_STALE_SECONDS", 600)
    login("hq")
    election_id = briefing_day.election.id
    assert live_total(client, election_id) == 6  # the first build is the reader's own
    assert queued == []
    add_report(Incident, briefing_day, "A2", "o3", local(17), category="vote_buying",
               severity="critical", description="Money handed out at the door.")
    db.session.commit()
    age_tally(election_id, 601)
    assert live_total(client, election_id) == 6  # stale, answered at once from the tally
    assert live_total(client, election_id) == 6  # claimed: the next reader queues nothing
    assert queued == [(tally.REFRESH_TASK, election_id)]
    app.extensions["celery"].tasks[tally.REFRESH_TASK].apply(args=(election_id,))
    db.session.rollback()  # see what the worker committed
    assert tally_rows(election_id) == 7
    assert live_total(client, election_id) == 7
