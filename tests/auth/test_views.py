"""Signing in and out, rate limits, passwords, the interface language and one-time links."""

import hashlib
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from werkzeug.security import check_password_hash

from observe.audit.models import AuditEntry
from observe.auth.models import OneTimeLink, User
from observe.common.db import utcnow
from observe.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.statements import statements_sent

NEW_PASSWORD = "a-brand-new-passphrase"


FAILED = ("The e-mail or password is not correct. After several failed attempts, signing in "
          "is paused for a few minutes.")

def sign_in(client, email, password=TEST_PASSWORD, next_page=None, **kwargs):
    query = {"lang": "en"} if next_page is None else {"lang": "en", "next": next_page}
    return client.post("/login", query_string=query, data={"email": email, "password": password},
                       **kwargs)


def signed_in_user_id(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


def alerts(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'<div class="alert alert-\w+"[^>]*>(.*?)</div>', html, re.S)


def actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True)).group(1)


# --- signing in -------------------------------------------------------------------------------

def test_login_page_has_the_documented_fields(client):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page


def test_good_credentials_sign_in_and_redirect_home(client, make_user):
    user = make_user("hq")
    response = sign_in(client, user.email.upper())
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_user_id(client) == f"{user.id}:{user.session_version}"
    assert client.get("/account").status_code == 200
    assert reload(user).last_login_at is not None


