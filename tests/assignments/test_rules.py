"""The assignment rules, through the one service that the form, auto-assignment and API use."""

import pytest

from observe.assignments.services import AssignmentError, Proposal, assign_observer
from observe.extensions import db


@pytest.fixture
def setup(make_branch, make_user, make_election, make_station, make_certified):
    branch = make_branch(region="karaganda")
    coordinator = make_user("coordinator", branch=branch)
    election = make_election()
    return branch, coordinator, election, make_station, make_certified


def test_a_certified_observer_is_assigned(setup):
    branch, coordinator, election, make_station, make_certified = setup
    station = make_station(election)
    observer = make_certified(branch)
    assignment = assign_observer(Proposal(observer, station, "stationary", "full_day"),
                                 actor=coordinator)
    db.session.commit()
    assert assignment.status == "assigned" and assignment.branch_id == branch.id


def test_every_rule_has_its_message(setup, make_branch):
    branch, coordinator, election, make_station, make_certified = setup
    station = make_station(election)
    taken = make_certified(branch)
    assign_observer(Proposal(taken, station, "stationary", "full_day"), actor=coordinator)
    # Same observer elsewhere at an overlapping time.
    with pytest.raises(AssignmentError, match="already assigned at that time"):
        assign_observer(Proposal(taken, make_station(election), "stationary", "morning"),
                        actor=coordinator)
    # The station's stationary seat is taken for the whole day.
    with pytest.raises(AssignmentError, match="already has 1 of 1"):
        assign_observer(Proposal(make_certified(branch), station, "stationary", "afternoon"),
                        actor=coordinator)
    # Not certified, and no reason.
    uncertified = make_certified(branch, status="approved")
    with pytest.raises(AssignmentError, match="not certified"):
        assign_observer(Proposal(uncertified, make_station(election), "stationary", "full_day"),
                        actor=coordinator)
    overridden = assign_observer(Proposal(uncertified, make_station(election), "stationary",
                                          "full_day", "Certified in 2023"), actor=coordinator)
    assert overridden.override_reason == "Certified in 2023"
    # Outside the branch's region.
    with pytest.raises(AssignmentError, match="outside the region"):
        assign_observer(Proposal(make_certified(branch), make_station(election, region="almaty"),
                                 "stationary", "full_day"), actor=coordinator)
    # Another branch's observer.
    with pytest.raises(AssignmentError, match="not in your branch"):
        assign_observer(Proposal(make_certified(make_branch(region="karaganda")),
                                 make_station(election), "stationary", "full_day"),
                        actor=coordinator)


def test_morning_and_afternoon_share_a_station(setup):
    branch, coordinator, election, make_station, make_certified = setup
    station = make_station(election)
    assign_observer(Proposal(make_certified(branch), station, "stationary", "morning"),
                    actor=coordinator)
    assign_observer(Proposal(make_certified(branch), station, "stationary", "afternoon"),
                    actor=coordinator)
    with pytest.raises(AssignmentError):
        assign_observer(Proposal(make_certified(branch), station, "stationary", "full_day"),
                        actor=coordinator)
