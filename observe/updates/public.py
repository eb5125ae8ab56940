"""The public updates page, an item's page, the Atom feeds, the live fragment and media.

Nothing here reads who is signed in: before each request the session is replaced by an empty,
read-only one, so no user is loaded, no cookie is written (a CDN may cache every answer) and the
language comes from `?lang=` alone. Answers carry Cache-Control public, an ETag and a
Last-Modified from a cheap fingerprint of what is public (`queries.stamp`), so a revalidation is
a 304 without rendering.
"""

import hashlib
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import (
    abort,
    current_app,
    make_response,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from observe.branches.regions import REGIONS, region_name
from observe.elections.models import Election
from observe.extensions import db
from observe.updates import feeds, public_bp, queries
from observe.updates.media import original_of, public_copy
from observe.updates.rules import PLATFORM_NAMES, video_platform

PAGE_MAX_AGE = 60
LIVE_MAX_AGE = 10
MEDIA_MAX_AGE = 300
FEED_SIZE = 50
# Bumped when the pages' markup changes, so a deploy does not answer 304 with old markup.
MARKUP_VERSION = "1"


def is_public_path(path: str) -> bool:
    """Whether a URL path is one of this blueprint's (the staff pages live under /updates/posts)."""
    return path in ("/updates", "/updates.atom") or (
        path.startswith("/updates/") and not path.startswith("/updates/posts"))


@public_bp.record_once
def install_cookieless_sessions(state) -> None:
    """Give public updates requests a fresh, empty session that is never saved.

    So no user is loaded from a cookie, the language comes from `?lang=` alone, and no answer
    carries Set-Cookie or "Vary: Cookie": every visitor gets the same bytes, which a CDN may keep.
    The app's own session interface (whatever it is) keeps working for every other path.
    """
    app = state.app
    base = type(app.session_interface)

    class CookielessPublicPages(base):
        def open_session(self, app, request):
            if is_public_path(request.path):
                return self.session_class()
            return super().open_session(app, request)

        def save_session(self, app, session, response) -> None:
            if is_public_path(request.path):
                return None
            return super().save_session(app, session, response)

    app.session_interface = CookielessPublicPages()


def _language() -> str:
    return str(get_locale() or "ru")


def _filters() -> tuple[str | None, int | None]:
    region = request.args.get("region") or None
    if region is not None and region not in REGIONS:
        abort(404)
    election = request.args.get("election", type=int)
    if election is not None and not 0 < election < 2**31:
        abort(404)
    return region, election


def _etag(name: str, key: tuple, fingerprint: str) -> str:
    """The version of one answer: what it shows (`key`), in which language, of which data."""
    raw = f"{MARKUP_VERSION}|{name}|{key}|{_language()}|{fingerprint}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _not_modified(etag: str, latest: datetime | None) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return bool(since and latest and latest.replace(microsecond=0) <= since)


def cached(name: str, key: tuple, render, max_age: int = PAGE_MAX_AGE,
           mimetype: str | None = None):
    """Answer with caching headers; 304 when the client (or CDN) holds the current version.
    `render(fingerprint)` builds the body only when it is needed."""
    fingerprint, latest = queries.stamp()
    etag = _etag(name, key, fingerprint)
    if _not_modified(etag, latest):
        response = current_app.response_class(status=304)
    else:
        response = make_response(render(fingerprint))
        if mimetype:
            response.mimetype = mimetype
    response.set_etag(etag)
    if latest is not None:
        response.last_modified = latest
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


def _live(election_id: int | None) -> bool:
    """Live mode: on polling day of the chosen (or any) election, or when asked for."""
    if request.args.get("live") == "1":
        return True
    today = datetime.now(ZoneInfo("Asia/Almaty")).date()
    stmt = select(Election.id).where(Election.polling_day == today)
    if election_id:
        stmt = stmt.where(Election.id == election_id)
    return db.session.scalar(stmt.limit(1)) is not None


def _elections() -> list[Election]:
    return list(db.session.scalars(select(Election).order_by(Election.polling_day.desc())))


def _common() -> dict:
    return {"region_name": region_name, "platform_of": video_platform,
            "platform_names": PLATFORM_NAMES, "first_photo": queries.first_photo,
            "summary": summary}


def summary(text: str, limit: int = 200) -> str:
    """A text on one line, cut at a word near `limit` characters."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


@public_bp.get("/updates")
def index():
    region, election_id = _filters()
    number = request.args.get("page", 1, type=int)

    def render(fingerprint):
        page = queries.timeline(region, election_id, page=number)
        live = _live(election_id)
        live_args = {k: v for k, v in (("region", region), ("election", election_id),
                                       ("lang", request.args.get("lang"))) if v}
        return render_template(
            "updates/public/index.html", page=page, region=region, election_id=election_id,
            regions=REGIONS, elections=_elections(), live=live,
            live_url=url_for("updates_public.live", **live_args),
            live_etag=_etag("live", (region, election_id), fingerprint), **_common())
    today = datetime.now(ZoneInfo("Asia/Almaty")).date()  # live mode follows polling day
    return cached("index", (region, election_id, number, request.args.get("live"), today),
                  render)


@public_bp.get("/updates/live")
def live():
    """The first page's items as an HTML fragment: what the live page polls (304 if unchanged)."""
    region, election_id = _filters()

    def render(_fingerprint):
        page = queries.timeline(region, election_id)
        return render_template("updates/public/_items.html", page=page, **_common())
    return cached("live", (region, election_id), render, max_age=LIVE_MAX_AGE)


@public_bp.get("/updates/<int:post_id>")
def post(post_id: int):
    item = queries.public_post(post_id) or abort(404)

    def render(_fingerprint):
        photo = queries.first_photo(item)
        return render_template("updates/public/post.html", post=item, photo=photo,
                               page_url=url_for("updates_public.post", post_id=item.id,
                                                _external=True), **_common())
    return cached("post", (post_id,), render)


@public_bp.get("/updates/briefings/<int:briefing_id>")
def briefing(briefing_id: int):
    item = queries.public_briefing(briefing_id) or abort(404)

    def render(_fingerprint):
        return render_template("updates/public/briefing.html", briefing=item,
                               figures=headline_figures(item.figures or {}),
                               page_url=url_for("updates_public.briefing", briefing_id=item.id,
                                                _external=True), **_common())
    return cached("briefing", (briefing_id,), render)


def headline_figures(figures: dict) -> dict:
    """The public numbers of a published briefing: counts only, never an incident's words."""
    coverage = figures.get("coverage") or {}
    totals = (figures.get("incidents") or {}).get("totals") or {}
    turnout = [row for row in figures.get("turnout") or [] if row.get("stations")]
    protocols = figures.get("protocols") or {}
    return {"stations": coverage.get("stations", 0),
            "stations_present": coverage.get("stations_present", 0),
            "observers_present": coverage.get("observers_present", 0),
            "incidents": totals.get("total", 0), "verified": totals.get("verified", 0),
            "turnout": turnout[-1] if turnout else None,
            "protocols": protocols.get("received", 0),
            "protocol_mismatches": protocols.get("flagged", 0)}


def _entries(page) -> list[dict]:
    host = request.host.split(":")[0]
    entries = []
    for item in page.items:
        obj = item.obj
        if item.kind == "post":
            url = url_for("updates_public.post", post_id=obj.id, _external=True)
            updated = max(obj.updated_at, obj.publish_at)
            text, author = obj.body, (region_name(obj.region) if obj.region else _("HQ"))
        else:
            url = url_for("updates_public.briefing", briefing_id=obj.id, _external=True)
            updated = obj.published_at
            text, author = obj.narrative, _("HQ")
        entries.append({"id": f"tag:{host},2026:{item.kind}-{obj.id}",
                        "title": obj.title or _("Briefing"), "url": url,
                        "updated": updated.astimezone(UTC), "published": item.at.astimezone(UTC),
                        "summary": summary(text, 600), "author": author,
                        "category": obj.region or "national"})
    return entries


def _feed(region: str | None):
    def render(_fingerprint):
        page = queries.timeline(region, None, per_page=FEED_SIZE, pinned_first=False)
        entries = _entries(page)
        updated = max((e["updated"] for e in entries),
                      default=datetime.combine(date(2026, 1, 1), datetime.min.time(), UTC))
        host = request.host.split(":")[0]
        title = _("Observe: updates")
        if region:
            title = f"{title} · {region_name(region)}"
        self_url = (url_for("updates_public.region_feed", region=region, _external=True)
                    if region else url_for("updates_public.feed", _external=True))
        return feeds.atom(
            feed_id=f"tag:{host},2026:updates" + (f"-{region}" if region else ""),
            title=title, self_url=self_url,
            page_url=url_for("updates_public.index", region=region, _external=True),
            author=_("Observe HQ"), updated=updated, entries=entries, language=_language())
    return cached("feed", (region,), render, mimetype="application/atom+xml")


@public_bp.get("/updates.atom")
def feed():
    region, _election = _filters()
    return _feed(region)


@public_bp.get("/updates/regions/<region>.atom")
def region_feed(region: str):
    if region not in REGIONS:
        abort(404)
    return _feed(region)


@public_bp.get("/updates/media/<int:media_id>")
def media(media_id: int):
    item = queries.public_media(media_id) or abort(404)
    original = original_of(item)
    if item.kind == "video":
        response = send_file(original, mimetype=item.content_type, conditional=True)
    else:
        copy = public_copy(original) or abort(404)
        response = send_file(copy, mimetype="image/jpeg", conditional=True)
    response.cache_control.public = True
    response.cache_control.max_age = MEDIA_MAX_AGE
    return response
