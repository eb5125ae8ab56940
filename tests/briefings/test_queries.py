"""The briefing's numbers against the hand-counted polling day of conftest.briefing_day."""

from observe.briefings.figures import briefing_figures, dashboard_figures
from observe.briefings.queries import Scope
from tests.briefings.conftest import local


def test_country_as_of_14_00(briefing_day):
    figures = briefing_figures(Scope(briefing_day.election.id, cutoff=local(14)),
                               briefing_day.election)
    assert figures["coverage"] == {"stations": 5, "observers_assigned": 3, "stations_assigned": 3,
                                   "observers_present": 2, "stations_present": 2,
                                   "regions_present": 1}
    phases = {row["phase"]: row for row in figures["checklists"]}
    assert (phases["opening"]["received"], phases["opening"]["flagged"],
            phases["opening"]["share"]) == (2, 1, 50.0)
    assert (phases["voting"]["received"], phases["voting"]["flagged"]) == (1, 1)
    assert phases["closing"]["received"] == 0
    rates = {(q["phase"], q["question"]): (q["count"], q["rate"]) for q in figures["questions"]}
    assert rates == {("opening", "q1"): (1, 50.0), ("voting", "q1"): (1, 100.0),
                     ("voting", "q2"): (1, 100.0)}
    assert next(q for q in figures["questions"]
                if q["phase"] == "opening")["text"]["en"] == "Ballot box sealed?"
    turnout = {row["hour"]: row for row in figures["turnout"]}
    # K1's later figure for 10:00 replaces its first; K2's rejected 12:00 figure is left out.
    assert (turnout[10]["stations"], turnout[10]["voters"], turnout[10]["registered"],
            turnout[10]["share"]) == (2, 200, 2000, 10.0)
    assert (turnout[12]["stations"], turnout[12]["voters"], turnout[12]["share"]) == (1, 300, 30.0)
    assert turnout[14]["stations"] == 0
    incidents = figures["incidents"]
    assert incidents["totals"] == {"total": 4, "verified": 2, "unverified": 1, "rejected": 1,
                                   "duplicate": 0}
    assert incidents["by_category"] == [{"category": "ballot_stuffing", "count": 3},
                                        {"category": "vote_buying", "count": 1}]
    assert incidents["by_region"] == [{"region": "karaganda", "count": 3},
                                      {"region": "almaty", "count": 1}]
    assert incidents["matrix"] == [
        {"category": "ballot_stuffing", "region": "karaganda", "verified": 1, "unverified": 0,
         "rejected": 1, "total": 2},
        {"category": "ballot_stuffing", "region": "almaty", "verified": 1, "unverified": 0,
         "rejected": 0, "total": 1},
        {"category": "vote_buying", "region": "karaganda", "verified": 0, "unverified": 1,
         "rejected": 0, "total": 1}]
    assert [row["reference"] for row in figures["serious"]] == [
        f"I-{briefing_day.incidents['i1'].id}", f"I-{briefing_day.incidents['i4'].id}"]
    assert figures["serious"][0]["station"] == "K1"
    assert "observer" not in str(figures["serious"]).lower()
    assert figures["protocols"] == {"received": 2, "flagged": 1,
                                    "codes": {"received_balance": 1, "box_balance": 1}}
    assert figures["timeline"] == [{"hour": 9, "count": 1}, {"hour": 11, "count": 2},
                                   {"hour": 13, "count": 2}]


def test_region_and_district_scopes(briefing_day):
    election = briefing_day.election
    almaty = briefing_figures(Scope(election.id, region="almaty", cutoff=local(14)), election)
    assert almaty["coverage"]["stations"] == 2
    assert almaty["coverage"]["observers_assigned"] == 1
    assert almaty["coverage"]["observers_present"] == 0
    assert almaty["incidents"]["totals"]["total"] == 1
    assert almaty["protocols"]["received"] == 0
    district = briefing_figures(Scope(election.id, region="karaganda", district="A"), election)
    assert district["coverage"]["stations"] == 2
    assert district["incidents"]["totals"]["total"] == 4  # i1, i2, i3, i6


def test_without_cut_off_and_dashboard_counts_duplicates(briefing_day):
    election = briefing_day.election
    everything = briefing_figures(Scope(election.id), election)
    assert everything["coverage"]["regions_present"] == 2
    assert everything["incidents"]["totals"]["total"] == 5
    board = dashboard_figures(Scope(election.id), election)
    assert board["incidents"]["totals"]["total"] == 6
    assert board["incidents"]["totals"]["duplicate"] == 1
    assert {row["severity"]: row["count"] for row in board["incidents"]["by_severity"]} == {
        "critical": 2, "high": 2, "medium": 1, "low": 1}
    # The latest critical and high incidents, newest first.
    assert [row["reference"] for row in board["latest"]] == [
        f"I-{briefing_day.incidents[k].id}" for k in ("i6", "i4", "i2", "i1")]


def test_cut_off_is_inclusive(briefing_day):
    election = briefing_day.election
    at_nine = briefing_figures(Scope(election.id, cutoff=local(9)), election)
    assert at_nine["incidents"]["totals"]["total"] == 1
