"""Read-side of updates: the staff lists (held to the caller's region) and the public timeline,
which joins published posts whose time has come with published briefings, newest first.

The public side reads no user: not the author, not who approved; only a post's region, text,
media and links, and a briefing's public text and figures."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from observe.briefings.queries import published_briefing, published_briefings
from observe.common.db import utcnow
from observe.extensions import db
from observe.permissions import scope_to_region
from observe.reports.models import Evidence, Incident
from observe.updates.models import Post, PostMedia

PER_PAGE = 20


# --- Staff -------------------------------------------------------------------------------------

def posts_in_scope(user, status: str = "", region: str = ""):
    """A select() of the posts the user may work on (a coordinator: their region's)."""
    stmt = scope_to_region(select(Post), Post.region, user)
    if status:
        stmt = stmt.where(Post.status == status)
    if region:
        stmt = stmt.where(Post.region == region)
    return stmt.order_by(Post.updated_at.desc(), Post.id.desc())


def incident_photos(post: Post) -> list[Evidence]:
    """The photos of the post's incident, which HQ may clear and add."""
    if not post.incident_id:
        return []
    return list(db.session.scalars(select(Evidence).where(
        Evidence.report_id == post.incident_id, Evidence.kind == "photo").order_by(Evidence.id)))


def incidents_of_region(region: str | None, limit: int = 200) -> list[Incident]:
    """Recent incidents a post may be about (a region's, or every one for HQ)."""
    from observe.elections.models import PollingStation

    stmt = select(Incident).join(PollingStation, Incident.station_id == PollingStation.id)
    if region:
        stmt = stmt.where(PollingStation.region == region)
    return list(db.session.scalars(stmt.order_by(Incident.received_at.desc()).limit(limit)))


# --- Public ------------------------------------------------------------------------------------

def _visible(stmt, now: datetime):
    return stmt.where(Post.status == "published", Post.publish_at.is_not(None),
                      Post.publish_at <= now)


def public_posts(region: str | None = None, election_id: int | None = None,
                 now: datetime | None = None):
    """A select() of the posts the public sees now."""
    stmt = _visible(select(Post), now or utcnow())
    if region is not None:
        stmt = stmt.where(Post.region == region)
    if election_id:
        stmt = stmt.where(Post.election_id == election_id)
    return stmt


@dataclass
class Item:
    """One entry of the public timeline: a post or a briefing."""

    kind: str  # post | briefing
    obj: object
    at: datetime
    pinned: bool = False


@dataclass
class Timeline:
    items: list[Item]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _union(region, election_id, now):
    posts = public_posts(region, election_id, now).with_only_columns(
        literal("post").label("kind"), Post.id.label("id"), Post.pinned.label("pinned"),
        Post.publish_at.label("at"))
    briefings = published_briefings(region, election_id).subquery()
    briefs = select(literal("briefing").label("kind"), briefings.c.id.label("id"),
                    literal(False, Boolean).label("pinned"), briefings.c.published_at.label("at"))
    return union_all(posts, briefs).subquery()


def timeline(region: str | None = None, election_id: int | None = None, page: int = 1,
             per_page: int = PER_PAGE, now: datetime | None = None,
             pinned_first: bool = True) -> Timeline:
    """Published posts and briefings, pinned posts first (on the page, not in a feed), then
    newest first; one page."""
    now = now or utcnow()
    union = _union(region, election_id, now)
    total = int(db.session.scalar(select(func.count()).select_from(union)) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    order = [union.c.at.desc(), union.c.kind, union.c.id.desc()]
    if pinned_first:
        order.insert(0, union.c.pinned.desc())
    rows = db.session.execute(select(union).order_by(*order)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    from observe.briefings.models import Briefing

    post_ids = [row.id for row in rows if row.kind == "post"]
    briefing_ids = [row.id for row in rows if row.kind == "briefing"]
    # Media (and an evidence photo's clearance) in one more query, not one per post.
    posts = {p.id: p for p in db.session.scalars(
        select(Post).where(Post.id.in_(post_ids))
        .options(selectinload(Post.media).joinedload(PostMedia.evidence)))} if post_ids else {}
    briefings = {b.id: b for b in db.session.scalars(
        published_briefings().where(Briefing.id.in_(briefing_ids)))} if briefing_ids else {}
    items = []
    for row in rows:
        obj = posts.get(row.id) if row.kind == "post" else briefings.get(row.id)
        if obj is not None:
            at = obj.publish_at if row.kind == "post" else obj.published_at
            items.append(Item(row.kind, obj, at, bool(row.pinned)))
    return Timeline(items, page, pages, total)


def stamp(now: datetime | None = None) -> tuple[str, datetime | None]:
    """A fingerprint of everything public (changes when an item appears, changes or goes) and
    the time of the latest change: two small aggregates, so a revalidation costs no rendering."""
    now = now or utcnow()
    count, updated, published = db.session.execute(_visible(
        select(func.count(Post.id), func.max(Post.updated_at), func.max(Post.publish_at)),
        now)).one()
    briefings = published_briefings().subquery()
    b_count, b_latest, b_max_id = db.session.execute(select(
        func.count(briefings.c.id), func.max(briefings.c.published_at),
        func.max(briefings.c.id))).one()
    times = [t for t in (updated, published, b_latest) if t is not None]
    latest = max((_aware(t) for t in times), default=None)
    raw = f"{count}|{updated}|{published}|{b_count}|{b_latest}|{b_max_id}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24], latest


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def public_post(post_id: int, now: datetime | None = None) -> Post | None:
    """A post the public may read now, or None."""
    return db.session.scalar(public_posts(now=now).where(Post.id == post_id))


def public_briefing(briefing_id: int):
    """A published briefing, or None."""
    return published_briefing(briefing_id)


def public_media(media_id: int, now: datetime | None = None) -> PostMedia | None:
    """A photo or video of a public post; an evidence photo only while HQ keeps it public."""
    item = db.session.get(PostMedia, media_id)
    if item is None or public_post(item.post_id, now) is None:
        return None
    if item.evidence_id is not None and item.evidence.public_at is None:
        return None
    return item


def first_photo(post: Post) -> PostMedia | None:
    """The photo a shared link shows (Open Graph image)."""
    return next((m for m in post.media if m.kind == "photo"
                 and (m.evidence_id is None or m.evidence.public_at is not None)), None)
