"""The pure rules: turnout, protocol arithmetic, checklist definitions and their answers."""

import json

from observe.reports.rules import (
    CATEGORIES,
    CATEGORY_LABELS,
    answer_problems,
    clean_answers,
    definition_errors,
    may_move,
    protocol_mismatches,
    turnout_problems,
)
from observe.reports.services import DEFAULT_CHECKLIST


def test_turnout_within_the_register_and_rising_is_accepted():
    assert turnout_problems(12, 300, 1000, {10: 120, 14: 400}) == []


def test_turnout_above_the_register_is_refused(app):
    problems = turnout_problems(10, 1001, 1000, {})
    assert problems == ["1001 is more than the 1000 voters registered at this station."]


def test_turnout_below_an_earlier_figure_is_refused(app):
    problems = turnout_problems(14, 200, 1000, {10: 100, 12: 250})
    assert problems == ["200 is less than the 250 already reported for 12:00."]


def test_turnout_above_a_later_figure_is_refused(app):
    assert turnout_problems(10, 300, 1000, {12: 250}) == [
        "300 is more than the 250 already reported for 12:00."]


def test_turnout_hour_must_be_a_reporting_hour(app):
    assert turnout_problems(11, 10, 1000, {}) == ["Choose one of the reporting hours."]


FIGURES = dict(voters_on_list=1000, ballots_received=1000, ballots_issued=700,
               ballots_cancelled=300, ballots_in_box=650, ballots_invalid=50)


def test_a_balanced_protocol_has_no_mismatch():
    assert protocol_mismatches(FIGURES, [100, 200, 300]) == []


def test_each_broken_relation_is_named():
    broken = {**FIGURES, "voters_on_list": 700, "ballots_issued": 750, "ballots_in_box": 800}
    assert protocol_mismatches(broken, [100]) == ["received_balance", "issued_over_list",
                                                  "box_over_issued", "box_balance"]


def test_the_seeded_checklist_follows_the_schema_and_covers_the_procedure():
    definition = json.loads(DEFAULT_CHECKLIST.read_text(encoding="utf-8"))
    assert definition_errors(definition) == []
    assert set(definition["phases"]) == {"opening", "voting", "closing", "count"}
    ids = {q["id"] for qs in definition["phases"].values() for q in qs}
    assert {"boxes_shown_empty_sealed", "video_working", "observers_admitted",
            "observer_seat_view", "list_and_ballots_counted", "voters_identified",
            "marking_rules", "mobile_box", "unused_cancelled", "counted_aloud",
            "protocol_signed", "protocol_posted", "protocol_copy_given"} <= ids
    for questions in definition["phases"].values():
        for question in questions:
            assert set(question["text"]) == {"ru", "kk", "en"}


def test_schema_errors_say_where():
    bad = {"code": "x", "title": {"en": "X"}, "phases": {
        "opening": [{"id": "q", "type": "maybe", "text": {"en": "Q?"}},
                    {"id": "q", "type": "yes_no", "text": {}}],
        "lunch": [{"id": "z", "type": "text", "text": {"en": "Z"}}]}}
    errors = definition_errors(bad)
    assert "phases.opening[1]: type: one of yes_no, number, choice, text is required." in errors
    assert "phases.opening[2]: id: 'q' is used twice." in errors
    assert any(e.startswith("phases.lunch: unknown phase") for e in errors)
    assert definition_errors([1, 2]) == ["The definition must be a JSON object."]


DEFINITION = {"phases": {"voting": [
    {"id": "ok", "type": "yes_no", "text": {"en": "?"}, "problem_if": {"equals": "no"},
     "severity": "critical"},
    {"id": "count", "type": "number", "text": {"en": "?"}, "problem_if": {"above": 5}},
    {"id": "how", "type": "choice", "text": {"en": "?"}, "problem_if": {"in": ["bad"]},
     "choices": [{"value": "good", "text": {"en": "g"}}, {"value": "bad", "text": {"en": "b"}}]},
    {"id": "note", "type": "text", "text": {"en": "?"}}]}}


def test_answers_are_typed_and_bad_ones_refused(app):
    answers, errors = clean_answers(DEFINITION, "voting", {"ok": "no", "count": "x",
                                                           "how": "ugly", "note": " fine "})
    assert answers == {"ok": "no", "note": "fine"}
    assert errors == {"count": "Enter a whole number.", "how": "Choose one of the options."}


def test_problem_answers_are_found_with_the_worst_severity():
    answers = {"ok": "no", "count": 9, "how": "good"}
    assert answer_problems(DEFINITION, "voting", answers) == (["ok", "count"], "critical")
    assert answer_problems(DEFINITION, "voting", {"ok": "yes", "count": 5}) == ([], "")


def test_every_category_has_a_translatable_label():
    assert set(CATEGORY_LABELS) == set(CATEGORIES)
    assert len(CATEGORIES) == 16


def test_status_moves():
    assert may_move("received", "verified")
    assert may_move("rejected", "verified")
    assert not may_move("resolved", "received")
    assert not may_move("duplicate", "verified")
