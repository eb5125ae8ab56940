"""The recruitment funnel: counts per stage and conversion rates, by branch, channel, campaign."""

import re
from fractions import Fraction

import pytest
from flask_babel import refresh

from observe.extensions import db
from observe.observers.choices import Status
from observe.observers.funnel import funnel
from observe.observers.models import Observer

# (branch, channel, campaign, status, how many)
PEOPLE = [
    ("alpha", "telegram", "spring", "applied", 2),
    ("alpha", "telegram", "spring", "approved", 1),
    ("alpha", "telegram", "spring", "certified", 1),
    ("alpha", "telegram", "spring", "rejected", 1),
    ("alpha", "instagram", "", "applied", 1),
    ("alpha", "instagram", "", "approved", 1),
    ("alpha", "instagram", "", "withdrawn", 1),
    ("beta", "telegram", "spring", "approved", 1),
    ("beta", "telegram", "spring", "certified", 2),
    ("beta", "website", "autumn", "applied", 1),
    ("beta", "website", "autumn", "rejected", 1),
]

FIELDS = ("applied", "pending", "approved", "certified", "rejected", "withdrawn")


@pytest.fixture
def branches(make_branch):
    """Two branches with observers in several channels, campaigns and statuses."""
    made = {"alpha": make_branch(name="Alpha Oblast Branch"),
            "beta": make_branch(name="Beta City Branch", region="almaty")}
    number = 0
    for branch, channel, campaign, status, how_many in PEOPLE:
        for _ in range(how_many):
            number += 1
            db.session.add(Observer(branch=made[branch], full_name=f"Volunteer {number}",
                                    status=status, channel=channel, campaign=campaign))
    db.session.commit()
    return made


def table(rows) -> dict:
    """{label: (applied, pending, approved, certified, rejected, withdrawn)} in order."""
    return {row.label: tuple(getattr(row, name) for name in FIELDS) for row in rows}


def rates(rows) -> dict:
    return {row.label: (row.approval_rate, row.certification_rate) for row in rows}


def approx(value):
    return None if value is None else pytest.approx(float(value))


def as_user(app, user, group_by):
    with app.test_request_context("/?lang=en"):
        refresh()  # the test's app context may have cached another language
        return funnel(user, group_by)


def test_by_branch_for_hq(app, branches, make_user):
    rows = as_user(app, make_user("hq"), "branch")
    assert table(rows) == {
        "Alpha Oblast Branch": (8, 3, 3, 1, 1, 1),
        "Beta City Branch": (5, 1, 3, 2, 1, 0),
        "Total": (13, 4, 6, 3, 2, 1),
    }
    assert list(table(rows)) == ["Alpha Oblast Branch", "Beta City Branch", "Total"]
    assert rows[-1].is_total and not rows[0].is_total
    assert rates(rows) == {
        "Alpha Oblast Branch": (approx(Fraction(3, 8)), approx(Fraction(1, 3))),
        "Beta City Branch": (approx(Fraction(3, 5)), approx(Fraction(2, 3))),
        "Total": (approx(Fraction(6, 13)), approx(Fraction(1, 2))),
    }


def test_by_channel_labels_and_rates(app, branches, make_user):
    rows = as_user(app, make_user("admin"), "channel")
    assert table(rows) == {
        "Telegram": (8, 2, 5, 3, 1, 0),
        "Instagram": (3, 1, 1, 0, 0, 1),
        "Website": (2, 1, 0, 0, 1, 0),
        "Total": (13, 4, 6, 3, 2, 1),
    }
    assert [row.key for row in rows] == ["telegram", "instagram", "website", "total"]
    assert rates(rows) == {
        "Telegram": (approx(Fraction(5, 8)), approx(Fraction(3, 5))),
        "Instagram": (approx(Fraction(1, 3)), approx(0)),
        # Nobody approved: no certification rate rather than a division by zero.
        "Website": (approx(0), None),
        "Total": (approx(Fraction(6, 13)), approx(Fraction(1, 2))),
    }


def test_by_campaign_shows_a_dash_for_none(app, branches, make_user):
    rows = as_user(app, make_user("hq"), "campaign")
    assert table(rows) == {
        "spring": (8, 2, 5, 3, 1, 0),
        "—": (3, 1, 1, 0, 0, 1),
        "autumn": (2, 1, 0, 0, 1, 0),
        "Total": (13, 4, 6, 3, 2, 1),
    }


def test_coordinator_counts_only_their_branch(app, branches, make_user):
    coordinator = make_user("coordinator", branch=branches["alpha"])
    assert table(as_user(app, coordinator, "branch")) == {
        "Alpha Oblast Branch": (8, 3, 3, 1, 1, 1),
        "Total": (8, 3, 3, 1, 1, 1),
    }
    assert table(as_user(app, coordinator, "channel")) == {
        "Telegram": (5, 2, 2, 1, 1, 0),
        "Instagram": (3, 1, 1, 0, 0, 1),
        "Total": (8, 3, 3, 1, 1, 1),
    }


def test_no_observers_gives_a_zero_total(app, make_user):
    rows = as_user(app, make_user("hq"), "channel")
    assert table(rows) == {"Total": (0, 0, 0, 0, 0, 0)}
    assert rates(rows) == {"Total": (None, None)}


