"""The ceiling of bench/submissions.py: Observe's own app (every extension and hook: Flask-Login,
Talisman, Flask-Limiter, Babel, the session, the per-request transaction) with one more route,
`POST /ceiling/incidents`, that does the least an incident submission must do, in one
hand-written statement and without the ORM:

- the body validated with the API's own pydantic model (`IncidentIn`);
- the token checked (unrevoked, active user with an observer record), the observer's active
  assignment at the station and the election taking reports, the report and incident rows and
  the audit entry, `ON CONFLICT (uuid) DO NOTHING`: one `WITH ... INSERT ... RETURNING`;
- the answer built with the API's own answer model (`Incident`).

It is not a second way to submit (it skips the role's capability, the rate limit's own key, a
retry's 200 and every refusal's message: anything not stored is a bare 403): it measures how
close to the bare INSERT a submission could come on this stack if the service's rules were
written once more as SQL outside the service layer. Served only by the benchmark.
"""

import hashlib
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, g, request

from observe import create_app
from observe.api import present, schemas
from observe.api.errors import ApiError
from observe.api.registry import valid_body
from observe.extensions import csrf, db

SUBMISSION = """
WITH caller AS (
  SELECT u.id AS user_id, u.email, o.id AS observer_id, o.full_name
  FROM api_token t JOIN user_account u ON u.id = t.user_id JOIN observer o ON o.user_id = u.id
  WHERE t.token_hash = %(token_hash)s AND t.revoked_at IS NULL AND u.is_active LIMIT 1),
scope AS (
  SELECT c.*, s.id AS station_id, s.number, s.region, s.district, s.election_id, e.timezone
  FROM caller c JOIN assignment a ON a.observer_id = c.observer_id
  JOIN polling_station s ON s.id = a.station_id JOIN election e ON e.id = s.election_id
  WHERE a.station_id = %(station_id)s AND a.status IN ('assigned', 'confirmed')
    AND e.status IN ('polling_day', 'planning') LIMIT 1),
new_report AS (
  INSERT INTO report (uuid, kind, election_id, station_id, observer_id, submitted_by_id,
    occurred_at, received_at, status, status_reason, severity, flagged, updated_at)
  SELECT %(uuid)s, 'incident', election_id, station_id, observer_id, user_id, %(occurred_at)s,
    %(now)s, 'received', '', %(severity)s, false, %(now)s FROM scope
  ON CONFLICT (uuid) DO NOTHING RETURNING id),
new_incident AS (
  INSERT INTO incident (id, category, description, people_involved, complaint_filed,
    complaint_number)
  SELECT id, %(category)s, %(description)s, %(people_involved)s, %(complaint_filed)s,
    %(complaint_number)s FROM new_report),
new_audit AS (
  INSERT INTO audit_entry (occurred_at, actor_id, actor_label, action, object_type, object_id,
    summary, ip_address)
  SELECT %(now)s, scope.user_id, scope.email, 'report.incident', 'report', new_report.id::text,
    'I-' || new_report.id || ' · ' || scope.number, %(address)s FROM new_report, scope)
SELECT scope.*, new_report.id FROM scope JOIN new_report ON true
"""

bp = Blueprint("ceiling", __name__, url_prefix="/ceiling")
csrf.exempt(bp)


@bp.post("/incidents")
def submit_incident():
    g._login_user = current_app.login_manager.anonymous_user()  # no ORM load of the caller
    try:
        body = valid_body(schemas.IncidentIn)
    except ApiError:
        abort(422)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    now = datetime.now(UTC)
    row = db.session.connection().exec_driver_sql(SUBMISSION, {
        "token_hash": hashlib.sha256(token.strip().encode()).hexdigest(),
        "station_id": body.station_id, "uuid": str(body.client_uuid),
        "occurred_at": body.occurred_at, "now": now, "severity": body.severity,
        "category": body.category, "description": body.description,
        "people_involved": body.people_involved, "complaint_filed": body.complaint_filed,
        "complaint_number": body.complaint_number, "address": request.remote_addr or "",
    }).first()
    if scheme.lower() != "bearer" or row is None:
        abort(403)
    zone = row.timezone
    answer = schemas.Incident(
        id=row.id, reference=f"I-{row.id}", kind="incident", client_uuid=str(body.client_uuid),
        status="received", election_id=row.election_id, station_id=row.station_id,
        occurred_at=present.local(body.occurred_at, zone), received_at=present.local(now, zone),
        flagged=False, severity=body.severity, category=body.category,
        category_label=body.category, description=body.description,
        people_involved=body.people_involved, complaint_filed=body.complaint_filed,
        complaint_number=body.complaint_number, status_reason="",
        station=schemas.StationRef(id=row.station_id, number=row.number, region=row.region,
                                   district=row.district or ""),
        observer=schemas.ObserverRef(id=row.observer_id, full_name=row.full_name), evidence=[])
    return answer.model_dump(mode="json"), 201, {"Cache-Control": "no-store, private"}


app = create_app()
app.register_blueprint(bp)
