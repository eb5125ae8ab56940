"""No personal data on the public side: every public page, item page, feed and the live
fragment is crawled on the demo data (whose observers carry IINs, phones and e-mails) and
scanned for valid IINs, Kazakh mobile numbers in any formatting and e-mail addresses."""

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

from sqlalchemy import select

from observe.branches.regions import REGIONS
from observe.demo import seed_demo
from observe.extensions import db
from observe.observers.models import Observer
from observe.observers.rules import birth_date_from_iin, iin_control_digit
from observe.updates import services
from observe.updates.models import Post
from observe.updates.public import is_public_path
from tests.observers.factories import valid_iin

TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")
# +7 / 8 / 7, then a 7xx mobile code and seven digits, with any spaces, dashes, dots, brackets.
SEP = r"[\s\-.()\u00a0]*"
KZ_MOBILE = re.compile(rf"(?<!\d)(?:\+{SEP}7|8|7){SEP}\(?7\d{SEP}\d\)?{SEP}\d{SEP}\d{SEP}\d"
                       rf"{SEP}\d{SEP}\d{SEP}\d{SEP}\d(?!\d)")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
HREF = re.compile(r'(?:href|src)="([^"]+)"')


def personal_data(text: str) -> list[str]:
    """What in a text looks like an IIN (checksum and date valid), a KZ mobile or an e-mail."""
    text = unescape(text)
    found = [m for m in TWELVE_DIGITS.findall(text)
             if iin_control_digit(m[:11]) == int(m[11]) and birth_date_from_iin(m)]
    found += KZ_MOBILE.findall(text)
    found += EMAIL.findall(text)
    return found


def test_the_scanner_finds_what_it_looks_for(app):
    iin = valid_iin()
    for text in (f"IIN {iin}.", "+7 701 234 56 78", "+7(701)234-56-78", "87012345678",
                 "+77012345678", "8 (701) 234 56 78", "7 701 234-56-78", "write to a.b@mail.kz"):
        assert personal_data(text), text
    for text in ("station 001", "2026-12-02T11:36:51Z", "ballots 123456789012x",
                 iin[:11] + str((int(iin[11]) + 1) % 10), "+7 495 123 45 67"):
        assert personal_data(text) == [], text


def crawl(client, starts: list[str], limit: int = 400) -> dict[str, str]:
    """Every public URL reachable from `starts` (same site, public paths), with its body."""
    seen, queue = {}, list(starts)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        body = response.get_data(as_text=True) if response.mimetype.startswith(
            ("text/", "application/atom")) else ""
        seen[url] = body
        for link in HREF.findall(body):
            link = unescape(link)
            parts = urlsplit(urljoin("http://localhost" + url, link))
            if parts.netloc != "localhost" or not is_public_path(parts.path) \
                    or parts.path.startswith("/updates/media/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append(target)
    return seen


def test_no_personal_data_on_any_public_page_or_feed(app, client):
    seed_demo("demo-password-123")
    db.session.commit()
    # the demo holds personal data internally: the scan has something to miss
    observers = db.session.scalars(select(Observer)).all()
    inside = " ".join(f"{o.iin} {o.phone} {o.email}" for o in observers)
    assert len(personal_data(inside)) >= len(observers)
    assert db.session.scalar(select(Post).where(Post.status == "published")) is not None

    starts = ["/updates", "/updates?lang=en", "/updates?lang=kk", "/updates.atom",
              "/updates/live", "/updates?live=1"]
    starts += [f"/updates?region={code}" for code in REGIONS]
    starts += [f"/updates/regions/{code}.atom" for code in REGIONS]
    pages = crawl(client, starts)
    item_pages = [url for url in pages if re.match(r"^/updates/(\d+|briefings/\d+)", url)]
    assert len(item_pages) >= 4, sorted(pages)
    leaks = {url: personal_data(body) for url, body in pages.items() if personal_data(body)}
    assert leaks == {}


def test_a_post_that_names_a_phone_is_caught_by_the_scan(app, client, world, make_post):
    """The scan would catch a leak: a post quoting a phone shows up in it (HQ must edit it out
    before publishing; the page only shows what HQ approved)."""
    post = make_post(to="published", body="Call the observer on +7 (701) 234-56-78.")
    pages = crawl(client, ["/updates", f"/updates/{post.id}", "/updates.atom"])
    assert any(personal_data(body) for body in pages.values())
    services.update_post(post, title=post.title, body="Call HQ.", actor=world.hq)
    db.session.commit()
    pages = crawl(client, ["/updates", f"/updates/{post.id}", "/updates.atom"])
    assert not any(personal_data(body) for body in pages.values())
