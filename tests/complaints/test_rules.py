"""Deadlines and reminders as pure functions of a fixed clock."""

from datetime import UTC, date, datetime

from observe.complaints import rules
from observe.complaints.privacy.rules import add_months, erase_after, needles, redact

POLLING_DAY = date(2026, 3, 15)
# 10:00 in Almaty on 17 March 2026 (two days after polling day).
FILED = datetime(2026, 3, 17, 5, 0, tzinfo=UTC)


def test_default_deadline_is_five_days_to_the_end_of_the_local_day():
    due = rules.due_at("district", FILED, polling_day=POLLING_DAY)
    assert due == datetime(2026, 3, 22, 18, 59, 59, tzinfo=UTC)  # 23:59:59 in Almaty


def test_every_body_has_a_default():
    assert set(rules.DEFAULT_DEADLINE_DAYS) == set(rules.BODIES)


def test_a_body_deadline_is_configurable():
    overrides = rules.parse_deadlines("court=10, cec=3, nonsense=4, prosecutor=x")
    assert overrides == {"court": 10, "cec": 3}
    assert rules.due_at("court", FILED, polling_day=POLLING_DAY, overrides=overrides) == \
        datetime(2026, 3, 27, 18, 59, 59, tzinfo=UTC)
    assert rules.deadline_days("precinct", overrides) == 5


def test_filed_less_than_five_days_before_polling_day_or_on_it_is_due_the_same_day():
    on_the_day = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)
    assert rules.due_at("precinct", on_the_day, polling_day=POLLING_DAY) == \
        datetime(2026, 3, 15, 18, 59, 59, tzinfo=UTC)
    four_days_before = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
    assert rules.due_at("court", four_days_before, polling_day=POLLING_DAY).date() == \
        date(2026, 3, 11)
    five_days_before = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert rules.due_at("court", five_days_before, polling_day=POLLING_DAY).date() == \
        date(2026, 3, 15)


def test_local_day_not_utc_day_counts():
    # 22:00 UTC on the 16th is already 03:00 on the 17th in Almaty.
    late = datetime(2026, 3, 16, 22, 0, tzinfo=UTC)
    assert rules.due_at("district", late, polling_day=POLLING_DAY) == \
        datetime(2026, 3, 22, 18, 59, 59, tzinfo=UTC)


def test_overdue_only_while_filed():
    due = datetime(2026, 3, 22, 18, 59, 59, tzinfo=UTC)
    after = datetime(2026, 3, 23, tzinfo=UTC)
    assert rules.is_overdue(due, after, "filed")
    assert not rules.is_overdue(due, after, "closed")
    assert not rules.is_overdue(due, datetime(2026, 3, 20, tzinfo=UTC), "filed")


def test_reminders_once_each():
    due = datetime(2026, 3, 22, 18, 0, tzinfo=UTC)
    early = datetime(2026, 3, 20, tzinfo=UTC)
    soon = datetime(2026, 3, 22, 0, 0, tzinfo=UTC)
    late = datetime(2026, 3, 23, tzinfo=UTC)
    kwargs = dict(soon_sent=False, overdue_sent=False)
    assert rules.reminder_due(due, early, "filed", **kwargs) is None
    assert rules.reminder_due(due, soon, "filed", **kwargs) == "soon"
    assert rules.reminder_due(due, soon, "filed", soon_sent=True, overdue_sent=False) is None
    assert rules.reminder_due(due, late, "filed", soon_sent=True, overdue_sent=False) == \
        "overdue"
    assert rules.reminder_due(due, late, "filed", soon_sent=True, overdue_sent=True) is None
    assert rules.reminder_due(due, late, "closed", **kwargs) is None


def test_appeals_go_up():
    assert [rules.next_body(b) for b in ("precinct", "district", "territorial", "cec")] == \
        ["district", "territorial", "cec", "court"]


def test_retention_months():
    closed = datetime(2026, 8, 31, 12, 0, tzinfo=UTC)
    assert add_months(closed, 6) == datetime(2027, 2, 28, 12, 0, tzinfo=UTC)
    assert erase_after(closed, 0) == closed
    assert erase_after(None, 6) is None


def test_redact_whole_values_only():
    words = needles("ann@mail.kz", "+77071234567", "Ann Lee", "1234")
    assert "1234" not in words  # too short to look for safely
    text = "joann@mail.kz wrote to ann@mail.kz. Call +77071234567; Ann Leeds met Ann Lee."
    assert redact(text, words) == ("joann@mail.kz wrote to [erased]. Call [erased]; "
                                   "Ann Leeds met [erased].")
    assert redact({"a": ["x ann@mail.kz"], "n": 3}, words) == {"a": ["x [erased]"], "n": 3}
