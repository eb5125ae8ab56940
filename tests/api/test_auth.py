"""Token authentication, the error envelope and the rate limit of the API."""

from observe.auth import services as auth_services
from observe.auth.models import ApiToken
from observe.common.db import utcnow
from observe.extensions import db
from tests.conftest import TEST_PASSWORD


def envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.json["error"]
    assert error["code"] == code and error["message"] and isinstance(error["fields"], dict)
    return error


def test_no_token_is_401_with_the_envelope(client):
    response = client.get("/api/v1/me")
    envelope(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_or_revoked_token_is_401(api, make_user, token_for, client):
    user = make_user("hq")
    token = token_for(user)
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer obs_nope"}
                      ).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Basic {token}"}
                      ).status_code == 401
    api_token = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    api_token.revoked_at = utcnow()
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401


def test_a_deactivated_account_token_is_401(client, make_user, token_for):
    user = make_user("coordinator")
    token = token_for(user)
    auth_services.set_active(user, False)
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401


def test_a_session_cookie_alone_is_refused(client, login):
    login("admin")
    assert client.get("/account").status_code == 200  # the cookie does sign in on the web
    envelope(client.get("/api/v1/me"), 401, "unauthorized")


def test_the_token_wins_over_a_cookie_of_another_user(client, login, make_user, token_for):
    login("admin")
    observer = make_user("observer")
    response = client.get("/api/v1/me",
                          headers={"Authorization": f"Bearer {token_for(observer)}"})
    assert response.status_code == 200
    assert response.json["email"] == observer.email and response.json["role"] == "observer"


def test_the_api_sets_no_cookie(api):
    response = api("hq").get("/me?lang=kk")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_each_use_records_the_last_used_time(api, make_user):
    user = make_user("hq")
    client = api(user)
    api_token = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    assert api_token.last_used_at is None
    before = utcnow()
    assert client.get("/me").status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, api_token.id).last_used_at >= before.replace(microsecond=0)


def test_token_posts_need_no_csrf_token(app, api, monkeypatch):
    # CSRF is on in this test (as in production); a token POST still gets past it to the view.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = api("hq").post("/checkins", json={})
    assert response.status_code in (403, 404, 422), response.get_data(as_text=True)
    assert response.status_code != 400


def test_unknown_paths_and_methods_answer_the_envelope(api):
    client = api("hq")
    envelope(client.get("/no-such-thing"), 404, "not_found")
    response = client.post("/me")
    envelope(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_invalid_query_is_422_with_field_messages(api):
    error = envelope(api("hq").get("/stations?election_id=x&limit=0"), 422, "invalid")
    assert set(error["fields"]) == {"election_id", "limit"}


def test_a_bad_cursor_is_422(api):
    error = envelope(api("hq").get("/elections?cursor=o-1"), 422, "invalid")
    assert "cursor" in error["fields"]


def test_a_token_over_its_rate_limit_gets_429_with_retry_after(app, api, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    first, second = api(make_user("hq")), api(make_user("hq"))
    for _ in range(3):
        assert first.get("/me").status_code == 200
    response = first.get("/me")
    envelope(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0
    # Counted per token: another token of the same address goes on.
    assert second.get("/me").status_code == 200


def test_the_web_login_still_works_beside_the_api(client, make_user):
    user = make_user("hq")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
