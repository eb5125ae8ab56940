"""POST /api/v1/sos: the web page's service behind a token, retry-safe by client_uuid, in the
OpenAPI document."""

import uuid

from sqlalchemy import func, select

from observe.extensions import db
from observe.fieldops.models import SosSignal
from tests.api.conftest import api, token_for  # noqa: F401  (fixtures)
from tests.fieldops.conftest import outbox


def test_an_sos_through_the_api_is_stored_once(api, make_user, polling_day):  # noqa: F811
    coordinator = make_user("coordinator", branch=polling_day.own.branch)
    client = api(polling_day.own.user)
    body = {"client_uuid": str(uuid.uuid4()), "station_id": polling_day.own.station.id,
            "reason": "obstructed", "note": "Kept behind a rope", "latitude": 49.8,
            "longitude": 73.1}
    first = client.post("/sos", json=body)
    assert first.status_code == 201, first.get_json()
    again = client.post("/sos", json=body)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert first.get_json()["status"] == "open" and first.get_json()["acknowledged_by"] is None
    assert db.session.scalar(select(func.count(SosSignal.id))) == 1
    # Written in the language of the request that raised it (here the default, Russian).
    assert coordinator.email in {m.recipient for m in outbox("SOS")}


def test_refusals(api, make_user, polling_day):  # noqa: F811
    client = api(polling_day.own.user)
    body = {"client_uuid": str(uuid.uuid4()), "station_id": polling_day.other.station.id,
            "reason": "unsafe"}
    refused = client.post("/sos", json=body)
    assert refused.status_code == 422
    assert "station_id" in refused.get_json()["error"]["fields"]
    assert client.post("/sos", json={**body, "reason": "bored"}).status_code == 422
    assert api("coordinator").post("/sos", json=body).status_code == 403
    assert db.session.scalar(select(func.count(SosSignal.id))) == 0


def test_the_document_describes_it(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/sos"]["post"]
    assert set(operation["responses"]) >= {"200", "201", "403", "422"}
    assert operation["x-observe-capability"] == "fieldops.sos"
