"""The roll-call board through HTTP: scope, states, alerts raised once on page load and by the
cron sweep, acknowledgements, phones for those who may see them, the call log, sorting,
filtering and pages beyond the first."""

import re

from sqlalchemy import func, select

from observe.extensions import db
from observe.fieldops.models import CallNote, FieldAlert
from tests.fieldops.conftest import add_assignment, check_in, local, outbox


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status
    return response.get_data(as_text=True)


def rows(html: str) -> dict[str, str]:
    """{assignment id: state} of the board's rows."""
    return dict((a, s) for s, a in re.findall(
        r'roll-call-row" data-state="(\w+)" data-assignment="(\d+)"', html))


def alerts() -> list[FieldAlert]:
    return list(db.session.scalars(select(FieldAlert).order_by(FieldAlert.id)))


def test_a_coordinator_sees_their_region_and_hq_sees_all(client, login, make_user, polling_day,
                                                         clock):
    login(user=make_user("coordinator", branch=polling_day.own.branch))
    html = page(client, "/fieldops/")
    assert set(rows(html)) == {str(polling_day.own.assignment.id)}
    client.post("/logout")
    login("hq")
    html = page(client, "/fieldops/")
    assert set(rows(html)) == {str(polling_day.own.assignment.id),
                               str(polling_day.other.assignment.id)}


def test_late_at_0631_raises_one_alert_mailed_to_the_coordinator(client, login, make_user,
                                                                 polling_day, clock):
    coordinator = make_user("coordinator", branch=polling_day.own.branch)
    login(user=coordinator)
    clock.set(6, 30)
    assert rows(page(client, "/fieldops/"))[str(polling_day.own.assignment.id)] == "expected"
    assert alerts() == []
    clock.set(6, 31)
    html = page(client, "/fieldops/")
    assert rows(html)[str(polling_day.own.assignment.id)] == "late"
    page(client, "/fieldops/")  # a second look raises nothing new
    raised = alerts()
    assert [(a.kind, a.assignment_id) for a in raised] == [("late", polling_day.own.assignment.id)]
    mails = outbox("Roll-call")
    assert [m.recipient for m in mails] == [coordinator.email]
    assert f"station {polling_day.own.station.number}" in mails[0].body
    # The banner on the coordinator's pages says there is an alert to acknowledge.
    assert "1 roll-call alert to acknowledge" in page(client, "/fieldops/alerts")


def test_acknowledging_records_who_and_when_and_clears_the_banner(client, login, make_user,
                                                                  polling_day, clock):
    coordinator = make_user("coordinator", branch=polling_day.own.branch, full_name="Erlan M")
    login(user=coordinator)
    page(client, "/fieldops/")
    alert = alerts()[0]
    response = client.post(f"/fieldops/alerts/{alert.id}/acknowledge")
    assert response.status_code == 302
    db.session.refresh(alert)
    assert alert.acknowledged_by_id == coordinator.id
    assert alert.acknowledged_at == clock.now
    html = page(client, "/fieldops/alerts")
    assert "roll-call alert to acknowledge" not in html
    assert "acknowledged by Erlan M at 12:00" in html


def test_another_regions_alert_is_not_found(client, login, make_user, polling_day, clock):
    login("hq")
    page(client, "/fieldops/")
    other = next(a for a in alerts() if a.region == polling_day.other.station.region)
    client.post("/logout")
    login(user=make_user("coordinator", branch=polling_day.own.branch))
    assert client.post(f"/fieldops/alerts/{other.id}/acknowledge").status_code == 404
    assert client.get(f"/fieldops/assignments/{polling_day.other.assignment.id}"
                      ).status_code == 404
    db.session.refresh(other)
    assert other.acknowledged_at is None


def test_silent_after_three_hours_and_the_cron_sweep_is_idempotent(app, polling_day, clock):
    day = polling_day.election.polling_day
    check_in(polling_day.own, local(day, 6, 20))
    check_in(polling_day.other, local(day, 6, 25))
    clock.set(9, 21)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["fieldops", "sweep"])
    assert result.exit_code == 0, result.output
    assert "alerts raised: 1" in result.output
    assert [(a.kind, a.region) for a in alerts()] == [("silent", "karaganda")]
    clock.set(9, 30)
    assert "alerts raised: 1" in runner.invoke(args=["fieldops", "sweep"]).output  # Almaty
    assert "alerts raised: 0" in runner.invoke(args=["fieldops", "sweep"]).output
    assert db.session.scalar(select(func.count(FieldAlert.id))) == 2


