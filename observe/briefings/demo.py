"""The demo's published briefing: HQ's national summary of the demo polling day in Russian,
as of the time the demo was loaded. Idempotent: a second run leaves the one it made."""

from sqlalchemy import select

from observe.auth.models import User
from observe.briefings import services
from observe.briefings.models import Briefing
from observe.common.db import utcnow
from observe.elections.demo import DEMO_ELECTION
from observe.elections.models import Election
from observe.extensions import db

TITLE = "Брифинг штаба"


def seed_briefing() -> Briefing | None:
    """One published national briefing of the demo election (none when it has no election)."""
    election = db.session.scalar(select(Election).where(Election.name == DEMO_ELECTION))
    hq = db.session.scalar(select(User).where(User.email == "hq@example.org"))
    if election is None or hq is None:
        return None
    existing = db.session.scalar(select(Briefing).where(Briefing.election_id == election.id,
                                                        Briefing.title == TITLE))
    if existing is not None:
        return existing
    briefing = services.create_briefing(election, region="", cutoff=utcnow(), language="ru",
                                        title=TITLE, actor=hq)
    services.review_briefing(briefing, actor=hq)
    services.publish_briefing(briefing, actor=hq)
    return briefing
