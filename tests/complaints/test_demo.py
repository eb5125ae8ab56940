"""The demo data holds a complaint awaiting its answer and an appeal chain, seeded once."""

from sqlalchemy import func, select

from observe.complaints.models import Complaint
from observe.complaints.queries import chain
from observe.demo import seed_demo
from observe.extensions import db


def test_demo_complaints_and_chain_idempotent(app):
    seed_demo("demo-password-123")
    db.session.commit()
    seed_demo("demo-password-123")
    db.session.commit()
    complaints = db.session.scalars(select(Complaint).order_by(Complaint.id)).all()
    assert len(complaints) == 3
    assert {c.region for c in complaints} == {"karaganda", "almaty"}
    appeal = next(c for c in complaints if c.appeal_of_id)
    assert [c.body for c in chain(appeal)] == ["precinct", "territorial"]
    assert db.session.scalar(select(func.count(Complaint.id)).where(
        Complaint.status == "filed")) == 1
