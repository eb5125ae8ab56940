"""The roll-call rules with a fixed clock: late at 06:31, silent after N hours, nothing on a
withdrawn assignment, nothing once the day's watch is over."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from observe.fieldops.rules import (
    AssignmentState,
    Settings,
    alerts_due,
    arrival_at,
    roll_call_state,
    settings_from_config,
)

ALMATY = ZoneInfo("Asia/Almaty")
DAY = date(2026, 3, 15)
SETTINGS = Settings(silent_after=timedelta(hours=3))


def local(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ALMATY).astimezone(UTC)


def state(**overrides) -> AssignmentState:
    values = dict(status="confirmed", shift="full_day", day=DAY, zone=ALMATY,
                  polls_open=time(7, 0), polls_close=time(20, 0))
    values.update(overrides)
    return AssignmentState(**values)


def test_arrival_is_half_an_hour_before_the_polls_open():
    assert arrival_at(state(), SETTINGS) == local(6, 30)
    assert arrival_at(state(shift="morning"), SETTINGS) == local(6, 30)
    assert arrival_at(state(shift="afternoon"), SETTINGS) == local(13, 30)


@pytest.mark.parametrize("hour, minute, expected", [
    (5, 0, "expected"), (6, 30, "expected"), (6, 31, "late"), (12, 0, "late")])
def test_late_from_0631_without_a_check_in(hour, minute, expected):
    assert roll_call_state(local(hour, minute), state(), SETTINGS) == expected
    assert ("late" in alerts_due(local(hour, minute), state(), SETTINGS)) is (expected == "late")


def test_a_check_in_is_never_late():
    checked = state(checked_in_at=local(6, 45))
    assert roll_call_state(local(7, 0), checked, SETTINGS) == "checked_in"
    assert alerts_due(local(7, 0), checked, SETTINGS) == set()


def test_the_afternoon_shift_is_late_only_after_its_own_arrival():
    afternoon = state(shift="afternoon")
    assert roll_call_state(local(10, 0), afternoon, SETTINGS) == "expected"
    assert roll_call_state(local(13, 31), afternoon, SETTINGS) == "late"


def test_silent_after_n_hours_without_a_report():
    quiet = state(checked_in_at=local(6, 20), last_report_at=local(9, 0))
    assert roll_call_state(local(11, 59), quiet, SETTINGS) == "checked_in"
    assert roll_call_state(local(12, 0), quiet, SETTINGS) == "silent"
    assert alerts_due(local(12, 0), quiet, SETTINGS) == {"silent"}
    # The check-in itself counts as a report.
    assert roll_call_state(local(9, 19), state(checked_in_at=local(6, 20)), SETTINGS) \
        == "checked_in"
    assert roll_call_state(local(9, 20), state(checked_in_at=local(6, 20)), SETTINGS) == "silent"


def test_n_is_configurable():
    two = settings_from_config({"FIELDOPS_SILENT_HOURS": "2"})
    quiet = state(checked_in_at=local(6, 20))
    assert roll_call_state(local(8, 20), quiet, two) == "silent"
    assert roll_call_state(local(8, 20), quiet, SETTINGS) == "checked_in"


@pytest.mark.parametrize("status", ["withdrawn", "declined"])
def test_nothing_on_a_withdrawn_assignment(status):
    gone = state(status=status)
    assert roll_call_state(local(12, 0), gone, SETTINGS) == "withdrawn"
    assert alerts_due(local(12, 0), gone, SETTINGS) == set()
    assert alerts_due(local(12, 0), state(status=status, checked_in_at=local(6, 0)),
                      SETTINGS) == set()


def test_sos_outranks_late_and_raises_no_late_or_silent_alert_of_its_own():
    assert roll_call_state(local(12, 0), state(open_sos=True), SETTINGS) == "sos"
    assert alerts_due(local(12, 0), state(open_sos=True), SETTINGS) == {"late"}


def test_no_alert_after_the_watch_ends():
    # The count runs past 20:00; six hours after the close the day is over.
    next_day = DAY + timedelta(days=1)
    assert alerts_due(local(1, 59, next_day), state(), SETTINGS) == {"late"}
    assert alerts_due(local(2, 1, next_day), state(), SETTINGS) == set()
    assert alerts_due(local(2, 1, next_day), state(checked_in_at=local(6, 0)), SETTINGS) == set()
