"""The Atom feeds, parsed as XML and checked against RFC 4287's rules: the feed's id, title,
updated, author and links; each entry's id, title, updated, alternate link and summary;
RFC 3339 dates; unique absolute ids; the per-region feed holds only its region."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from observe.common.db import utcnow
from observe.extensions import db

NS = {"a": "http://www.w3.org/2005/Atom"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _one(parent, tag) -> ET.Element:
    found = parent.findall(f"a:{tag}", NS)
    assert len(found) == 1, f"{parent.tag} must have exactly one atom:{tag}, has {len(found)}"
    return found[0]


def _date(element) -> datetime:
    assert RFC3339.match(element.text), element.text
    return datetime.fromisoformat(element.text.replace("Z", "+00:00"))


def _iri(text: str) -> None:
    assert urlsplit(text).scheme, f"{text!r} is not an absolute IRI"


def check_atom(body: bytes) -> ET.Element:
    """Parse a feed and assert the rules of RFC 4287 it must follow; return the root."""
    root = ET.fromstring(body)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    _iri(_one(root, "id").text)
    assert _one(root, "title").text
    _date(_one(root, "updated"))
    links = root.findall("a:link", NS)
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    assert len(alternates) == 1 and urlsplit(alternates[0].get("href")).scheme == "http"
    selfs = [link for link in links if link.get("rel") == "self"]
    assert len(selfs) == 1 and selfs[0].get("type") == "application/atom+xml"
    feed_author = root.findall("a:author", NS)
    for author in feed_author:
        assert _one(author, "name").text
    ids = set()
    for entry in root.findall("a:entry", NS):
        entry_id = _one(entry, "id").text
        _iri(entry_id)
        assert entry_id not in ids
        ids.add(entry_id)
        assert _one(entry, "title").text
        updated = _date(_one(entry, "updated"))
        published = entry.findall("a:published", NS)
        assert len(published) <= 1 and (not published or _date(published[0]) <= updated)
        # no atom:content, so an alternate link and a summary are required (4.1.1, 4.1.2)
        assert not entry.findall("a:content", NS)
        assert [link for link in entry.findall("a:link", NS)
                if link.get("rel", "alternate") == "alternate"]
        assert _one(entry, "summary").get("type", "text") in ("text", "html", "xhtml")
        # every entry has an author, or the feed has one (4.1.1)
        assert feed_author or entry.findall("a:author", NS)
    return root


def test_feed_follows_rfc4287(client, world, make_post):
    for n in range(3):
        make_post(to="published", title=f"Post {n} <&> \"quoted\"", body="Text & more")
    make_post(to="submitted", title="Not public")
    response = client.get("/updates.atom?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = check_atom(response.data)
    titles = [e.find("a:title", NS).text for e in root.findall("a:entry", NS)]
    assert sorted(titles) == [f'Post {n} <&> "quoted"' for n in range(3)]
    entry = root.find("a:entry", NS)
    link = entry.find("a:link", NS).get("href")
    assert re.fullmatch(r"http://localhost/updates/\d+", link)
    assert client.get(urlsplit(link).path).status_code == 200


def test_feed_is_newest_first_and_includes_published_briefings(client, world, make_post):
    from observe.briefings import services as briefings

    old = make_post(to="published", title="Older")
    old.publish_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    briefing = briefings.create_briefing(world.election, region="", cutoff=utcnow(),
                                         language="en", title="HQ at noon", actor=world.hq)
    briefings.review_briefing(briefing, actor=world.hq)
    briefings.publish_briefing(briefing, actor=world.hq)
    db.session.commit()
    root = check_atom(client.get("/updates.atom").data)
    titles = [e.find("a:title", NS).text for e in root.findall("a:entry", NS)]
    assert titles == ["HQ at noon", "Older"]
    updated = _date(root.find("a:updated", NS))
    assert updated >= max(_date(e.find("a:updated", NS)) for e in root.findall("a:entry", NS))


def test_region_feed_holds_only_its_region(client, world, make_post):
    make_post(to="published", title="From Karaganda")
    make_post(to="published", region="almaty", title="From Almaty")
    root = check_atom(client.get("/updates/regions/almaty.atom").data)
    titles = [e.find("a:title", NS).text for e in root.findall("a:entry", NS)]
    assert titles == ["From Almaty"]
    assert root.find("a:link[@rel='self']", NS).get("href") == \
        "http://localhost/updates/regions/almaty.atom"
    assert root.find("a:id", NS).text != check_atom(client.get("/updates.atom").data) \
        .find("a:id", NS).text
    assert client.get("/updates/regions/atlantis.atom").status_code == 404


def test_an_empty_feed_is_still_valid(client, world):
    root = check_atom(client.get("/updates.atom").data)
    assert root.findall("a:entry", NS) == []
