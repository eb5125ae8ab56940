"""The demo gains one published national briefing of the demo polling day, once."""

from sqlalchemy import func, select

from observe.briefings.models import Briefing
from observe.demo import seed_demo
from observe.extensions import db


def test_the_demo_has_one_published_briefing(app, client):
    seed_demo("demo-password-123")
    db.session.commit()
    seed_demo("demo-password-123")
    db.session.commit()
    assert db.session.scalar(select(func.count(Briefing.id))) == 1
    briefing = db.session.scalar(select(Briefing))
    assert (briefing.status, briefing.region, briefing.language) == ("published", "", "ru")
    assert briefing.figures["coverage"]["stations"] > 0
    stations = briefing.figures["coverage"]["stations"]
    assert f" {stations} " in briefing.narrative
    response = client.post("/login", data={"email": "hq@example.org",
                                           "password": "demo-password-123"})
    assert response.status_code == 302
    assert client.get(f"/briefings/{briefing.id}").status_code == 200
    assert client.get(f"/briefings/{briefing.id}/briefing.pdf").status_code == 200
