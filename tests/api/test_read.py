"""GET /me, /elections, /stations, /assignments, /forms, /incident-categories for each role."""

import json
import uuid

from flask_babel import force_locale

from observe.extensions import db
from observe.reports.rules import CATEGORIES, CATEGORY_LABELS


def test_me_carries_the_role_and_scope_of_the_account(api, make_user, make_branch):
    branch = make_branch(region="almaty")
    coordinator = make_user("coordinator", branch=branch)
    body = api(coordinator).get("/me").json
    assert body["role"] == "coordinator" and body["region"] == "almaty"
    assert body["branch"] == {"id": branch.id, "name": branch.name, "region": "almaty"}
    assert "reports.triage" in body["capabilities"]
    assert "users.manage" not in body["capabilities"]
    hq = api("hq").get("/me").json
    assert hq["region"] is None and hq["branch"] is None and hq["observer_id"] is None


def test_me_names_the_observer_record(api, polling_day):
    body = api(polling_day.own.user).get("/me").json
    assert body["observer_id"] == polling_day.own.observer.id


def test_elections_for_staff_count_the_stations_in_their_region(api, polling_day, make_user):
    coordinator = make_user("coordinator", branch=polling_day.own.branch)
    items = api(coordinator).get("/elections").json["items"]
    assert [(e["id"], e["stations"]) for e in items] == [(polling_day.election.id, 2)]
    items = api("hq").get("/elections").json["items"]
    assert items[0]["stations"] == 3 and items[0]["polls_open"] == "07:00"


def test_elections_for_an_observer_are_their_assignments(api, polling_day, make_election):
    make_election(name="Another")
    items = api(polling_day.own.user).get("/elections").json["items"]
    assert [e["id"] for e in items] == [polling_day.election.id]
    assert items[0]["stations"] is None


def test_stations_are_scoped_to_the_region(api, polling_day, make_user):
    coordinator = make_user("coordinator", branch=polling_day.own.branch)
    election = polling_day.election.id
    regions = {s["region"] for s in api(coordinator).get(
        f"/stations?election_id={election}").json["items"]}
    assert regions == {"karaganda"}
    regions = {s["region"] for s in api("hq").get(
        f"/stations?election_id={election}").json["items"]}
    assert regions == {"karaganda", "almaty"}
    # Asking for another region does not widen a coordinator's scope.
    assert api(coordinator).get(f"/stations?election_id={election}&region=almaty"
                                ).json["items"] == []


def test_stations_filter_and_paginate_with_a_cursor(api, polling_day):
    client = api("hq")
    election = polling_day.election.id
    number = polling_day.other.station.number
    found = client.get(f"/stations?election_id={election}&q={number}").json["items"]
    assert [s["id"] for s in found] == [polling_day.other.station.id]
    seen, cursor = [], None
    while True:
        page = client.get(f"/stations?election_id={election}&limit=2"
                          + (f"&cursor={cursor}" if cursor else "")).json
        seen += [s["id"] for s in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 3


def test_stations_of_a_missing_election_are_404_and_observers_may_not(api, polling_day):
    assert api("hq").get("/stations?election_id=999999").status_code == 404
    assert api(polling_day.own.user).get(
        f"/stations?election_id={polling_day.election.id}").status_code == 403


def test_assignments_show_what_the_observer_page_shows(api, polling_day):
    body = api(polling_day.own.user).get("/assignments").json
    assert body["next"] is None
    (item,) = body["items"]
    assert item["id"] == polling_day.own.assignment.id
    assert item["station"]["id"] == polling_day.own.station.id
    assert item["address"] == "Erubaeva St 1"
    assert (item["polls_open"], item["polls_close"], item["arrive_by"]) == ("07:00", "20:00",
                                                                            "06:30")
    assert item["timezone"] == "Asia/Almaty" and item["election"]["status"] == "polling_day"


def test_assignments_are_for_observers_only(api):
    for role in ("admin", "hq", "coordinator"):
        assert api(role).get("/assignments").status_code == 403
    # An observer account without an observer record may not either.
    assert api("observer").get("/assignments").status_code == 403


def test_forms_give_the_checklist_versions_of_the_callers_elections(api, polling_day,
                                                                    make_election,
                                                                    make_certified):
    from observe.reports.services import ensure_default_checklist, upload_checklist_definition

    first = ensure_default_checklist()
    definition = dict(first.definition)
    db.session.commit()
    observer = api(polling_day.own.user)
    (form,) = observer.get("/forms").json["items"]
    assert form["current"] is True and form["version"] == 1
    assert form["election_ids"] == [polling_day.election.id]
    assert set(form["definition"]["phases"]) >= {"opening", "count"}
    answered = observer.post("/checklists", json={
        "client_uuid": str(uuid.uuid4()), "station_id": polling_day.own.station.id,
        "form_id": form["id"], "phase": "opening",
        "answers": {"boxes_shown_empty_sealed": "yes"}})
    assert answered.status_code == 201, answered.json

    # A new version: answered from now on; the old one stays listed for the answers it holds.
    upload_checklist_definition(json.dumps(definition), actor=None)
    db.session.commit()
    items = observer.get("/forms").json["items"]
    assert [(f["version"], f["current"], f["election_ids"]) for f in items] == [
        (2, True, [polling_day.election.id]), (1, False, [polling_day.election.id])]

    # A closed election answers no version any more; staff see every election's versions.
    later = make_election(name="Maslikhat by-election")
    items = api("hq").get("/forms").json["items"]
    assert items[0]["election_ids"] == sorted([polling_day.election.id, later.id])
    polling_day.election.status = "closed"
    db.session.commit()
    items = observer.get("/forms").json["items"]
    assert [(f["version"], f["election_ids"]) for f in items] == [
        (1, [polling_day.election.id])]
    # An observer of no election has no form to fill.
    unassigned = make_certified(polling_day.own.branch)
    assert api(unassigned.user).get("/forms").json["items"] == []


def test_incident_categories_speak_the_callers_language(api, make_user):
    for lang in ("ru", "kk", "en"):
        items = api("observer").get(f"/incident-categories?lang={lang}").json["items"]
        assert [i["code"] for i in items] == list(CATEGORIES)
        with force_locale(lang):
            assert items[-1]["label"] == str(CATEGORY_LABELS["other"])
    # Without ?lang= the account's language.
    user = make_user("observer", locale="kk")
    items = api(user).get("/incident-categories").json["items"]
    with force_locale("kk"):
        assert items[0]["label"] == str(CATEGORY_LABELS[CATEGORIES[0]])
