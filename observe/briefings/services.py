"""Briefings: build a draft from the reports up to a cut-off, edit it, review it, publish it
(its figures frozen as JSON), and re-issue a published one as the next version."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from observe.audit.services import record, snapshot
from observe.briefings.figures import briefing_figures, changes
from observe.briefings.models import LANGUAGES, Briefing
from observe.briefings.narrative import draft_narrative
from observe.briefings.queries import Scope
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.extensions import db
from observe.permissions import can, region_in_scope


class BriefingError(DomainError):
    """A briefing rule refused the action."""


def _check_scope(region: str, actor, capability: str = "briefings.manage") -> None:
    if not can(actor, capability) or not region_in_scope(actor, region or None):
        raise BriefingError(_("You may not prepare briefings for this scope."))


def previous_published(briefing: Briefing) -> Briefing | None:
    """The latest published briefing of the same election and scope before this one's
    cut-off (another series: an earlier version of this one is not 'the previous briefing')."""
    stmt = select(Briefing).where(
        Briefing.election_id == briefing.election_id, Briefing.region == briefing.region,
        Briefing.status == "published", Briefing.cutoff_at <= briefing.cutoff_at)
    if briefing.series is not None:
        stmt = stmt.where(Briefing.series != briefing.series)
    return db.session.scalars(stmt.order_by(Briefing.cutoff_at.desc(),
                                            Briefing.published_at.desc()).limit(1)).first()


def live_figures(briefing: Briefing, *, exact: bool = False) -> dict:
    """The briefing's numbers from the reports now (a draft's), with the change since the
    previous published briefing of its scope. Its incident counts come from the tally (at most
    FIGURES_STALE_SECONDS old) unless `exact`: the numbers frozen on publishing are counted
    from the reports themselves."""
    scope = Scope(briefing.election_id, region=briefing.region, cutoff=briefing.cutoff_at,
                  exact=exact)
    figures = briefing_figures(scope, briefing.election)
    previous = previous_published(briefing)
    figures["previous"] = ({"id": previous.id, "cutoff": previous.cutoff_at.isoformat(),
                            "version": previous.version} if previous else None)
    figures["changes"] = changes(figures, previous.figures if previous else None)
    return figures


def figures_of(briefing: Briefing) -> dict:
    """The numbers a briefing shows: frozen once published, live before."""
    return briefing.figures if briefing.is_frozen and briefing.figures else live_figures(briefing)


def _clean(cutoff: datetime | None, language: str, title: str) -> tuple:
    errors = {}
    if cutoff is None:
        errors["cutoff"] = _("Give the time the briefing is as of.")
    elif cutoff > utcnow():
        errors["cutoff"] = _("The cut-off cannot be in the future.")
    if language not in LANGUAGES:
        errors["language"] = _("Choose Russian, Kazakh or English.")
    if errors:
        raise BriefingError(fields=errors)
    return cutoff, language, (title or "").strip()[:200]


def create_briefing(election, *, region: str, cutoff: datetime | None, language: str,
                    title: str = "", actor) -> Briefing:
    """A new draft briefing with its narrative written from the numbers."""
    region = region or ""
    _check_scope(region, actor)
    cutoff, language, title = _clean(cutoff, language, title)
    briefing = Briefing(election_id=election.id, election=election, region=region,
                        cutoff_at=cutoff, language=language, title=title, status="draft",
                        version=1, created_by_id=actor.id, narrative="")
    db.session.add(briefing)
    db.session.flush()
    briefing.series = briefing.id
    briefing.narrative = draft_narrative(live_figures(briefing), language,
                                         timezone=election.timezone)
    db.session.flush()
    record("briefing.create", briefing, actor=actor, after=snapshot(briefing,
                                                                    Briefing.AUDITED_FIELDS))
    return briefing


def _editable(briefing: Briefing, actor) -> None:
    _check_scope(briefing.region, actor)
    if briefing.is_frozen:
        raise BriefingError(_("A published briefing cannot be changed; issue a new version."))


def update_briefing(briefing: Briefing, *, narrative: str, title: str, cutoff: datetime | None,
                    language: str, regenerate: bool = False, actor) -> Briefing:
    """Save staff's edits; a reviewed briefing that changes goes back to draft."""
    _editable(briefing, actor)
    before = snapshot(briefing, Briefing.AUDITED_FIELDS)
    cutoff, language, title = _clean(cutoff, language, title)
    briefing.cutoff_at, briefing.language, briefing.title = cutoff, language, title
    briefing.narrative = (narrative or "").strip()[:20000]
    if regenerate or not briefing.narrative:
        briefing.narrative = draft_narrative(live_figures(briefing), language,
                                             timezone=briefing.election.timezone)
    briefing.status = "draft"
    briefing.reviewed_by_id = briefing.reviewed_at = None
    briefing.updated_at = utcnow()
    db.session.flush()
    record("briefing.update", briefing, actor=actor, before=before,
           after=snapshot(briefing, Briefing.AUDITED_FIELDS))
    return briefing


