"""The demo gains posts in every state the updates page deals with, once."""

from collections import Counter

from sqlalchemy import select

from observe.common.db import utcnow
from observe.demo import seed_demo
from observe.extensions import db
from observe.updates.models import Post


def test_demo_posts_once_in_every_state(app, client):
    seed_demo("demo-password-123")
    db.session.commit()
    seed_demo("demo-password-123")
    db.session.commit()
    posts = db.session.scalars(select(Post)).all()
    assert Counter(p.status for p in posts) == {"published": 4, "submitted": 1, "returned": 1}
    assert sum(p.pinned for p in posts) == 1
    assert sum(p.publish_at > utcnow() for p in posts if p.publish_at) == 1  # scheduled
    assert {p.region for p in posts} == {"karaganda", "almaty"}
    assert any(p.media for p in posts if p.is_public())
    html = client.get("/updates?lang=en").get_data(as_text=True)
    assert html.count('data-item="post-') == 3 and 'data-item="briefing-' in html
