"""The public updates page: what is shown (published, in time, filtered, paginated, pinned
first, with published briefings), item pages with share links and Open Graph tags, live mode,
media without metadata, and the caching rules that make it safe behind a CDN."""

import io
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from PIL import Image

from observe.common.db import utcnow
from observe.extensions import db
from observe.updates import services
from observe.updates.models import Post
from tests.updates.conftest import photo


class Meta(HTMLParser):
    """The <meta> tags and the script sources of a page."""

    def __init__(self):
        super().__init__()
        self.meta, self.scripts, self.links = {}, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content")
        elif tag == "script":
            self.scripts.append(attrs.get("src"))
        elif tag == "a":
            self.links.append(attrs.get("href") or "")


def parsed(response) -> Meta:
    meta = Meta()
    meta.feed(response.get_data(as_text=True))
    return meta


def test_only_published_posts_whose_time_has_come(client, world, make_post):
    make_post(to="published", title="Public one")
    make_post(to="submitted", title="Waiting one")
    make_post(to="returned", title="Returned one")
    make_post(to="approved", title="Approved one")
    later = make_post(to="published", title="Scheduled one",
                      publish_at=utcnow() + timedelta(hours=2))
    withdrawn = make_post(to="published", title="Withdrawn one")
    services.withdraw_post(withdrawn, actor=world.hq)
    db.session.commit()
    html = client.get("/updates?lang=en").get_data(as_text=True)
    assert "Public one" in html
    for hidden in ("Waiting one", "Returned one", "Approved one", "Scheduled one",
                   "Withdrawn one"):
        assert hidden not in html
    assert client.get(f"/updates/{later.id}").status_code == 404
    assert client.get(f"/updates/{withdrawn.id}").status_code == 404
    # once its time comes, the scheduled post is shown
    later.publish_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "Scheduled one" in client.get("/updates?lang=en").get_data(as_text=True)
    assert client.get(f"/updates/{later.id}").status_code == 200


def test_newest_first_pinned_on_top_filters_and_pages(client, world, make_post):
    start = utcnow() - timedelta(hours=3)
    for n in range(25):
        post = make_post(to="published", title=f"Karaganda post {n:02d}")
        post.publish_at = start + timedelta(minutes=n)
    for n in range(3):
        post = make_post(to="published", region="almaty", title=f"Almaty post {n}")
        post.publish_at = start + timedelta(minutes=100 + n)
    pinned = db.session.query(Post).filter(Post.title == "Karaganda post 00").one()
    services.pin_post(pinned, pinned=True, actor=world.hq)
    db.session.commit()

    first = client.get("/updates?lang=en").get_data(as_text=True)
    titles = re.findall(r"(Karaganda post \d+|Almaty post \d)</a>", first)
    assert titles[:4] == ["Karaganda post 00", "Almaty post 2", "Almaty post 1", "Almaty post 0"]
    assert len(titles) == 20 and "Page 1 of 2" in first
    second = client.get("/updates?lang=en&page=2").get_data(as_text=True)
    assert re.findall(r"(Karaganda post \d+)</a>", second) == [
        f"Karaganda post {n:02d}" for n in range(8, 0, -1)]

    almaty = client.get("/updates?region=almaty&lang=en").get_data(as_text=True)
    assert "Almaty post 0" in almaty and "Karaganda post" not in almaty
    other = db.session.get(type(world.election), world.election.id)
    assert other is not None
    by_election = client.get(f"/updates?election={world.election.id}&lang=en")
    assert "Karaganda post 24" in by_election.get_data(as_text=True)
    none = client.get(f"/updates?election={world.election.id + 1000}&lang=en")
    assert "Nothing is published here yet." in none.get_data(as_text=True)
    assert client.get("/updates?region=atlantis").status_code == 404


