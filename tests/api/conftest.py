"""API test helpers: a token per user, and a client that sends it."""

import pytest

from observe.auth import services as auth_services
from observe.extensions import db
from tests.reports.conftest import PollingDay, polling_day  # noqa: F401  (a fixture)

__all__ = ["PollingDay", "polling_day"]


class ApiClient:
    """The test client with `Authorization: Bearer <token>` on every request."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def open(self, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.open("POST", path, **kwargs)


@pytest.fixture
def token_for(app):
    """A new API token of the user."""

    def make(user, name: str = "test") -> str:
        token = auth_services.create_api_token(user, name=name)
        db.session.commit()
        return token

    return make


@pytest.fixture
def api(app, client, token_for, make_user):
    """api(user_or_role) -> a client calling the API with a token of that user."""

    def make(user="hq"):
        if isinstance(user, str):
            user = make_user(user)
        return ApiClient(app.test_client(), token_for(user))

    return make
