"""HTTP hardening: headers, cookies, production settings, CSRF, password hashing, SQLite pragmas."""

import re

import pytest
from sqlalchemy import text

from observe import create_app
from observe.auth.services import hash_password
from observe.config import INSECURE_DEV_KEY
from observe.extensions import db
from tests.conftest import TEST_PASSWORD, build_app

REAL_KEY = "a-real-secret-key-from-the-environment-0123456789"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def cookie_header(response, name="session") -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "=")]
    assert cookies, f"no {name} cookie set"
    return cookies[-1]


def cookie_attributes(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'other.sqlite3'}"


# --- headers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/login", "/healthz", "/no-such-page", "/branches/"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]


@pytest.mark.parametrize("path", ["/", "/account", "/branches/", "/admin/users/", "/admin/audit/",
                                  "/admin/users/new", "/branches/new"])
def test_pages_have_no_inline_script_the_policy_would_block(client, login, path):
    login("admin")
    html = client.get(path).get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, "the page loads its scripts"
    for attributes, body in scripts:
        assert 'src="/' in attributes and not body.strip()
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handlers are blocked by the CSP"
    assert "javascript:" not in html


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user("observer")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    attributes = cookie_attributes(cookie_header(response))
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes  # plain HTTP in development and tests


# --- production settings ----------------------------------------------------------------------

@pytest.mark.parametrize("key", [INSECURE_DEV_KEY, "", None])
def test_production_refuses_to_start_without_a_real_secret_key(sqlite_url, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url, "OBSERVE_ENV": "production",
                    "SECRET_KEY": key})


def test_production_named_by_the_environment_refuses_too(monkeypatch, sqlite_url):
    monkeypatch.setenv("OBSERVE_ENV", "production")
    with pytest.raises(RuntimeError):
        create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url, "SECRET_KEY": INSECURE_DEV_KEY})


@pytest.mark.parametrize("key", [INSECURE_DEV_KEY, ""])
def test_test_settings_do_not_exempt_production_from_the_check(sqlite_url, key):
    with pytest.raises(RuntimeError):
        build_app(sqlite_url, OBSERVE_ENV="production", SECRET_KEY=key)


@pytest.mark.parametrize("named_by", ["config", "environment"])
def test_production_with_a_real_key_sends_secure_cookies(monkeypatch, sqlite_url, named_by):
    config = {"SQLALCHEMY_DATABASE_URI": sqlite_url, "SECRET_KEY": REAL_KEY}
    if named_by == "config":
        config["OBSERVE_ENV"] = "production"
    else:
        monkeypatch.setenv("OBSERVE_ENV", "production")
    production = create_app(config)
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    client = production.test_client()
    response = client.get("/login?lang=en", base_url="https://observe.example.org")
    assert response.status_code == 200
    attributes = cookie_attributes(cookie_header(response))
    assert {"secure", "httponly", "samesite=lax"} <= attributes
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with production.app_context():
        db.engine.dispose()


def test_one_apps_security_settings_do_not_leak_into_another(app, client, sqlite_url):
    production = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url, "SECRET_KEY": REAL_KEY,
                             "OBSERVE_ENV": "production"})
    response = client.get("/login?lang=en", base_url="https://localhost")
    assert "Strict-Transport-Security" not in response.headers
    assert "secure" not in cookie_attributes(cookie_header(response))
    assert app.config["SESSION_COOKIE_SECURE"] is False
    with production.app_context():
        db.engine.dispose()


# --- CSRF -------------------------------------------------------------------------------------

def test_csrf_token_is_required_when_enabled(app, make_user):
    user = make_user("observer")
    protected = build_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    try:
        client = protected.test_client()
        credentials = {"email": user.email, "password": TEST_PASSWORD}
        refused = client.post("/login", data=credentials)
        assert refused.status_code == 400
        forged = client.post("/login", data={**credentials, "csrf_token": "forged"})
        assert forged.status_code == 400

        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        accepted = client.post("/login", data={**credentials, "csrf_token": token})
        assert accepted.status_code == 302
        # Signing out is a POST, so it needs the token as well: no cross-site sign-out.
        assert client.post("/logout").status_code == 400
        assert client.get("/account").status_code == 200
    finally:
        with protected.app_context():
            db.session.remove()
            db.engine.dispose()


# --- passwords and the database ---------------------------------------------------------------

def test_passwords_are_hashed_with_scrypt(make_user):
    user = make_user("observer")
    assert user.password_hash.startswith("scrypt:")
    assert TEST_PASSWORD not in user.password_hash
    assert hash_password(TEST_PASSWORD) != hash_password(TEST_PASSWORD)  # salted


def test_production_password_hashing_uses_scrypt(sqlite_url):
    production = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url, "SECRET_KEY": REAL_KEY,
                             "OBSERVE_ENV": "production"})
    with production.app_context():
        assert hash_password("whatever-it-is").startswith("scrypt:32768:8:1$")
        db.engine.dispose()


@pytest.mark.sqlite_only
def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_foreign_keys_are_enforced(backend):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.execute(text(
            "INSERT INTO user_account (email, full_name, phone, password_hash, role, branch_id,"
            " is_active, locale, failed_logins, created_at, session_version) VALUES"
            " ('x@example.org', '', '', '', 'observer', 424242, true, 'ru', 0,"
            " CURRENT_TIMESTAMP, 1)"))
        db.session.flush()
    db.session.rollback()
