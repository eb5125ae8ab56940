"""The Atom feed (RFC 4287) of the public timeline, written with ElementTree so every text is
escaped: feed id, title, updated, author, links self and alternate; each entry with its id,
title, updated, published, link, summary and author (the region or HQ, never a person)."""

from datetime import datetime
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


def _text(parent, tag: str, text: str, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element


def _link(parent, href: str, rel: str, type_: str = "text/html") -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "href": href, "type": type_})


def _when(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def atom(*, feed_id: str, title: str, self_url: str, page_url: str, author: str,
         updated: datetime, entries: list[dict], language: str) -> bytes:
    """The feed as UTF-8 XML; entries are dicts of id, title, url, updated, published,
    summary and author."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", _when(updated))
    author_element = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author_element, "name", author)
    _link(feed, self_url, "self", "application/atom+xml")
    _link(feed, page_url, "alternate")
    _text(feed, "generator", "Observe")
    for item in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", item["id"])
        _text(entry, "title", item["title"])
        _text(entry, "updated", _when(item["updated"]))
        _text(entry, "published", _when(item["published"]))
        _link(entry, item["url"], "alternate")
        entry_author = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(entry_author, "name", item["author"])
        if item.get("category"):
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": item["category"]})
        _text(entry, "summary", item["summary"], type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
