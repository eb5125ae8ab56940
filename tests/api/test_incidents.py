"""GET /incidents and /incidents/<id> in each role's scope; the triage actions."""

import pytest

from tests.api.test_submissions import incident_body


@pytest.fixture
def reported(api, polling_day):
    """One incident from each region; returns their ids (own: Karaganda, other: Almaty)."""
    own = api(polling_day.own.user).post("/incidents", json=incident_body(
        polling_day.own.station, severity="critical")).json["id"]
    other = api(polling_day.other.user).post("/incidents", json=incident_body(
        polling_day.other.station, severity="low", category="vote_buying")).json["id"]
    return {"own": own, "other": other}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.json["items"]]


def test_each_role_sees_its_scope(api, polling_day, reported, make_user):
    coordinator = make_user("coordinator", branch=polling_day.own.branch)
    assert ids(api(coordinator).get("/incidents")) == [reported["own"]]
    assert ids(api("hq").get("/incidents")) == [reported["own"], reported["other"]]
    assert ids(api("admin").get("/incidents")) == [reported["own"], reported["other"]]
    assert ids(api(polling_day.own.user).get("/incidents")) == [reported["own"]]
    assert ids(api(polling_day.other.user).get("/incidents")) == [reported["other"]]
    # An observer account without an observer record may not.
    assert api("observer").get("/incidents").status_code == 403


def test_outside_the_scope_is_404_never_403(api, polling_day, reported, make_user):
    coordinator = api(make_user("coordinator", branch=polling_day.own.branch))
    assert coordinator.get(f"/incidents/{reported['own']}").status_code == 200
    assert coordinator.get(f"/incidents/{reported['other']}").status_code == 404
    observer = api(polling_day.own.user)
    assert observer.get(f"/incidents/{reported['other']}").status_code == 404
    assert observer.get("/incidents/999999").status_code == 404
    assert coordinator.post(f"/incidents/{reported['other']}/actions",
                            json={"action": "verify"}).status_code == 404


def test_the_list_is_filtered_like_the_triage_queue(api, polling_day, reported):
    hq = api("hq")
    assert ids(hq.get("/incidents?region=almaty")) == [reported["other"]]
    assert ids(hq.get("/incidents?category=vote_buying")) == [reported["other"]]
    assert ids(hq.get("/incidents?severity=critical")) == [reported["own"]]
    assert ids(hq.get("/incidents?status=verified")) == []
    assert ids(hq.get(f"/incidents?station={polling_day.own.station.number}")) == [
        reported["own"]]
    page = hq.get("/incidents?limit=1").json
    assert len(page["items"]) == 1 and page["next"]
    rest = hq.get(f"/incidents?limit=1&cursor={page['next']}").json
    assert [i["id"] for i in rest["items"]] == [reported["other"]] and rest["next"] is None
    assert hq.get("/incidents?severity=awful").status_code == 422
    assert hq.get("/incidents?since=yesterday").status_code == 422


def test_triage_actions_through_the_service(api, polling_day, reported, make_user):
    coordinator = api(make_user("coordinator", branch=polling_day.own.branch))
    path = f"/incidents/{reported['own']}/actions"
    response = coordinator.post(path, json={"action": "comment", "text": "Calling the observer"})
    assert response.status_code == 200 and response.json["status"] == "received"
    response = coordinator.post(path, json={"action": "verify"})
    assert response.json["status"] == "verified"
    response = coordinator.post(path, json={"action": "escalate"})
    assert response.json["status"] == "escalated"
    response = coordinator.post(path, json={"action": "resolve"})
    assert response.json["status"] == "resolved"
    assert [e["kind"] for e in response.json["events"]] == ["comment", "verify", "escalate",
                                                           "resolve"]
    # A resolved report moves no more: the service's rule, as a 422.
    response = coordinator.post(path, json={"action": "verify"})
    assert response.status_code == 422 and "action" in response.json["error"]["fields"]
    # The observer sees the outcome on their own incident.
    mine = api(polling_day.own.user).get(f"/incidents/{reported['own']}").json
    assert mine["status"] == "resolved"


def test_a_rejection_needs_a_reason(api, reported):
    hq = api("hq")
    path = f"/incidents/{reported['other']}/actions"
    response = hq.post(path, json={"action": "reject"})
    assert response.status_code == 422 and "text" in response.json["error"]["fields"]
    response = hq.post(path, json={"action": "reject", "text": "Not confirmed by the photo"})
    assert response.status_code == 200 and response.json["status"] == "rejected"
    assert response.json["status_reason"] == "Not confirmed by the photo"
    assert hq.post(path, json={"action": "explode"}).status_code == 422


def test_observers_may_not_triage(api, polling_day, reported):
    response = api(polling_day.own.user).post(f"/incidents/{reported['own']}/actions",
                                              json={"action": "verify"})
    assert response.status_code == 403
