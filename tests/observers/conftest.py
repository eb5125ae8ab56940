"""Fixtures for recruitment tests: observers created through the real application service."""

from datetime import date, timedelta
from itertools import count

import pytest

from observe.extensions import db
from observe.observers import services
from observe.observers.choices import Status
from observe.observers.rules import validate_applicant
from tests.observers.factories import applicant_data, valid_iin

_numbers = count(1)


@pytest.fixture
def make_applicant(app):
    """Create an observer through submit_application in a branch, then move it to a status."""

    def factory(branch, status=Status.APPLIED, *, actor=None, reason="", **overrides):
        number = next(_numbers)
        birth_date = overrides.pop("birth_date", date(1975, 1, 1) + timedelta(days=number))
        raw = applicant_data(
            full_name=f"Applicant {number:05d}",
            iin=valid_iin(birth_date, female=bool(number % 2), serial=number),
            birth_date=birth_date.isoformat(),
            phone=f"+7707{number:07d}",
            email=f"applicant{number}@example.org",
        )
        raw.update(overrides)
        clean, errors = validate_applicant(raw)
        assert not errors, errors
        observer, repeat = services.submit_application(clean, branch)
        assert not repeat
        status = Status(status)
        if status != Status.APPLIED:
            # Approval builds an invitation link, which needs a request to build URLs in.
            with app.test_request_context():
                if status == Status.CERTIFIED:
                    services.change_status([observer], Status.APPROVED, actor=actor)
                    services.change_status([observer], status, actor=actor, allow_certify=True)
                else:
                    services.change_status([observer], status, actor=actor,
                                           reason=reason or "test reason")
        db.session.commit()
        return observer

    return factory
