"""Posts from the regions: submit, edit, return with a comment, approve, publish (now or at a
set time), withdraw, pin; photos, a video, and incident evidence HQ has cleared for the public.
Every change makes a version and an audit entry."""

from datetime import datetime

from flask_babel import gettext as _

from observe.audit.services import record, snapshot
from observe.common.db import utcnow
from observe.common.files import FileRefused
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.permissions import acting_branch, can, is_national, region_in_scope
from observe.reports.models import Evidence, Report
from observe.updates import media as media_files
from observe.updates.models import Post, PostMedia, PostVersion
from observe.updates.rules import MAX_PHOTOS, PostError, clean_video_url

EDITABLE_BY_REGION = ("submitted", "returned")


def _check_region(region: str, actor) -> None:
    if not can(actor, "updates.submit") or not region_in_scope(actor, region or None):
        raise PostError(_("You may not post for this region."))


def _check_hq(actor) -> None:
    if not can(actor, "updates.publish"):
        raise PostError(_("Only HQ may do this."))


def _links(region: str, election_id, station_id, incident_id) -> dict:
    """The election, station and incident a post is about, checked against its region."""
    errors = {}
    election = db.session.get(Election, election_id) if election_id else None
    if election_id and election is None:
        errors["election_id"] = _("Choose an election from the list.")
    station = db.session.get(PollingStation, station_id) if station_id else None
    if station_id and (station is None or (region and station.region != region)):
        errors["station_id"] = _("Choose a polling station of the post's region.")
    incident = db.session.get(Report, incident_id) if incident_id else None
    if incident_id and (incident is None or incident.kind != "incident"
                        or (region and incident.station.region != region)):
        errors["incident_id"] = _("Choose an incident of the post's region.")
    if errors:
        raise PostError(fields=errors)
    election = election or (station.election if station else None) or (
        incident.election if incident else None)
    return {"election_id": election.id if election else None,
            "station_id": station.id if station else (incident.station_id if incident else None),
            "incident_id": incident.id if incident else None}


