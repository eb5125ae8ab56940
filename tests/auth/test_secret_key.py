"""The key that signs sessions is never one published with the code."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from observe import create_app
from observe.config import INSECURE_DEV_KEY, KNOWN_KEYS, ROOT, TESTING_KEY
from observe.extensions import db

REAL_KEY = "a-real-secret-key-from-the-environment-0123456789"


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Development settings on a throwaway database, with no key given anywhere."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
            "OBSERVE_ENV": "development", "SECRET_KEY": None,
            "SECRET_KEY_FILE": str(tmp_path / "instance" / "secret_key")}


def dispose(app):
    with app.app_context():
        db.engine.dispose()


def test_without_a_key_a_random_one_is_made_once_and_reused(settings):
    first = create_app(dict(settings))
    key_file = settings["SECRET_KEY_FILE"]
    key = first.config["SECRET_KEY"]
    assert key not in KNOWN_KEYS and len(key) >= 64
    assert Path(key_file).read_text().strip() == key
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600  # readable by its owner only
    second = create_app(dict(settings))
    assert second.config["SECRET_KEY"] == key  # sessions survive a restart
    dispose(first)
    dispose(second)


@pytest.mark.parametrize("key", [INSECURE_DEV_KEY, TESTING_KEY])
def test_a_published_key_refuses_to_start_outside_flask_run(settings, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({**settings, "SECRET_KEY": key})


def test_gunicorn_with_the_published_key_does_not_start(settings):
    """What gunicorn does: import wsgi without the flask command line."""
    env = {k: v for k, v in os.environ.items() if k != "FLASK_RUN_FROM_CLI"}
    env.update(SECRET_KEY=INSECURE_DEV_KEY, OBSERVE_ENV="development",
               DATABASE_URL=settings["SQLALCHEMY_DATABASE_URI"])
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_flask_run_on_a_developers_machine_still_accepts_it(settings, monkeypatch):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    app = create_app({**settings, "SECRET_KEY": INSECURE_DEV_KEY})
    assert app.config["SECRET_KEY"] == INSECURE_DEV_KEY
    dispose(app)


def test_a_session_forged_with_the_published_key_is_refused(app, database_url, make_user,
                                                            tmp_path):
    admin = make_user("admin")
    # The default settings, as gunicorn would serve them with no SECRET_KEY in the environment.
    served = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                         "SECRET_KEY_FILE": str(tmp_path / "secret_key")})
    forger = Flask("forger")
    forger.secret_key = INSECURE_DEV_KEY
    cookie = SecureCookieSessionInterface().get_signing_serializer(forger).dumps(
        {"_user_id": f"{admin.id}:{admin.session_version}", "_fresh": True})
    client = served.test_client()
    client.set_cookie("session", cookie)
    response = client.get("/admin/users/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    dispose(served)


def test_production_with_per_worker_rate_limits_warns(settings, caplog):
    production = create_app({**settings, "OBSERVE_ENV": "production", "SECRET_KEY": REAL_KEY,
                             "RATELIMIT_STORAGE_URI": "memory://"})
    assert any("RATELIMIT_STORAGE_URI" in record.getMessage() for record in caplog.records)
    dispose(production)