def test_unknown_grouping_is_refused(app, make_user):
    with pytest.raises(ValueError):
        as_user(app, make_user("hq"), "status")


def test_pipeline_changes_reach_the_funnel(app, make_branch, make_user, make_applicant):
    """Observers moved through the real services are counted by their current status."""
    branch = make_branch(name="Pipeline Branch")
    coordinator = make_user("coordinator", branch=branch)
    for number, (status, channel) in enumerate([
        (Status.APPLIED, "facebook"), (Status.APPROVED, "facebook"),
        (Status.CERTIFIED, "whatsapp"), (Status.REJECTED, "whatsapp"),
    ]):
        make_applicant(branch, status, actor=coordinator, channel=channel, campaign="",
                       email=f"funnel{number}@example.org")
    assert table(as_user(app, coordinator, "channel")) == {
        "Facebook": (2, 1, 1, 0, 0, 0),
        "WhatsApp": (2, 0, 1, 1, 1, 0),
        "Total": (4, 1, 2, 1, 1, 0),
    }


# --- the page ---------------------------------------------------------------------------------

def row_cells(page: str, key: str) -> list[str]:
    """The texts of the table row of one group (header cell first)."""
    match = re.search(rf'<tr[^>]*data-group="{re.escape(key)}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, f"no row for {key!r}"
    return [re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)]


def assert_safe_for_csp(page: str):
    assert "style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script found"


@pytest.mark.parametrize("role", ["admin", "hq"])
def test_national_roles_see_every_branch(client, login, branches, role):
    login(role)
    response = client.get("/recruitment/funnel?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    alpha, beta = branches["alpha"], branches["beta"]
    assert row_cells(page, str(alpha.id)) == [
        "Alpha Oblast Branch", "8", "3", "3", "1", "1", "1", "37.5%", "33.3%"]
    assert row_cells(page, str(beta.id)) == [
        "Beta City Branch", "5", "1", "3", "2", "1", "0", "60%", "66.7%"]
    assert row_cells(page, "total") == ["Total", "13", "4", "6", "3", "2", "1", "46.2%", "50%"]
    assert re.search(r'<a[^>]*aria-current="page"[^>]*>\s*By branch', page, re.S)
    assert_safe_for_csp(page)


def test_page_has_an_accessible_svg_chart(client, login, branches):
    login("hq")
    page = client.get("/recruitment/funnel?by=channel&lang=en").get_data(as_text=True)
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert svg, "no chart"
    chart = svg.group(0)
    assert 'role="img"' in chart and "aria-label=" in chart and "viewBox=" in chart
    assert 'class="funnel-chart"' in chart
    assert "<title>Telegram — Applied: 8</title>" in chart
    assert "<title>Telegram — Certified: 3</title>" in chart
    assert "<title>Website — Approved: 0</title>" in chart
    # 3 channels x 3 stages, plus the legend's 3 swatches.
    assert chart.count("<rect") == 12
    for legend in ("Applied", "Approved", "Certified"):
        assert f">{legend}</text>" in chart
    assert row_cells(page, "website")[-2:] == ["0%", "—"]
    assert_safe_for_csp(page)


def test_grouping_tabs_switch_the_table(client, login, branches):
    login("admin")
    page = client.get("/recruitment/funnel?by=campaign&lang=en").get_data(as_text=True)
    assert row_cells(page, "spring")[:2] == ["spring", "8"]
    assert row_cells(page, "")[:2] == ["—", "3"]
    assert re.search(r'<a[^>]*aria-current="page"[^>]*>\s*By campaign', page, re.S)
    assert page.count('aria-current="page"') == 1
    # An unknown grouping falls back to the default.
    page = client.get("/recruitment/funnel?by=nonsense&lang=en").get_data(as_text=True)
    assert re.search(r'<a[^>]*aria-current="page"[^>]*>\s*By branch', page, re.S)


def test_coordinator_sees_only_their_branch(client, login, branches):
    login("coordinator", branch=branches["alpha"])
    page = client.get("/recruitment/funnel?lang=en").get_data(as_text=True)
    # One branch: the default grouping is by channel.
    assert re.search(r'<a[^>]*aria-current="page"[^>]*>\s*By channel', page, re.S)
    assert row_cells(page, "telegram")[:5] == ["Telegram", "5", "2", "2", "1"]
    assert 'data-group="website"' not in page
    assert row_cells(page, "total")[1] == "8"
    page = client.get("/recruitment/funnel?by=branch&lang=en").get_data(as_text=True)
    assert row_cells(page, str(branches["alpha"].id))[1] == "8"
    assert "Beta City Branch" not in page
    assert f'data-group="{branches["beta"].id}"' not in page
    assert row_cells(page, "total")[1:3] == ["8", "3"]
    assert_safe_for_csp(page)


def test_nav_links_to_the_funnel(client, login):
    login("coordinator")
    page = client.get("/recruitment/funnel?lang=en").get_data(as_text=True)
    assert 'href="/recruitment/funnel"' in page
    assert 'href="/observers/"' in page
    assert "No observers yet." in page
    assert "<svg" not in page


def test_observer_is_forbidden(client, login):
    login("observer")
    assert client.get("/recruitment/funnel").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/recruitment/funnel")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
