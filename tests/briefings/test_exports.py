"""Exports of a briefing: the print page, PDF (text extracted with pypdf, Kazakh letters
included), XLSX (opened with openpyxl, a sheet per table), CSV of the incidents behind it and
the text for Telegram; none carries an observer's name; scope holds on every one."""

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from observe.briefings import services
from observe.extensions import db
from tests.briefings.conftest import local

KAZAKH_TEXT = "Сайлау учаскелерінің 2-інде байқаушылар болды; Өңір, ұйым, қағаз, һ, ғ, ү, і."


@pytest.fixture
def published(briefing_day, make_user):
    hq = make_user("hq")
    briefing = services.create_briefing(briefing_day.election, region="", cutoff=local(14),
                                        language="en", title="Two o'clock", actor=hq)
    services.update_briefing(briefing, narrative="Staff text. " + KAZAKH_TEXT,
                             title="Two o'clock", cutoff=local(14), language="en", actor=hq)
    services.review_briefing(briefing, actor=hq)
    services.publish_briefing(briefing, actor=hq)
    db.session.commit()
    return briefing


def no_observer(text, briefing_day):
    for observer in briefing_day.observers.values():
        assert observer.full_name not in text
        assert (observer.phone or "+") not in text


def test_pdf(client, login, briefing_day, published):
    login("hq")
    response = client.get(f"/briefings/{published.id}/briefing.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    assert "Two o'clock: the whole country, as of 15.03.2026 14:00" in flat
    for word in ("учаскелерінің", "Өңір", "ұйым", "қағаз"):
        assert word in flat
    assert "Ballot stuffing" in flat and "Incident i1 at K1" in flat
    no_observer(text, briefing_day)


def test_xlsx(client, login, briefing_day, published):
    login("hq")
    response = client.get(f"/briefings/{published.id}/briefing.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Text", "Coverage", "Turnout", "Incidents", "Serious incidents",
                               "Checklists", "Protocols"]
    assert book["Text"]["A2"].value.startswith("Staff text.")
    coverage = {row[0]: row[1] for row in book["Coverage"].iter_rows(min_row=2, values_only=True)}
    assert coverage["Polling stations"] == 5
    assert coverage["Stations with an observer present"] == 2
    incidents = list(book["Incidents"].iter_rows(values_only=True))
    assert incidents[0] == ("Category", "Region", "Verified", "Not yet verified", "Rejected",
                            "Total")
    assert ("Ballot stuffing", "Karaganda Region", 1, 0, 1, 2) in incidents
    turnout = {row[0]: row for row in book["Turnout"].iter_rows(min_row=2, values_only=True)}
    assert turnout["10:00"][1:] == (2, 200, 2000, 10)
    no_observer(str([list(s.values) for s in book.worksheets]), briefing_day)


def test_csv_of_the_incidents_behind_it(client, login, briefing_day, published):
    login("hq")
    response = client.get(f"/briefings/{published.id}/briefing.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Reference"
    # i1..i4 (i5 is a duplicate, i6 came after the cut-off).
    assert [row[0] for row in rows[1:]] == [f"I-{briefing_day.incidents[k].id}"
                                           for k in ("i1", "i2", "i3", "i4")]
    assert rows[1][1] == "2026-03-15 09:00" and rows[1][4] == "K1"
    no_observer(response.data.decode("utf-8-sig"), briefing_day)


def test_telegram_text_and_print(client, login, briefing_day, published):
    login("hq")
    text = client.get(f"/briefings/{published.id}/briefing.txt")
    assert text.mimetype == "text/plain"
    body = text.get_data(as_text=True)
    assert body.startswith("Two o'clock: the whole country, as of 15.03.2026 14:00")
    assert "Stations with an observer present: 2 of 5" in body and len(body) <= 4096
    page = client.get(f"/briefings/{published.id}/print").get_data(as_text=True)
    assert "Staff text." in page and "js/print.js" in page and "<svg" in page
    assert "navbar" not in page and "style=" not in page


def test_a_kazakh_briefing_exports_in_kazakh(client, login, briefing_day, make_user):
    hq = make_user("hq")
    briefing = services.create_briefing(briefing_day.election, region="karaganda",
                                        cutoff=local(14), language="kk", actor=hq)
    db.session.commit()
    login("hq")
    response = client.get(f"/briefings/{briefing.id}/briefing.pdf")
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    # The interface text is whatever the kk catalog says; the region's name is in it either way.
    assert "15.03.2026 14:00" in text


@pytest.mark.parametrize("suffix", ["print", "briefing.pdf", "briefing.xlsx", "briefing.csv",
                                    "briefing.txt"])
def test_scope_on_exports(client, login, briefing_day, published, suffix):
    login("coordinator", branch=briefing_day.branches["karaganda"])
    assert client.get(f"/briefings/{published.id}/{suffix}").status_code == 404
    client.post("/logout")
    login("observer")
    assert client.get(f"/briefings/{published.id}/{suffix}").status_code == 403