def test_wrong_password_and_unknown_email_look_the_same(client, make_user):
    user = make_user("observer")
    wrong = sign_in(client, user.email, "not-the-password")
    unknown = sign_in(client, "nobody@example.test", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert alerts(wrong) == alerts(unknown) == [FAILED]
    assert signed_in_user_id(client) is None


def test_inactive_account_cannot_sign_in(client, make_user):
    user = make_user("observer")
    user.is_active = False
    db.session.commit()
    response = sign_in(client, user.email)
    assert response.status_code == 200
    assert alerts(response) == [FAILED]
    assert signed_in_user_id(client) is None
    assert "auth.login_refused_inactive" in actions()


def test_repeated_failures_lock_the_account_until_the_lock_expires(app, client, make_user):
    user = make_user("coordinator")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert sign_in(client, user.email, "wrong-password").status_code == 200
    assert "auth.account_locked" in actions()
    assert reload(user).locked_until > utcnow()

    refused = sign_in(client, user.email)
    assert refused.status_code == 200
    assert alerts(refused) == [FAILED]  # a locked account looks like any failure
    assert signed_in_user_id(client) is None
    assert "auth.login_refused_locked" in actions()

    reload(user).locked_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert sign_in(client, user.email).status_code == 302
    assert signed_in_user_id(client) is not None


def test_failed_sign_ins_from_one_address_are_throttled(client, make_user):
    user = make_user("observer")
    for number in range(30):
        assert sign_in(client, f"guess{number}@example.test", "guess").status_code == 200
    response = sign_in(client, user.email)  # even the right password, from this address
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert html_lang(response) == "en"
    assert signed_in_user_id(client) is None
    throttled = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "auth.throttled")).scalar_one()
    assert throttled.summary == "POST /login"
    assert throttled.ip_address == "127.0.0.1"

    # Another address is not affected.
    elsewhere = sign_in(client, user.email, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert elsewhere.status_code == 302


def test_failed_sign_ins_for_one_account_are_throttled_from_any_address(client, make_user):
    target = make_user("admin").email
    for number in range(10):
        response = sign_in(client, target, "guess",
                           environ_base={"REMOTE_ADDR": f"10.0.0.{number + 1}"})
        assert response.status_code == 200
    response = sign_in(client, target.upper(), "guess", environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert response.status_code == 429
    assert "auth.throttled" in actions()
    # Other accounts can still sign in from that address.
    other = make_user("hq")
    assert sign_in(client, other.email, environ_base={"REMOTE_ADDR": "10.0.1.1"}).status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_limit(client, make_user):
    user = make_user("observer")
    for number in range(29):
        assert sign_in(client, f"guess{number}@example.test", "guess").status_code == 200
    for _ in range(5):
        assert sign_in(client, user.email).status_code == 302
        client.post("/logout")
    assert sign_in(client, "guess-last@example.test", "guess").status_code == 200  # the 30th
    assert sign_in(client, "one-too-many@example.test", "guess").status_code == 429


@pytest.mark.parametrize("target", ["/account", "/admin/users/?role=hq&status=active"])
def test_next_takes_you_to_a_local_page(client, make_user, target):
    user = make_user("admin")
    response = sign_in(client, user.email, next_page=target)
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", [
    "//evil.com", "///evil.com", "https://evil.com", "http://evil.com/login", "/\\evil.com",
    "\\\\evil.com", "/\t/evil.com", "/\n/evil.com", "javascript:alert(1)", "evil.com", "",
])
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user("admin")
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_protected_page_sends_you_back_after_signing_in(client, make_user):
    user = make_user("observer")
    response = client.get("/account")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?next=")
    response = client.post(login_url, data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/account"


def test_signed_in_user_opening_login_goes_home(client, login):
    login("observer")
    response = client.get("/login")
    assert response.status_code == 302 and response.headers["Location"] == "/"


# --- signing out ------------------------------------------------------------------------------

def test_logout_is_post_only(client, login):
    login("observer")
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert signed_in_user_id(client) is None
    assert client.get("/account").status_code == 302


def test_a_copied_session_cookie_stops_working_after_signing_out(app, client, login):
    user = login("observer")
    other_device = app.test_client()
    assert sign_in(other_device, user.email).status_code == 302
    saved = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", saved)
    response = replay.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert other_device.get("/account").status_code == 200  # only the one session ended
    assert "auth.logout" in actions()


def test_a_session_cookie_without_its_server_record_is_refused(app, client, login):
    login("observer")
    db.session.execute(text("DELETE FROM user_session"))
    db.session.commit()
    assert client.get("/account").status_code == 302


# --- changing the password --------------------------------------------------------------------

def change_password(client, current, new, confirm=None):
    return client.post("/account?lang=en", data={
        "pw-current_password": current, "pw-password": new,
        "pw-confirm": new if confirm is None else confirm, "pw-submit": "y"})


def error_of(response, field_id) -> str:
    match = re.search(rf'<div id="{field_id}-error"[^>]*>(.*?)</div>',
                      response.get_data(as_text=True), re.S)
    return match.group(1).strip() if match else ""


def test_wrong_current_password_is_refused_next_to_its_field(client, login):
    user = login("observer")
    old_hash, version = user.password_hash, user.session_version
    response = change_password(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    assert error_of(response, "pw-current_password") == "The current password is not correct."
    user = reload(user)
    assert (user.password_hash, user.session_version) == (old_hash, version)
    assert "auth.password_changed" not in actions()


def test_too_short_new_password_is_refused(app, client, login):
    user = login("observer")
    old_hash = user.password_hash
    response = change_password(client, TEST_PASSWORD, "short")
    assert response.status_code == 200
    minimum = app.config["PASSWORD_MIN_LENGTH"]
    assert error_of(response, "pw-password") == (
        f"The password must have at least {minimum} characters.")
    assert reload(user).password_hash == old_hash


def test_mismatched_confirmation_is_refused(client, login):
    user = login("observer")
    old_hash = user.password_hash
    response = change_password(client, TEST_PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert response.status_code == 200
    assert error_of(response, "pw-confirm") == "The passwords do not match."
    assert reload(user).password_hash == old_hash


def test_changing_the_password_signs_out_other_sessions(app, client, login):
    user = login("coordinator")
    other_device = app.test_client()
    assert sign_in(other_device, user.email).status_code == 302
    assert other_device.get("/account").status_code == 200

    response = change_password(client, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    user = reload(user)
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    assert "auth.password_changed" in actions()

    assert client.get("/account").status_code == 200  # this session goes on
    assert other_device.get("/account").status_code == 302  # the other one ended
    assert sign_in(app.test_client(), user.email).status_code == 200  # old password refused
    assert sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


# --- the interface language -------------------------------------------------------------------

@contextmanager
def database_writes():
    """Collect the INSERT, UPDATE and DELETE statements sent while the block runs."""
    writes: list[str] = []
    with statements_sent() as sent:
        yield writes
    writes.extend(s for s in sent
                  if s.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"))


def test_a_get_with_lang_changes_the_session_only(app, client, login):
    user = login("observer")
    entries = len(actions())
    with database_writes() as writes:
        assert html_lang(client.get("/?lang=kk")) == "kk"
        assert html_lang(client.get("/account")) == "kk"  # kept in the session
    assert writes == []
    assert reload(user).locale == "ru"
    assert len(actions()) == entries


def test_language_chosen_while_signed_in_is_saved_when_signing_out(app, client, login):
    user = login("observer")
    client.get("/?lang=kk")
    assert reload(user).locale == "ru"
    client.post("/logout")  # a POST: the choice is saved on the account now
    assert reload(user).locale == "kk"
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert reload(user).locale == "kk"
    # A new session on another device starts in the saved language.
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert html_lang(other_device.get("/account")) == "kk"


def test_the_next_person_on_a_shared_browser_keeps_their_own_language(client, make_user):
    first, second = make_user("observer"), make_user("observer")
    client.get("/login?lang=kk")
    client.post("/login", data={"email": first.email, "password": TEST_PASSWORD})
    assert reload(first).locale == "kk"
    client.post("/logout")
    client.post("/login", data={"email": second.email, "password": TEST_PASSWORD})
    assert reload(second).locale == "ru"
    assert html_lang(client.get("/account")) == "ru"


def test_a_language_picked_before_a_mistyped_password_is_still_saved(client, make_user):
    user = make_user("observer")
    client.get("/login?lang=en")
    client.post("/login", data={"email": user.email, "password": "not-the-password"})
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert reload(user).locale == "en"


def test_language_chosen_on_the_sign_in_page_is_kept_and_saved(client, make_user):
    user = make_user("observer")
    assert reload(user).locale == "ru"
    client.get("/login?lang=kk")
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert html_lang(client.get("/")) == "kk"
    assert reload(user).locale == "kk"


def test_anonymous_language_choice_is_kept_in_the_session(client):
    assert html_lang(client.get("/login")) == "ru"
    assert html_lang(client.get("/login?lang=kk")) == "kk"
    assert html_lang(client.get("/login")) == "kk"
    assert html_lang(client.get("/login?lang=xx")) == "kk"


def test_unsupported_language_is_ignored(client, login):
    user = login("observer")
    assert html_lang(client.get("/?lang=de")) == "ru"
    assert reload(user).locale == "ru"


def test_account_page_saves_the_language(client, login):
    user = login("hq")
    response = client.post("/account", data={"lang-locale": "en", "lang-submit_language": "y"})
    assert response.status_code == 302
    assert reload(user).locale == "en"
    assert html_lang(client.get("/account")) == "en"

    response = client.post("/account", data={"lang-locale": "xx", "lang-submit_language": "y"})
    assert response.status_code == 200
    assert reload(user).locale == "en"


# --- one-time links ---------------------------------------------------------------------------

def issue_link(client, user) -> str:
    response = client.post(f"/admin/users/{user.id}/reset-link?lang=en")
    assert response.status_code == 200
    match = re.search(r'value="http://localhost(/reset/[^"]+)"', response.get_data(as_text=True))
    assert match, "the page shows the link"
    return match.group(1)


def set_password_through(client, path, password=NEW_PASSWORD):
    return client.post(path, data={"password": password, "confirm": password})


def test_reset_link_sets_a_password_once(app, client, login, make_user):
    login("admin")
    user = make_user("observer")
    path = issue_link(client, user)
    token = path.rsplit("/", 1)[1]

    visitor = app.test_client()
    page = visitor.get(path + "?lang=en")
    assert page.status_code == 200
    assert user.email in page.get_data(as_text=True)
    response = set_password_through(visitor, path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert check_password_hash(reload(user).password_hash, NEW_PASSWORD)
    assert sign_in(visitor, user.email, NEW_PASSWORD).status_code == 302
    assert "auth.password_set_by_link" in actions()

    again = app.test_client().get(path + "?lang=en")
    assert again.status_code == 404
    assert "This link no longer works" in again.get_data(as_text=True)
    hash_after_first_use = reload(user).password_hash
    assert set_password_through(app.test_client(), path, "yet-another-password").status_code == 404
    assert reload(user).password_hash == hash_after_first_use

    # The secret appears nowhere in the database.
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert db.session.execute(select(OneTimeLink.token_hash)).scalar_one() == digest
    for table in ("one_time_link", "audit_entry"):
        rows = db.session.execute(text(f"SELECT * FROM {table}")).all()
        assert token not in repr(rows)


def test_reset_link_ends_the_sessions_of_the_account(app, client, login, make_user):
    login("admin")
    user = make_user("observer")
    device = app.test_client()
    sign_in(device, user.email)
    path = issue_link(client, user)
    set_password_through(app.test_client(), path)
    assert device.get("/account").status_code == 302


def test_expired_link_fails(client, login, make_user):
    login("admin")
    user = make_user("observer")
    path = issue_link(client, user)
    link = db.session.execute(select(OneTimeLink)).scalar_one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(path).status_code == 404
    assert set_password_through(client, path).status_code == 404
    assert not check_password_hash(reload(user).password_hash, NEW_PASSWORD)


def test_a_new_link_invalidates_the_older_one(app, client, login, make_user):
    login("admin")
    user = make_user("observer")
    older = issue_link(client, user)
    newer = issue_link(client, user)
    assert older != newer
    visitor = app.test_client()
    assert visitor.get(older).status_code == 404
    assert visitor.get(newer).status_code == 200


def test_a_reset_link_cancels_an_earlier_invitation_and_the_other_way_round(
        app, client, login, make_user):
    from observe.auth.services import issue_one_time_link

    login("admin")
    user = make_user("observer")
    invitation = "/reset/" + issue_one_time_link(user, purpose="invite", hours=24 * 7)
    db.session.commit()
    reset = issue_link(client, user)
    visitor = app.test_client()
    assert visitor.get(invitation).status_code == 404
    assert visitor.get(reset).status_code == 200

    newer_invitation = "/reset/" + issue_one_time_link(user, purpose="invite")
    db.session.commit()
    assert visitor.get(reset).status_code == 404
    assert visitor.get(newer_invitation).status_code == 200
    assert db.session.execute(select(func.count()).select_from(OneTimeLink).where(
        OneTimeLink.used_at.is_(None))).scalar_one() == 1


def test_too_short_password_through_a_link_keeps_the_link(app, client, login, make_user):
    login("admin")
    user = make_user("observer")
    path = issue_link(client, user)
    visitor = app.test_client()
    assert set_password_through(visitor, path, "short").status_code == 200
    assert visitor.get(path).status_code == 200
    assert set_password_through(visitor, path).status_code == 302


def test_no_link_for_a_deactivated_account(client, login, make_user):
    login("admin")
    user = make_user("observer")
    user.is_active = False
    db.session.commit()
    response = client.post(f"/admin/users/{user.id}/reset-link")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert db.session.execute(select(OneTimeLink)).first() is None


def test_unknown_token_is_a_404(client):
    assert client.get("/reset/not-a-real-token").status_code == 404
