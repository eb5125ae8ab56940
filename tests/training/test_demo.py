"""The demo training reads as a Kazakh organisation writes it: Russian, one session in Kazakh."""

import re

from sqlalchemy import select

from observe.extensions import db
from observe.training.models import Speaker, TrainingSession
from tests.conftest import TEST_PASSWORD

CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
KAZAKH_LETTERS = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def test_demo_sessions_and_speakers_are_not_in_english(app):
    from observe.demo import seed_demo

    seed_demo(TEST_PASSWORD)
    db.session.commit()
    sessions = db.session.execute(select(TrainingSession)).scalars().all()
    speakers = db.session.execute(select(Speaker)).scalars().all()
    assert sessions and speakers
    texts = [s.title for s in sessions] + [s.description for s in sessions]
    texts += [s.venue for s in sessions if not s.online] + [s.address for s in sessions
                                                            if not s.online]
    texts += [part for s in speakers for part in (s.name, s.role, s.bio)]
    assert [text for text in texts if not CYRILLIC.search(text or "")] == []
    assert any(KAZAKH_LETTERS.search(s.title) for s in sessions)
