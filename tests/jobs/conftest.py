"""A branch whose coordinator prints the mandate letters of many assignments."""

import re
from dataclasses import dataclass

import pytest

from observe.assignments.services import Proposal, assign_observer
from observe.extensions import db

PAGE = re.compile(rb"/Type\s*/Page\b")  # a page object, not the /Pages tree


@dataclass
class Letters:
    branch: object
    coordinator: object
    election: object
    assignments: list


@pytest.fixture
def letters(make_branch, make_user, make_election, make_station, make_certified):
    """`letters(n)`: a Karaganda branch, its coordinator and n observers assigned to n stations."""

    def factory(count: int = 12) -> Letters:
        branch = make_branch(region="karaganda")
        coordinator = make_user("coordinator", branch=branch)
        election = make_election(name="Mazhilis elections 2026")
        assignments = []
        for number in range(count):
            station = make_station(election, number=f"{900 + number:04d}")
            observer = make_certified(branch, full_name=f"Observer {number:03d}")
            assignments.append(assign_observer(
                Proposal(observer, station, "stationary", "full_day"), actor=coordinator))
        db.session.commit()
        return Letters(branch, coordinator, election, assignments)

    return factory


def job_id_of(response) -> int:
    """The id of the job a POST queued (it redirects to the job's page)."""
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    match = re.fullmatch(r"/jobs/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))
