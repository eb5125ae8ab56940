"""Two app nodes share nothing but the database, Redis and the upload folder: a session made on
one is good on the other and ends on both; the shared cache holds figures for every node."""

import uuid

import pytest
import redis

from observe.common import cache
from tests.conftest import TEST_PASSWORD, build_app

CACHE = "redis://127.0.0.1:6379/11"


def test_a_session_signed_in_on_one_node_works_and_ends_on_the_other(app, database_url,
                                                                      make_user):
    user = make_user("hq")
    node_a, node_b = (build_app(database_url).test_client() for _node in range(2))
    assert node_a.post("/login", data={"email": user.email, "password": TEST_PASSWORD}
                       ).status_code == 302
    cookie = node_a.get_cookie("session")
    node_b.set_cookie(cookie.key, cookie.value)
    assert node_b.get("/briefings/").status_code == 200  # same key, same session table
    assert node_b.post("/logout").status_code == 302
    assert node_a.get("/briefings/").status_code == 302  # signed out everywhere


@pytest.fixture
def shared_cache(app, monkeypatch):
    try:
        client = redis.Redis.from_url(CACHE, socket_connect_timeout=2)
        client.flushdb()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {CACHE}: {error}")
    monkeypatch.setitem(app.config, "CACHE_URL", CACHE)
    yield client
    client.flushdb()


def test_figures_are_computed_once_for_every_node(shared_cache):
    calls = []

    def figures():
        calls.append(1)
        return {"incidents": 12, "stations": [1, 2]}

    assert cache.get_or_set("dashboard:kz", 30, figures) == {"incidents": 12, "stations": [1, 2]}
    # Another node reads what the first stored (here: the same key straight from Redis).
    assert cache.get_or_set("dashboard:kz", 30, figures) == {"incidents": 12, "stations": [1, 2]}
    assert len(calls) == 1 and shared_cache.ttl("observe:cache:dashboard:kz") > 0
    cache.forget("dashboard:kz")
    cache.get_or_set("dashboard:kz", 30, figures)
    assert len(calls) == 2


def test_without_a_shared_cache_each_process_keeps_its_own(app):
    calls, key = [], f"local:{uuid.uuid4()}"
    for _ in range(3):
        assert cache.get_or_set(key, 30, lambda: calls.append(1) or 7) == 7
    assert len(calls) == 1


def test_a_cache_that_does_not_answer_is_skipped(app, monkeypatch):
    monkeypatch.setitem(app.config, "CACHE_URL", "redis://127.0.0.1:1/0")
    assert cache.get_or_set("x", 30, lambda: 5) == 5


@pytest.mark.parametrize("broker, warned", [("", True), ("redis://127.0.0.1:6379/0", False)])
def test_production_without_a_broker_warns(tmp_path, monkeypatch, caplog, broker, warned):
    from observe import create_app
    from observe.extensions import db

    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    production = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        "OBSERVE_ENV": "production", "SECRET_KEY": "a-real-secret-key-0123456789-abcdefghij",
        "RATELIMIT_STORAGE_URI": "memory://", "CELERY_BROKER_URL": broker})
    assert any("CELERY_BROKER_URL" in r.getMessage() for r in caplog.records) is warned
    with production.app_context():
        db.engine.dispose()
