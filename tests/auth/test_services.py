"""Account services: sign-in with lockout, accounts, passwords, one-time links and API tokens."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from observe.audit.models import AuditEntry
from observe.auth import services
from observe.auth.models import ApiToken, OneTimeLink, User
from observe.common.db import utcnow
from observe.extensions import db
from tests.conftest import TEST_PASSWORD


def actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).scalars())


# --- authenticate --------------------------------------------------------------------------

def test_authenticate_accepts_the_right_password_and_ignores_case_and_spaces(make_user):
    user = make_user("observer", email="aruzhan@example.test")
    result = services.authenticate("  ARUZHAN@Example.test ", TEST_PASSWORD)
    assert result.user is not None and result.user.id == user.id
    assert not result.locked
    assert user.last_login_at is not None
    assert entries("auth.login")[0].actor_id == user.id


def test_unknown_email_and_wrong_password_give_the_same_result(make_user):
    make_user("observer", email="known@example.test")
    unknown = services.authenticate("nobody@example.test", TEST_PASSWORD)
    wrong = services.authenticate("known@example.test", "not-the-password")
    assert (unknown.user, unknown.locked) == (wrong.user, wrong.locked) == (None, False)
    assert actions().count("auth.login_failed") == 2


def test_account_without_a_password_cannot_sign_in(make_user):
    user = make_user("observer", password=None)
    assert user.password_hash == ""
    assert services.authenticate(user.email, "").user is None
    assert services.authenticate(user.email, TEST_PASSWORD).user is None


def test_inactive_account_cannot_sign_in_with_the_right_password(make_user):
    user = make_user("observer")
    services.set_active(user, False)
    db.session.commit()
    assert services.authenticate(user.email, TEST_PASSWORD).user is None
    assert "auth.login_refused_inactive" in actions()


def test_failures_lock_the_account_and_the_lock_expires(app, make_user):
    user = make_user("observer")
    maximum = app.config["LOGIN_MAX_FAILURES"]
    for attempt in range(1, maximum):
        assert services.authenticate(user.email, "wrong-password").locked is False
        assert user.failed_logins == attempt
    last = services.authenticate(user.email, "wrong-password")
    assert last.user is None and last.locked is True
    assert user.locked_until > utcnow() + timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"] - 1)
    locked_entry = entries("auth.account_locked")[0]
    assert locked_entry.object_id == str(user.id)
    assert "locked_until" in locked_entry.after

    # While locked even the right password is refused, and nothing about the lock changes.
    refused = services.authenticate(user.email, TEST_PASSWORD)
    assert refused.user is None and refused.locked is True
    assert "auth.login_refused_locked" in actions()

    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert services.authenticate(user.email, TEST_PASSWORD).user.id == user.id
    assert user.locked_until is None and user.failed_logins == 0


def test_a_successful_sign_in_resets_the_failure_count(make_user):
    user = make_user("observer")
    services.authenticate(user.email, "wrong-password")
    services.authenticate(user.email, "wrong-password")
    assert user.failed_logins == 2
    services.authenticate(user.email, TEST_PASSWORD)
    assert user.failed_logins == 0


# --- creating and changing accounts -----------------------------------------------------------

@pytest.mark.parametrize("role", ["coordinator", "observer"])
def test_branch_roles_need_a_branch(app, role):
    with pytest.raises(services.AccountError):
        services.create_user(email="x@example.test", role=role)
    assert db.session.execute(select(User)).first() is None


@pytest.mark.parametrize("role", ["admin", "hq"])
def test_national_roles_never_keep_a_branch(make_branch, role):
    user = services.create_user(email="x@example.test", role=role, branch=make_branch())
    assert user.branch_id is None


def test_email_is_stored_normalised_and_unique_ignoring_case(app):
    user = services.create_user(email=" Dana@Example.TEST ", role="hq")
    assert user.email == "dana@example.test"
    with pytest.raises(services.AccountError):
        services.create_user(email="DANA@example.test", role="admin")


def test_create_user_refuses_a_short_password(app):
    minimum = app.config["PASSWORD_MIN_LENGTH"]
    with pytest.raises(services.AccountError):
        services.create_user(email="x@example.test", role="hq", password="a" * (minimum - 1))
    user = services.create_user(email="y@example.test", role="hq", password="a" * minimum)
    assert check_password_hash(user.password_hash, "a" * minimum)


def test_create_user_audits_without_secrets(app):
    admin = services.create_user(email="admin@example.test", role="admin")
    user = services.create_user(email="x@example.test", role="hq", password=TEST_PASSWORD,
                                actor=admin)
    entry = entries("user.create")[-1]
    assert entry.actor_id == admin.id
    assert entry.object_type == "user_account" and entry.object_id == str(user.id)
    assert entry.after["email"] == "x@example.test" and entry.after["role"] == "hq"
    assert "password_hash" not in entry.after
    assert user.password_hash not in str(entry.after)


def test_update_user_records_before_and_after(make_user, make_branch):
    admin = make_user("admin")
    user = make_user("observer")
    other_branch = make_branch()
    old_branch_id = user.branch_id
    services.update_user(user, role="coordinator", branch=other_branch, actor=admin)
    entry = entries("user.update")[-1]
    assert entry.before["role"] == "observer" and entry.after["role"] == "coordinator"
    assert entry.before["branch_id"] == old_branch_id
    assert entry.after["branch_id"] == other_branch.id


def test_update_without_changes_writes_no_entry(make_user):
    user = make_user("observer")
    services.update_user(user, full_name=user.full_name)
    assert "user.update" not in actions()


def test_nobody_demotes_or_deactivates_themself(make_user):
    admin = make_user("admin")
    with pytest.raises(services.AccountError):
        services.update_user(admin, role="hq", actor=admin)
    with pytest.raises(services.AccountError):
        services.set_active(admin, False, actor=admin)
    db.session.rollback()
    assert admin.role == "admin" and admin.is_active


def test_deactivation_ends_sessions(make_user):
    user = make_user("observer")
    version = user.session_version
    services.set_active(user, False)
    assert user.session_version == version + 1
    services.set_active(user, True)
    assert user.is_active and user.session_version == version + 1


def test_change_password_checks_the_current_one(make_user):
    user = make_user("observer")
    old_hash, version = user.password_hash, user.session_version
    with pytest.raises(services.AccountError) as error:
        services.change_password(user, "not-my-password", "brand-new-password")
    assert error.value.field == "current_password"
    assert user.password_hash == old_hash
    with pytest.raises(services.AccountError):
        services.change_password(user, TEST_PASSWORD, "short")
    assert user.password_hash == old_hash
    services.change_password(user, TEST_PASSWORD, "brand-new-password")
    assert check_password_hash(user.password_hash, "brand-new-password")
    assert user.session_version == version + 1
    assert "auth.password_changed" in actions()


def test_set_locale_ignores_unsupported_languages(make_user):
    user = make_user("observer")
    services.set_locale(user, "kk")
    assert user.locale == "kk"
    services.set_locale(user, "de")
    assert user.locale == "kk"


# --- one-time links ---------------------------------------------------------------------------

def test_one_time_link_is_stored_hashed_and_works_once(make_user):
    user = make_user("observer")
    token = services.issue_one_time_link(user)
    db.session.commit()
    link = db.session.execute(select(OneTimeLink)).scalar_one()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in link.token_hash

    assert services.find_valid_link(token).id == link.id
    services.use_one_time_link(link, "a-fresh-password")
    db.session.commit()
    assert check_password_hash(user.password_hash, "a-fresh-password")
    assert services.find_valid_link(token) is None
    assert services.find_valid_link("not-a-token") is None


def test_a_new_link_replaces_the_older_one(make_user):
    user = make_user("observer")
    first = services.issue_one_time_link(user)
    second = services.issue_one_time_link(user)
    assert services.find_valid_link(first) is None
    assert services.find_valid_link(second) is not None


def test_expired_link_and_link_of_an_inactive_account_fail(make_user):
    user = make_user("observer")
    token = services.issue_one_time_link(user, hours=1)
    link = services.find_valid_link(token)
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert services.find_valid_link(token) is None

    other = make_user("observer")
    token = services.issue_one_time_link(other)
    services.set_active(other, False)
    db.session.commit()
    assert services.find_valid_link(token) is None


# --- API tokens -------------------------------------------------------------------------------

def test_api_token_authenticates_its_active_owner_and_is_stored_hashed(make_user):
    user = make_user("coordinator")
    token = services.create_api_token(user, name="laptop")
    db.session.commit()
    stored = db.session.execute(select(ApiToken)).scalar_one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert services.user_for_api_token(token).id == user.id
    assert stored.last_used_at is not None
    assert services.user_for_api_token(token + "x") is None
    assert services.user_for_api_token("") is None

    stored.revoked_at = utcnow()
    db.session.commit()
    assert services.user_for_api_token(token) is None


def test_api_token_of_an_inactive_account_is_refused(make_user):
    user = make_user("observer")
    token = services.create_api_token(user)
    services.set_active(user, False)
    db.session.commit()
    assert services.user_for_api_token(token) is None
