"""The recruitment services on their own: one call per action, DomainError on refusal, no request.

The join form, the registry pages and (later) the API call these same functions, so the rules
that used to be sequenced in the views are tested here without any web page.
"""

from datetime import date

import pytest
from flask import has_request_context
from sqlalchemy import func, select

from observe.common.errors import DomainError
from observe.extensions import db
from observe.observers import services
from observe.observers.models import Application, Observer
from observe.observers.rules import RuleError
from tests.observers.factories import applicant_data, valid_iin


def raw(**overrides) -> dict:
    data = applicant_data(**overrides)
    data.pop("branch_id", None)
    return data


def observers() -> int:
    return db.session.scalar(select(func.count()).select_from(Observer))


def test_every_recruitment_error_is_a_domain_error():
    assert issubclass(services.PipelineError, DomainError)
    assert issubclass(services.DuplicateObserver, DomainError)
    assert issubclass(RuleError, DomainError)


def test_apply_checks_everything_in_one_call(app, make_branch):
    branch = make_branch()
    observer, repeat = services.apply(raw(), branch.id, consent=True, declaration=True)
    assert (observer.branch_id, repeat, observer.consent_at is not None) == (branch.id, False,
                                                                             True)


def test_apply_reports_every_field_at_once_and_writes_nothing(app, make_branch):
    closed = make_branch()
    closed.is_active = False
    db.session.commit()
    with pytest.raises(DomainError) as error:
        services.apply(raw(iin="1", phone="x", full_name="Айгерим 🌸"), closed.id,
                       consent=False, declaration=False)
    assert set(error.value.fields) == {"iin", "phone", "full_name", "branch_id", "consent",
                                       "declaration"}
    assert error.value.as_json()["error"]["fields"]["consent"]
    db.session.rollback()
    assert observers() == 0


@pytest.mark.parametrize("branch_id", [None, "", "abc", 2**70, -1])
def test_apply_refuses_a_missing_or_odd_branch(app, branch_id):
    with pytest.raises(DomainError) as error:
        services.apply(raw(), branch_id, consent=True, declaration=True)
    assert set(error.value.fields) == {"branch_id"}


def test_save_observer_keeps_coordinators_to_their_branch(app, make_user, make_branch):
    coordinator = make_user("coordinator")
    elsewhere = make_branch()
    with pytest.raises(DomainError) as error:
        services.save_observer(raw(), elsewhere.id, actor=coordinator, consent_confirmed=True)
    assert set(error.value.fields) == {"branch_id"}
    saved = services.save_observer(raw(email=""), coordinator.branch_id, actor=coordinator,
                                   consent_confirmed=True)
    assert saved.branch_id == coordinator.branch_id and saved.channel == "telegram"


def test_save_observer_needs_the_paper_consent_for_a_new_record(app, make_user):
    coordinator = make_user("coordinator")
    with pytest.raises(DomainError) as error:
        services.save_observer(raw(), coordinator.branch_id, actor=coordinator,
                               consent_confirmed=False)
    assert set(error.value.fields) == {"consent"}


def test_a_duplicate_names_the_record_only_inside_the_actors_scope(app, make_user, make_branch):
    coordinator = make_user("coordinator")
    theirs, _ = services.apply(raw(), make_branch().id, consent=True, declaration=True)
    mine, _ = services.apply(raw(iin=valid_iin(date(1990, 5, 17), serial=77),
                                 phone="+7 705 111 22 33", email="mine@example.org"),
                             coordinator.branch_id, consent=True, declaration=True)
    db.session.commit()
    messages = {}
    for target in (theirs, mine):
        with pytest.raises(services.DuplicateObserver) as error:
            services.save_observer(raw(iin=target.iin, birth_date=target.birth_date.isoformat(),
                                       phone="+7 702 999 88 77"), coordinator.branch_id,
                                   actor=coordinator, consent_confirmed=True)
        messages[target.id] = (error.value.message, error.value.observer_id)
    assert messages[theirs.id][0] == messages[mine.id][0]
    assert messages[theirs.id][1] is None
    assert messages[mine.id][1] == mine.id


def test_invitations_are_built_without_a_request(app, make_user, make_branch):
    coordinator = make_user("coordinator")
    observer, _ = services.apply(raw(), coordinator.branch_id, consent=True, declaration=True)
    assert not has_request_context()
    result = services.change_status([observer], "approved", actor=coordinator,
                                    link_for=lambda token: f"https://observe.example/r/{token}")
    assert [i.link.startswith("https://observe.example/r/") for i in result.invitations] == [True]


def test_a_repeat_application_keeps_its_e_mail_until_accepted(app, make_user):
    coordinator = make_user("coordinator")
    observer, _ = services.apply(raw(), coordinator.branch_id, consent=True, declaration=True)
    _, repeat = services.apply(raw(email="new.address@example.org"), coordinator.branch_id,
                               consent=True, declaration=True)
    assert repeat and observer.email == "aigerim@example.org"
    application = db.session.execute(select(Application).where(
        Application.is_repeat.is_(True))).scalar_one()
    assert application.email == "new.address@example.org" and application.proposes_email
    services.accept_email_change(observer, application.id, actor=coordinator)
    assert observer.email == "new.address@example.org" and not application.proposes_email
    with pytest.raises(DomainError):
        services.accept_email_change(observer, application.id, actor=coordinator)
