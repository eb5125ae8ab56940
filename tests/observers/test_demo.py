"""The demo applicants read as a Kazakh branch would write them: Russian and Kazakh names,
Kazakh towns, notes and reasons in Russian or Kazakh."""

import re

from sqlalchemy import select

from observe.extensions import db
from observe.observers.demo import DEMO_APPLICANTS, DEMO_NOTES, seed_observers
from observe.observers.models import Observer, ObserverNote, StatusChange
from observe.observers.rules import clean_full_name

LATIN = re.compile(r"[A-Za-z]")
KAZAKH_LETTERS = set("ӘәҒғҚқҢңӨөҰұҮүҺһІі")


def test_demo_names_and_towns_are_russian_and_kazakh():
    rows = [row for branch_rows in DEMO_APPLICANTS.values() for row in branch_rows]
    for name, _born, _female, city, *_rest in rows:
        assert clean_full_name(name) == name
        assert not LATIN.search(name) and not LATIN.search(city), (name, city)
    assert any(set(name) & KAZAKH_LETTERS for name, *_ in rows)


def test_seeded_records_notes_and_reasons_are_not_english(app, make_branch, make_user):
    branches = [make_branch(name="Карагандинский филиал"),
                make_branch(region="almaty", name="Алматинский филиал")]
    coordinators = {i: make_user("coordinator", branch=branch)
                    for i, branch in enumerate(branches)}
    seed_observers(branches, coordinators)
    seed_observers(branches, coordinators)  # idempotent
    db.session.commit()
    observers = db.session.execute(select(Observer)).scalars().all()
    assert len(observers) == sum(len(rows) for rows in DEMO_APPLICANTS.values())
    assert "Караганда" in {o.city for o in observers}
    notes = db.session.execute(select(ObserverNote.body)).scalars().all()
    assert sorted(notes) == sorted(DEMO_NOTES.values())
    reasons = [r for r in db.session.execute(select(StatusChange.reason)).scalars() if r]
    assert reasons and not any(LATIN.search(reason) for reason in reasons)
