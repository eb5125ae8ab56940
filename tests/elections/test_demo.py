"""The demo election reads as a Kazakh one: its names, parties and addresses are in Russian."""

import re

from sqlalchemy import func, select

from observe.elections.demo import seed_election
from observe.elections.models import Election, PollingStation
from observe.extensions import db

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
LATIN_WORD = re.compile(r"\b[a-z]{3,}\b", re.IGNORECASE)


def test_the_demo_election_is_written_in_russian(app):
    election = seed_election()
    db.session.commit()
    assert election.name == ("Выборы депутатов Мажилиса Парламента и маслихатов "
                             "Республики Казахстан")
    texts = [c.name for c in election.contests]
    stations = db.session.execute(select(PollingStation).where(
        PollingStation.election_id == election.id)).scalars().all()
    assert {s.region for s in stations} == {"karaganda", "almaty"}
    for station in stations:
        texts += [station.district, station.address, station.premises, station.commission,
                  station.priority_note]
    assert "ул. Ерубаева, 35" in {s.address for s in stations}
    for text in filter(None, texts):
        assert CYRILLIC.search(text), text
        assert not LATIN_WORD.search(text), text
    for choice in election.contests[0].choices:
        # Party names keep their own Latin spelling («AMANAT», «Respublica») inside Russian.
        assert CYRILLIC.search(choice.name), choice.name


def test_seeding_twice_keeps_one_election(app):
    first = seed_election()
    db.session.commit()
    assert seed_election().id == first.id
    assert db.session.scalar(select(func.count()).select_from(Election)) == 1
