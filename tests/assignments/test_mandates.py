"""Mandate letters: the print-ready page, the PDF (one A4 page per observer), who may print them."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from observe.assignments.mandates import mandate_data, mandate_pdf
from observe.assignments.services import Proposal, assign_observer, withdraw_assignment
from observe.audit.models import AuditEntry
from observe.extensions import db

PAGE = re.compile(rb"/Type\s*/Page\b")  # a page object, not the /Pages tree


@pytest.fixture
def world(make_branch, make_user, make_election, make_station, make_certified):
    """A Karaganda branch with its coordinator and two observers assigned to two stations."""
    branch = make_branch(region="karaganda")
    coordinator = make_user("coordinator", branch=branch)
    election = make_election(name="Mazhilis and maslikhat elections 2026")
    first = make_station(election, number="0912", address="Erubaeva St 1",
                         premises="School No. 5")
    second = make_station(election, number="0913", address="Bukhar Zhyrau Ave 40")
    observers = [make_certified(branch, full_name="Dana Bokeikhan"),
                 make_certified(branch, full_name="Серік Әбілқасымұлы")]
    assignments = [
        assign_observer(Proposal(observers[0], first, "stationary", "full_day"),
                        actor=coordinator),
        assign_observer(Proposal(observers[1], second, "mobile", "morning"), actor=coordinator),
    ]
    db.session.commit()
    return branch, coordinator, election, assignments


def pdf_text(body: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def audit_entries() -> list[AuditEntry]:
    return db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "assignment.mandate_pdf")).scalars().all()


def test_the_letter_says_who_goes_where(world, app):
    _, _, election, (assignment, _) = world
    with app.test_request_context():
        letter = mandate_data(assignment)
    assert letter["observer_name"] == "Dana Bokeikhan"
    assert letter["observer_iin"] == assignment.observer.iin
    assert letter["station_number"] == "0912"
    assert letter["station_address"] == "Erubaeva St 1, School No. 5"
    assert letter["association"]["name"] == app.config["ASSOCIATION_NAME"]
    assert (letter["title"], letter["title_kk"]) == ("НАПРАВЛЕНИЕ", "ЖОЛДАМА")
    assert election.name in letter["body"] and "№ 0912" in letter["body"]


def test_the_pdf_has_one_page_per_assignment(world, app):
    _, _, _, assignments = world
    with app.test_request_context():
        body = mandate_pdf(assignments, compress=False)
    assert body.startswith(b"%PDF")
    assert len(PAGE.findall(body)) == 2
    pages = pdf_text(body)
    for assignment, text in zip(assignments, pages, strict=True):
        assert assignment.observer.full_name in text
        assert assignment.observer.iin in text
        assert f"№ {assignment.station.number}" in text
    assert "НАПРАВЛЕНИЕ" in pages[0] and "ЖОЛДАМА" in pages[0]


def test_the_page_shows_one_letter_print_ready(world, login, client):
    _, coordinator, election, (assignment, _) = world
    login(user=coordinator)
    response = client.get(f"/assignments/mandates/{assignment.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("Dana Bokeikhan", assignment.observer.iin, "№ 0912", "Erubaeva St 1",
                 election.name, "НАПРАВЛЕНИЕ", "ЖОЛДАМА", "data-print",
                 "css/print.css", "js/print.js", f"/assignments/mandates/{assignment.id}.pdf"):
        assert text in html
    assert html.count('class="mandate"') == 1
    # The CSP allows neither inline styles nor inline scripts, and no CDN.
    assert " style=" not in html and "<script>" not in html and "cdn" not in html.lower()
    assert 'class="navbar' not in html


def test_the_election_page_has_every_letter_of_the_branch(world, login, client):
    _, coordinator, election, assignments = world
    login(user=coordinator)
    html = client.get(f"/assignments/{election.id}/mandates").get_data(as_text=True)
    assert html.count('class="mandate"') == 2
    assert "Dana Bokeikhan" in html and "Серік Әбілқасымұлы" in html
    # The whole pile is made by a background job: the page's button queues it.
    assert f'action="/assignments/{election.id}/mandates/job?branch_id=' in html


def test_pdf_downloads_are_audited(world, login, client):
    _, coordinator, election, (assignment, _) = world
    login(user=coordinator)
    one = client.get(f"/assignments/mandates/{assignment.id}.pdf")
    assert one.status_code == 200 and one.mimetype == "application/pdf"
    assert one.data.startswith(b"%PDF") and len(PAGE.findall(one.data)) == 1
    assert one.headers["Content-Disposition"].startswith("attachment")
    assert "Dana Bokeikhan" in pdf_text(one.data)[0]
    every = client.get(f"/assignments/{election.id}/mandates.pdf")
    assert every.status_code == 200 and len(PAGE.findall(every.data)) == 2
    entries = audit_entries()
    assert len(entries) == 2
    assert {entry.actor_id for entry in entries} == {coordinator.id}


def test_a_withdrawn_assignment_has_no_letter(world, login, client):
    _, coordinator, election, (assignment, other) = world
    withdraw_assignment(assignment, actor=coordinator)
    db.session.commit()
    login(user=coordinator)
    assert client.get(f"/assignments/mandates/{assignment.id}").status_code == 404
    assert client.get(f"/assignments/mandates/{assignment.id}.pdf").status_code == 404
    html = client.get(f"/assignments/{election.id}/mandates").get_data(as_text=True)
    assert "Dana Bokeikhan" not in html and other.observer.full_name in html


def test_a_coordinator_of_another_branch_gets_404(world, login, client, make_user, make_branch):
    branch, _, election, (assignment, _) = world
    login(user=make_user("coordinator", branch=make_branch(region="karaganda")))
    assert client.get(f"/assignments/mandates/{assignment.id}").status_code == 404
    assert client.get(f"/assignments/mandates/{assignment.id}.pdf").status_code == 404
    # ?branch_id= is ignored for a coordinator: their own branch's letters (none) are shown.
    named = client.get(f"/assignments/{election.id}/mandates?branch_id={branch.id}")
    assert named.status_code == 200 and "Dana Bokeikhan" not in named.get_data(as_text=True)
    assert client.get(f"/assignments/{election.id}/mandates.pdf?branch_id={branch.id}"
                      ).status_code == 404
    # Without a branch named, only their own (empty) branch: nothing of the other one.
    html = client.get(f"/assignments/{election.id}/mandates").get_data(as_text=True)
    assert "Dana Bokeikhan" not in html
    assert client.get(f"/assignments/{election.id}/mandates.pdf").status_code == 404
    assert audit_entries() == []


def test_an_admin_chooses_the_branch(world, login, client, make_branch):
    branch, _, election, (assignment, _) = world
    login("admin")
    assert client.get(f"/assignments/mandates/{assignment.id}").status_code == 200
    page = client.get(f"/assignments/{election.id}/mandates")
    assert page.status_code == 200 and 'name="branch_id"' in page.get_data(as_text=True)
    chosen = client.get(f"/assignments/{election.id}/mandates?branch_id={branch.id}")
    assert chosen.get_data(as_text=True).count('class="mandate"') == 2
    empty = make_branch(region="almaty")
    assert client.get(f"/assignments/{election.id}/mandates.pdf?branch_id={empty.id}"
                      ).status_code == 404
    response = client.get(f"/assignments/{election.id}/mandates.pdf?branch_id={branch.id}")
    assert response.status_code == 200 and len(PAGE.findall(response.data)) == 2


def test_the_observer_downloads_their_own_letter_only(world, login, client):
    _, _, election, (mine, theirs) = world
    login(user=mine.observer.user)
    response = client.get(f"/assignments/mine/{mine.id}/mandate.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "Dana Bokeikhan" in pdf_text(response.data)[0]
    assert client.get(f"/assignments/mine/{theirs.id}/mandate.pdf").status_code == 404
    assert client.get("/assignments/mine/999999/mandate.pdf").status_code == 404
    assert client.get(f"/assignments/mandates/{mine.id}.pdf").status_code == 403
    assert client.get(f"/assignments/{election.id}/mandates").status_code == 403
    assert len(audit_entries()) == 1


@pytest.mark.parametrize("role, status", [("hq", 403), ("observer", 403), (None, 302)])
def test_who_may_not_print(world, login, client, role, status):
    _, _, election, (assignment, _) = world
    if role:
        login(role)
    for path in (f"/assignments/mandates/{assignment.id}",
                 f"/assignments/mandates/{assignment.id}.pdf",
                 f"/assignments/{election.id}/mandates",
                 f"/assignments/{election.id}/mandates.pdf"):
        response = client.get(path)
        assert response.status_code == status, path
        if role is None:
            assert "/login" in response.location


@pytest.mark.parametrize("role, status", [("hq", 403), ("coordinator", 403), ("admin", 403),
                                          (None, 302)])
def test_only_observers_use_the_own_letter_route(world, login, client, role, status):
    _, _, _, (assignment, _) = world
    if role:
        login(role)
    response = client.get(f"/assignments/mine/{assignment.id}/mandate.pdf")
    assert response.status_code == status
    if role is None:
        assert "/login" in response.location


def _links(html: str, css: str) -> list[str]:
    return [link.replace("&amp;", "&")
            for link in re.findall(rf'class="[^"]*\b{css}\b[^"]*" href="([^"]+)"', html)]


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_the_board_links_every_letter(world, login, client, role):
    """The field trial: letters could not be reached from the coordinator's pages."""
    branch, coordinator, election, assignments = world
    if role == "coordinator":
        login(user=coordinator)
    else:
        login("admin")
    html = client.get(f"/assignments/{election.id}?branch_id={branch.id}&lang=en"
                      ).get_data(as_text=True)
    [print_page] = _links(html, "mandates-link")
    [all_pdf] = [action.replace("&amp;", "&") for action in re.findall(
        r'<form method="post" action="([^"]+)" class="d-inline">\s*<input[^>]+>\s*'
        r'<button type="submit" class="[^"]*\bmandates-pdf-job\b', html)]
    page = client.get(print_page)
    assert page.status_code == 200 and page.get_data(as_text=True).count('class="mandate"') == 2
    # Every letter in one PDF is a background job (inline here): its page, then its file.
    queued = client.post(all_pdf)
    assert queued.status_code == 302 and queued.location.startswith("/jobs/")
    job_page = client.get(queued.location).get_data(as_text=True)
    [download] = re.findall(r'href="(/jobs/\d+/download)"', job_page)
    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert len(PAGE.findall(pdf.data)) == 2

    letters, pdfs = _links(html, "mandate-link"), _links(html, "mandate-pdf-link")
    assert letters == [f"/assignments/mandates/{a.id}" for a in assignments]
    assert pdfs == [f"/assignments/mandates/{a.id}.pdf" for a in assignments]
    for letter, one in zip(letters, pdfs, strict=True):
        assert client.get(letter).get_data(as_text=True).count('class="mandate"') == 1
        response = client.get(one)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert len(PAGE.findall(response.data)) == 1


def test_no_letter_links_for_those_who_may_not_print(world, login, client):
    branch, _, election, _ = world
    login("hq")  # reads the board, but sees no IINs
    html = client.get(f"/assignments/{election.id}?branch_id={branch.id}").get_data(as_text=True)
    assert "/mandates" not in html