def test_a_withdrawn_assignment_shows_withdrawn_and_raises_nothing(client, login, make_user,
                                                                   polling_day, clock):
    polling_day.own.assignment.status = "withdrawn"
    db.session.commit()
    login(user=make_user("coordinator", branch=polling_day.own.branch))
    assert rows(page(client, "/fieldops/"))[str(polling_day.own.assignment.id)] == "withdrawn"
    assert alerts() == []


def test_phones_only_for_those_who_may_see_personal_data(client, login, make_user, polling_day,
                                                         clock):
    phone = polling_day.own.observer.phone
    login(user=make_user("coordinator", branch=polling_day.own.branch))
    html = page(client, "/fieldops/")
    assert f'href="tel:{phone}"' in html
    assert f'href="https://t.me/+{phone.lstrip("+")}"' in html
    client.post("/logout")
    login("hq")
    html = page(client, "/fieldops/")
    assert "tel:" not in html and phone not in html


def test_a_call_is_noted_with_who_called_whom_and_when(client, login, make_user, polling_day,
                                                       clock):
    coordinator = make_user("coordinator", branch=polling_day.own.branch, full_name="Erlan M")
    login(user=coordinator)
    url = f"/fieldops/assignments/{polling_day.own.assignment.id}"
    response = client.post(url + "/calls", data={"note": "Stuck at the door, on the way in."})
    assert response.status_code == 302
    html = page(client, url)
    assert "12:00" in html and "Erlan M" in html and polling_day.own.observer.full_name in html
    assert "Stuck at the door" in html
    call = db.session.scalars(select(CallNote)).one()
    assert (call.caller_id, call.called_at) == (coordinator.id, clock.now)
    assert "1 call, last 12:00" in page(client, "/fieldops/")


def test_filter_sort_counts_and_pages_beyond_the_first(client, login, make_user, make_station,
                                                       make_certified, polling_day, clock):
    own = polling_day.own
    extra = [add_assignment(polling_day, make_station, make_certified, own,
                            district="Temirtau" if n % 2 else own.station.district)
             for n in range(110)]
    day = polling_day.election.polling_day
    for assignment in extra[:40]:
        from types import SimpleNamespace
        check_in(SimpleNamespace(assignment=assignment, station=assignment.station,
                                 observer=assignment.observer,
                                 user=assignment.observer.user), local(day, 11, 30))
    login(user=make_user("coordinator", branch=own.branch))
    html = page(client, "/fieldops/")
    assert "111 assignments" in html
    assert 'data-state="late" href' in html and "Late: 71" in html
    assert "Checked in: 40" in html
    assert len(rows(html)) == 100  # a page
    assert "Page 1 of 2" in html
    second = page(client, "/fieldops/?page=2")
    assert len(rows(second)) == 11
    assert set(rows(html)).isdisjoint(rows(second))
    # Late first (state order), then by station.
    assert list(rows(html).values())[:71] == ["late"] * 71
    checked = page(client, "/fieldops/?state=checked_in")
    assert set(rows(checked).values()) == {"checked_in"} and len(rows(checked)) == 40
    temirtau = page(client, "/fieldops/?district=Temirtau&sort=station")
    assert len(rows(temirtau)) == 55
    numbers = [int(n) for n in re.findall(r">Station (\d+)</a>", temirtau)]
    assert numbers == sorted(numbers)
    assert "<th scope=\"row\">Temirtau</th>" in html
    # The live part alone, as the page's script fetches it.
    partial = page(client, "/fieldops/?partial=1&state=late")
    assert "<html" not in partial and len(rows(partial)) == 71


def test_no_election_on_polling_day(client, login, make_user, make_branch):
    login("hq")
    assert "No election is on its polling day now." in page(client, "/fieldops/")
