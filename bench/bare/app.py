"""The bare baselines of bench/submissions.py: Flask on the same gunicorn set-up, no Observe.

`GET|POST /constant` answers a constant; `POST /insert` parses the same JSON body the API gets
and INSERTs one row as wide as a stored incident (the report and incident columns together)
through a SQLAlchemy connection pool, then commits. What Observe adds on top of this (token
check, scope, validation, the idempotency lookup, two tables, the audit entry) is the ratio.
"""

import json
import os
import uuid
from datetime import UTC, datetime

from flask import Flask, request
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
)

metadata = MetaData()
bare_incident = Table(
    "bare_incident", metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(36), unique=True),
    Column("kind", String(16)), Column("election_id", Integer), Column("station_id", Integer),
    Column("observer_id", Integer), Column("submitted_by_id", Integer),
    Column("occurred_at", DateTime(timezone=True)), Column("received_at", DateTime(timezone=True)),
    Column("status", String(16)), Column("status_reason", Text), Column("severity", String(16)),
    Column("flagged", Boolean), Column("updated_at", DateTime(timezone=True)),
    Column("category", String(32)), Column("description", Text),
    Column("people_involved", Text), Column("complaint_filed", Boolean),
    Column("complaint_number", String(64)),
)

# The pool Flask-SQLAlchemy gives the app by default (5 + 10 overflow per process).
engine = create_engine(os.environ["BARE_DATABASE_URL"], pool_size=5, max_overflow=10) \
    if "BARE_DATABASE_URL" in os.environ else None
app = Flask(__name__)


@app.route("/constant", methods=["GET", "POST"])
def constant():
    return {"status": "ok"}


@app.post("/insert")
def insert_one():
    data = json.loads(request.get_data())
    now = datetime.now(UTC)
    with engine.begin() as connection:
        row_id = connection.execute(insert(bare_incident).values(
            uuid=data.get("client_uuid") or str(uuid.uuid4()), kind="incident", election_id=1,
            station_id=int(data["station_id"]), observer_id=1, submitted_by_id=1,
            occurred_at=datetime.fromisoformat(data["occurred_at"]), received_at=now,
            status="received", status_reason="", severity=data["severity"], flagged=False,
            updated_at=now, category=data["category"], description=data["description"],
            people_involved="", complaint_filed=False, complaint_number="",
        ).returning(bare_incident.c.id)).scalar_one()
    return {"id": row_id}, 201