def _text(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the post a title.")
    elif len(title) > 200:
        errors["title"] = _("A title has at most 200 characters.")
    if len(body) > 20000:
        errors["body"] = _("The text has at most 20,000 characters.")
    if errors:
        raise PostError(fields=errors)
    return title, body


def _version(post: Post, action: str, actor, comment: str = "") -> None:
    post.version = (post.version or 0) + 1 if post.id else 1
    post.updated_at = utcnow()
    post.versions.append(PostVersion(
        version=post.version, action=action, status=post.status, title=post.title,
        body=post.body, video_url=post.video_url, comment=comment,
        editor_id=getattr(actor, "id", None)))


def _add_files(post: Post, photos, video, actor) -> None:
    photos = [upload for upload in photos or [] if upload]
    existing = sum(1 for item in post.media if item.kind == "photo")
    if existing + len(photos) > MAX_PHOTOS:
        raise PostError(_("A post has at most %(n)d photos.", n=MAX_PHOTOS), field="photos")
    uploads = [(upload, media_files.PHOTO_KINDS, "UPDATES_PHOTO_MAX_MB", 10, "photos")
               for upload in photos]
    if video:
        if any(item.kind == "video" for item in post.media):
            raise PostError(_("A post has one video file; remove the old one first."),
                            field="video")
        uploads.append((video, media_files.VIDEO_KINDS, "UPDATES_VIDEO_MAX_MB", 25, "video"))
    position = max((item.position for item in post.media), default=0)
    for upload, kinds, limit_key, default_mb, field in uploads:
        try:
            kind, stored = media_files.store(upload, kinds, limit_key, default_mb)
        except FileRefused as error:  # it names the field "file": name the form's own
            raise PostError(fields={field: error.messages}) from None
        position += 1
        post.media.append(PostMedia(position=position, kind=kind, content_type=stored.mimetype,
                                    size=stored.size, sha256=stored.sha256,
                                    storage_name=stored.name, added_by_id=actor.id))


def submit_post(*, region: str, title: str, body: str = "", video_url: str = "",
                election_id=None, station_id=None, incident_id=None, photos=(), video=None,
                actor) -> Post:
    """A new post of a region (a coordinator: their own), waiting for HQ."""
    region = region or ""
    _check_region(region, actor)
    title, body = _text(title, body)
    video_url = clean_video_url(video_url)
    links = _links(region, election_id, station_id, incident_id)
    branch = None if is_national(actor) else acting_branch(actor)
    post = Post(region=region, branch_id=branch.id if branch else None, title=title, body=body,
                video_url=video_url, status="submitted", review_comment="", pinned=False,
                version=0, created_by_id=actor.id, **links)
    db.session.add(post)
    _add_files(post, photos, video, actor)
    db.session.flush()
    _version(post, "submit", actor)
    db.session.flush()
    record("post.submit", post, actor=actor, after=snapshot(post, Post.AUDITED_FIELDS))
    return post


def update_post(post: Post, *, title: str, body: str = "", video_url: str = "",
                election_id=None, station_id=None, incident_id=None, photos=(), video=None,
                actor) -> Post:
    """Save edits: the region while HQ has not approved it (a returned post goes back to HQ);
    HQ at any time (a published post stays published, its new text shown)."""
    _check_region(post.region, actor)
    hq = can(actor, "updates.publish")
    if not hq and post.status not in EDITABLE_BY_REGION:
        raise PostError(_("HQ has this post now; ask HQ to return it for changes."))
    if post.status == "withdrawn":
        raise PostError(_("A withdrawn post cannot be changed."))
    before = snapshot(post, Post.AUDITED_FIELDS)
    post.title, post.body = _text(title, body)
    post.video_url = clean_video_url(video_url)
    for name, value in _links(post.region, election_id, station_id, incident_id).items():
        setattr(post, name, value)
    _add_files(post, photos, video, actor)
    if post.status == "returned" and not hq:
        post.status = "submitted"
    _version(post, "edit", actor)
    db.session.flush()
    record("post.update", post, actor=actor, before=before,
           after=snapshot(post, Post.AUDITED_FIELDS))
    return post


def _step(post: Post, action: str, actor, *, allowed: tuple, status: str | None = None,
          comment: str = "", change=None) -> Post:
    _check_region(post.region, actor)
    _check_hq(actor)
    if post.status not in allowed:
        raise PostError(_("This step is not possible for a post that is %(status)s.",
                          status=post.status))
    before = snapshot(post, Post.AUDITED_FIELDS)
    if status:
        post.status = status
    if change:
        change(post)
    _version(post, action, actor, comment)
    db.session.flush()
    record(f"post.{action}", post, actor=actor, before=before,
           after=snapshot(post, Post.AUDITED_FIELDS), summary=comment[:200])
    return post


def approve_post(post: Post, *, actor) -> Post:
    """HQ approves a submitted post; it is not public until published."""
    def mark(p):
        p.approved_by_id, p.review_comment = actor.id, ""
    return _step(post, "approve", actor, allowed=("submitted",), status="approved", change=mark)


def return_post(post: Post, *, comment: str, actor) -> Post:
    """HQ sends a post back to its region with a comment saying what to change."""
    comment = (comment or "").strip()
    if not comment:
        raise PostError(_("Say what the region should change."), field="comment")

    def mark(p):
        p.review_comment = comment[:2000]
    return _step(post, "return", actor, allowed=("submitted", "approved"), status="returned",
                 comment=comment[:2000], change=mark)


def publish_post(post: Post, *, publish_at: datetime | None = None, actor) -> Post:
    """Publish an approved post now, or schedule it: public only from `publish_at` (UTC)."""
    now = utcnow()
    if publish_at is not None and publish_at.tzinfo is None:
        raise ValueError("publish_at must be timezone-aware")
    moment = publish_at if publish_at is not None and publish_at > now else now

    def mark(p):
        p.publish_at, p.published_by_id = moment, actor.id
    return _step(post, "publish", actor, allowed=("approved", "withdrawn"), status="published",
                 change=mark)


def withdraw_post(post: Post, *, actor) -> Post:
    """Take a published post off the public page (kept, with its versions)."""
    return _step(post, "withdraw", actor, allowed=("published",), status="withdrawn")


def pin_post(post: Post, *, pinned: bool, actor) -> Post:
    """Keep a post at the top of the public page, or let it go back to its place."""
    def mark(p):
        p.pinned = bool(pinned)
    return _step(post, "pin" if pinned else "unpin", actor,
                 allowed=("approved", "published", "submitted"), change=mark)


def remove_media(item: PostMedia, *, actor) -> None:
    """Take a photo or video off a post (the region before approval, HQ at any time)."""
    post = item.post
    _check_region(post.region, actor)
    if not can(actor, "updates.publish") and post.status not in EDITABLE_BY_REGION:
        raise PostError(_("HQ has this post now; ask HQ to return it for changes."))
    before = snapshot(post, Post.AUDITED_FIELDS)
    post.media.remove(item)
    _version(post, "media", actor, comment=f"-{item.kind}")
    db.session.flush()
    record("post.remove_media", post, actor=actor, before=before,
           after=snapshot(post, Post.AUDITED_FIELDS), summary=item.kind)


def use_evidence(post: Post, evidence: Evidence, *, confirmed: bool, actor) -> PostMedia:
    """Add an incident's evidence photo to a post. It must be public: HQ makes it so here,
    confirming that faces and number plates were checked (that is the publisher's duty)."""
    _check_region(post.region, actor)
    if evidence.kind != "photo" or evidence.report.kind != "incident" or (
            post.region and evidence.report.station.region != post.region):
        raise PostError(_("Only a photo of an incident of the post's region can be used."))
    if any(item.evidence_id == evidence.id for item in post.media):
        raise PostError(_("This photo is in the post already."))
    if evidence.public_at is None:
        if not can(actor, "updates.publish"):
            raise PostError(_("HQ must clear this photo for the public before it is used."))
        if not confirmed:
            raise PostError(_("Confirm that no face or number plate can be recognised."),
                            field="confirm")
        evidence.public_at = utcnow()
        db.session.flush()
        record("evidence.make_public", evidence, actor=actor,
               summary="faces and number plates checked", after={"public_at":
                                                                 evidence.public_at.isoformat()})
    position = max((item.position for item in post.media), default=0) + 1
    item = PostMedia(position=position, kind="photo", content_type=evidence.content_type,
                     size=evidence.size, sha256=evidence.sha256, evidence_id=evidence.id,
                     storage_name=None, added_by_id=actor.id)
    post.media.append(item)
    _version(post, "media", actor, comment=f"+evidence {evidence.id}")
    db.session.flush()
    record("post.use_evidence", post, actor=actor, summary=f"evidence {evidence.id}")
    return item