def test_published_briefings_appear_and_drafts_do_not(client, world, make_post):
    from observe.briefings import services as briefings

    make_post(to="published", title="A post")
    draft = briefings.create_briefing(world.election, region="", cutoff=utcnow(),
                                      language="en", title="Draft briefing", actor=world.hq)
    public = briefings.create_briefing(world.election, region="karaganda", cutoff=utcnow(),
                                       language="en", title="Noon briefing", actor=world.hq)
    briefings.review_briefing(public, actor=world.hq)
    briefings.publish_briefing(public, actor=world.hq)
    db.session.commit()
    html = client.get("/updates?lang=en").get_data(as_text=True)
    assert "Noon briefing" in html and "A post" in html and "Draft briefing" not in html
    assert html.index("Noon briefing") < html.index("A post")  # newest first
    page = client.get(f"/updates/briefings/{public.id}?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Stations with observers present" in text and public.narrative[:40] in text
    assert client.get(f"/updates/briefings/{draft.id}").status_code == 404
    assert "Noon briefing" in client.get("/updates?region=karaganda").get_data(as_text=True)
    assert "Noon briefing" not in client.get("/updates?region=almaty").get_data(as_text=True)


def test_item_page_share_links_and_open_graph(client, world, make_post):
    post = make_post(to="published", title="Station 101 opened on time",
                     body="All stations of the district opened at 07:00. " * 10,
                     photos=[photo()], video_url="https://youtu.be/abc")
    response = client.get(f"/updates/{post.id}?lang=en")
    page = parsed(response)
    assert page.meta["og:title"] == "Station 101 opened on time"
    assert page.meta["og:description"].startswith("All stations of the district")
    assert len(page.meta["og:description"]) <= 201
    assert page.meta["og:image"] == f"http://localhost/updates/media/{post.media[0].id}"
    assert page.meta["og:url"] == f"http://localhost/updates/{post.id}"
    assert page.meta["og:type"] == "article"
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["twitter:title"] == "Station 101 opened on time"
    assert page.meta["twitter:image"] == page.meta["og:image"]
    shares = [link for link in page.links if "share" in link or "intent" in link
              or "wa.me" in link or "sharer" in link]
    assert any(link.startswith("https://t.me/share/url?url=http%3A//localhost/updates/")
               or link.startswith("https://t.me/share/url?url=http%3A%2F%2Flocalhost")
               for link in shares)
    assert any(link.startswith("https://www.facebook.com/sharer/sharer.php?u=") for link in shares)
    assert any(link.startswith("https://x.com/intent/post?url=") for link in shares)
    assert any(link.startswith("https://wa.me/?text=") for link in shares)
    assert "https://youtu.be/abc" in page.links
    # no third-party script: every script is our own static file
    assert all(src and src.startswith("/static/") for src in page.scripts)


def test_a_post_without_a_photo_still_has_an_absolute_image(client, make_post):
    post = make_post(to="published")
    page = parsed(client.get(f"/updates/{post.id}"))
    assert re.match(r"http://localhost/static/img/updates-card\.png", page.meta["og:image"])
    assert page.meta["twitter:card"] == "summary"


def test_public_photo_is_re_encoded_without_location(client, make_post):
    post = make_post(to="published", photos=[photo(size=(3000, 2000))])
    response = client.get(f"/updates/media/{post.media[0].id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "public" in response.headers["Cache-Control"]
    image = Image.open(io.BytesIO(response.data))
    assert max(image.size) == 1600
    exif = image.getexif()
    assert 0x8825 not in exif and 0x010F not in exif  # no GPS, no maker
    hidden = services.submit_post(region="karaganda", title="Hidden", photos=[photo()],
                                  actor=post.created_by)
    db.session.commit()
    assert client.get(f"/updates/media/{hidden.media[0].id}").status_code == 404


@pytest.mark.parametrize("path", ["/updates", "/updates?lang=en", "/updates/{post}",
                                  "/updates.atom", "/updates/regions/karaganda.atom",
                                  "/updates/live", "/updates/media/{media}"])
def test_public_answers_are_cdn_safe(client, login, world, make_post, path):
    post = make_post(to="published", photos=[photo()])
    url = path.format(post=post.id, media=post.media[0].id)
    for signed_in in (False, True):
        if signed_in:
            login(user=world.hq)
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
        cache = response.headers["Cache-Control"]
        assert "public" in cache and "max-age=" in cache and "no-store" not in cache, url
        assert response.headers.get("ETag") or response.headers.get("Last-Modified"), url


def test_public_page_is_the_same_for_a_signed_in_visitor(client, login, world, make_post):
    make_post(to="published")
    anonymous = client.get("/updates?lang=en").get_data(as_text=True)
    login(user=world.hq)
    assert client.get("/updates?lang=en").get_data(as_text=True) == anonymous
    assert world.hq.email not in anonymous


def test_etag_and_last_modified_answer_304(client, world, make_post):
    post = make_post(to="published")
    first = client.get("/updates")
    etag = first.headers["ETag"]
    again = client.get("/updates", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and "public" in again.headers["Cache-Control"]
    since = client.get("/updates", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other_language = client.get("/updates?lang=en", headers={"If-None-Match": etag})
    assert other_language.status_code == 200
    # a change to a public post changes the version
    services.update_post(post, title="Corrected title", actor=world.hq)
    db.session.commit()
    changed = client.get("/updates", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Corrected title" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag
    item = client.get(f"/updates/{post.id}")
    assert client.get(f"/updates/{post.id}",
                      headers={"If-None-Match": item.headers["ETag"]}).status_code == 304


def test_live_mode_on_polling_day_polls_a_cheap_fragment(client, world, make_post,
                                                         make_election):
    make_post(to="published", title="Morning post")
    calm = client.get("/updates?lang=en").get_data(as_text=True)
    assert "data-live-url" not in calm and "updates/live.js" not in calm
    from datetime import datetime
    from zoneinfo import ZoneInfo

    make_election(name="Today", polling_day=datetime.now(ZoneInfo("Asia/Almaty")).date())
    page = client.get("/updates?lang=en")
    html = page.get_data(as_text=True)
    assert 'data-live-url="/updates/live?lang=en"' in html and "updates/live.js" in html
    etag = re.search(r'data-live-etag="([^"]+)"', html).group(1).replace("&#34;", '"') \
        .replace("&quot;", '"')
    fragment = client.get("/updates/live?lang=en", headers={"If-None-Match": etag})
    assert fragment.status_code == 304  # nothing new since the page was rendered
    make_post(to="published", title="Noon post")
    fresh = client.get("/updates/live?lang=en", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "Noon post" in fresh.get_data(as_text=True)
    assert "<html" not in fresh.get_data(as_text=True)
    assert "max-age=10" in fresh.headers["Cache-Control"]
