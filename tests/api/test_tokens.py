"""API tokens on the account page: create with a name (shown once), list, revoke; the CLI."""

import hashlib
import re

from observe.auth.models import ApiToken
from observe.extensions import db
from tests.conftest import TEST_PASSWORD

TOKEN = re.compile(r'value="(obs_[A-Za-z0-9_-]+)"')


def create(client, name="My phone"):
    return client.post("/account", data={"token-name": name, "token-submit_token": "1"})


def test_a_token_is_created_with_a_name_shown_once_and_stored_hashed(client, login):
    user = login("coordinator")
    response = create(client)
    assert response.status_code == 200
    token = TOKEN.search(response.get_data(as_text=True)).group(1)
    stored = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    assert stored.name == "My phone"
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # It works with the API, carrying the account's role.
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["role"] == "coordinator"
    # The next visit lists it by name, with its last use, and never shows it again.
    page = client.get("/account?lang=en").get_data(as_text=True)
    assert "My phone" in page and token not in page and "never" not in page
    assert "Set-Cookie" not in response.headers or token not in response.headers["Set-Cookie"]


def test_a_token_needs_a_name(client, login):
    user = login("observer")
    response = create(client, name="  ")
    assert response.status_code == 200
    assert not TOKEN.search(response.get_data(as_text=True))
    assert db.session.query(ApiToken).filter_by(user_id=user.id).count() == 0


def test_a_revoked_token_stops_working(client, login):
    user = login("hq")
    token = TOKEN.search(create(client).get_data(as_text=True)).group(1)
    stored = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    response = client.post(f"/account/tokens/{stored.id}/revoke")
    assert response.status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401
    assert "revoked" in client.get("/account?lang=en").get_data(as_text=True)


def test_one_cannot_revoke_someone_elses_token(client, login, make_user, token_for):
    other = make_user("hq")
    token = token_for(other)
    stored = db.session.query(ApiToken).filter_by(user_id=other.id).one()
    login("admin")
    assert client.post(f"/account/tokens/{stored.id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 200


def test_the_list_shows_last_use(client, login):
    login("hq")
    token = TOKEN.search(create(client, "Bot").get_data(as_text=True)).group(1)
    assert "never" in client.get("/account?lang=en").get_data(as_text=True)
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    page = client.get("/account?lang=en").get_data(as_text=True)
    assert "Bot" in page and "never" not in page


def test_the_cli_still_prints_a_token(app, make_user):
    user = make_user("hq")
    result = app.test_cli_runner().invoke(args=["users", "token", "--email", user.email,
                                                "--name", "partner"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    client = app.test_client()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                      ).json["email"] == user.email
    assert TEST_PASSWORD not in result.output