def review_briefing(briefing: Briefing, *, actor) -> Briefing:
    """Mark a draft as reviewed (checked by a second pair of eyes)."""
    _editable(briefing, actor)
    if briefing.status != "draft":
        raise BriefingError(_("Only a draft can be marked as reviewed."))
    before = snapshot(briefing, Briefing.AUDITED_FIELDS)
    briefing.status, briefing.reviewed_by_id, briefing.reviewed_at = "reviewed", actor.id, utcnow()
    briefing.updated_at = briefing.reviewed_at
    db.session.flush()
    record("briefing.review", briefing, actor=actor, before=before,
           after=snapshot(briefing, Briefing.AUDITED_FIELDS))
    return briefing


def publish_briefing(briefing: Briefing, *, actor) -> Briefing:
    """Publish a reviewed briefing: its numbers are stored with it and never move again."""
    _check_scope(briefing.region, actor, "briefings.publish")
    if briefing.status != "reviewed":
        raise BriefingError(_("Only a reviewed briefing can be published."))
    before = snapshot(briefing, Briefing.AUDITED_FIELDS)
    figures = live_figures(briefing, exact=True)
    previous = previous_published(briefing)
    briefing.figures = figures
    briefing.previous_id = previous.id if previous else None
    briefing.status, briefing.published_by_id, briefing.published_at = ("published", actor.id,
                                                                         utcnow())
    briefing.updated_at = briefing.published_at
    db.session.flush()
    record("briefing.publish", briefing, actor=actor, before=before,
           after=snapshot(briefing, Briefing.AUDITED_FIELDS))
    return briefing


def reissue_briefing(briefing: Briefing, *, actor) -> Briefing:
    """Start the next version of a published briefing as a draft (the published one stays)."""
    _check_scope(briefing.region, actor)
    if not briefing.is_frozen:
        raise BriefingError(_("Only a published briefing is re-issued; edit the draft instead."))
    latest = db.session.scalar(select(func.max(Briefing.version)).where(
        Briefing.series == briefing.series))
    draft = db.session.scalar(select(Briefing).where(Briefing.series == briefing.series,
                                                     Briefing.status != "published"))
    if draft is not None:
        raise BriefingError(_("Version %(version)d is already being prepared.",
                              version=draft.version))
    new = Briefing(election_id=briefing.election_id, election=briefing.election,
                   region=briefing.region, cutoff_at=briefing.cutoff_at,
                   language=briefing.language, title=briefing.title,
                   narrative=briefing.narrative, status="draft", series=briefing.series,
                   version=(latest or 1) + 1, created_by_id=actor.id)
    db.session.add(new)
    db.session.flush()
    record("briefing.reissue", new, actor=actor, summary=f"v{new.version} of #{briefing.series}",
           after=snapshot(new, Briefing.AUDITED_FIELDS))
    return new
