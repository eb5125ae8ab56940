"""Which pages the phone's service worker may keep, through HTTP: only the observer's own report
pages, marked with a key of their account (another account, another key), never a page showing a
flash message, never a staff page; the worker itself is public and may take the whole site."""

import pytest

from observe.reports.views.observer import OWNER_HEADER


@pytest.fixture
def observer_client(client, login, polling_day):
    login(user=polling_day.own.user)
    return client


def test_the_worker_is_public_scoped_to_the_site_and_lists_the_pages_files(client):
    response = client.get("/reports/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    body = response.get_data(as_text=True)
    assert "/bootstrap/static/css/bootstrap.min.css?v=" in body
    assert "/static/js/reports/polling.js?v=" in body
    assert "worker-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_observers_pages_carry_their_accounts_key(observer_client, polling_day, client,
                                                      login):
    station = polling_day.own.station.id
    keys = {observer_client.get(path).headers.get(OWNER_HEADER)
            for path in ("/reports/", f"/reports/stations/{station}/turnout", "/reports/mine")}
    assert len(keys) == 1 and None not in keys
    own_key = keys.pop()
    assert f'data-owner="{own_key}"' in observer_client.get("/reports/").get_data(as_text=True)
    # Not a missing page, not a POST's answer.
    assert OWNER_HEADER not in observer_client.get(
        f"/reports/stations/{polling_day.other.station.id}/turnout").headers
    refused = observer_client.post(f"/reports/stations/{station}/turnout", data={"voters": "x"})
    assert OWNER_HEADER not in refused.headers

    client.post("/logout")
    login(user=polling_day.other.user)
    assert OWNER_HEADER not in client.get("/reports/").headers  # it shows "signed out"
    other_key = client.get("/reports/").headers.get(OWNER_HEADER)
    assert other_key and other_key != own_key


def test_a_page_showing_a_flash_message_is_not_kept(observer_client, polling_day):
    url = f"/reports/stations/{polling_day.own.station.id}/check-in"
    html = observer_client.get(url).get_data(as_text=True)
    token = html.split('name="uuid" type="hidden" value="')[1][:36]
    sent = observer_client.post(url, data={"uuid": token})
    receipt = observer_client.get(sent.headers["Location"])
    assert "Received at" in receipt.get_data(as_text=True)
    assert OWNER_HEADER not in receipt.headers
    assert OWNER_HEADER in observer_client.get(sent.headers["Location"]).headers


def test_staff_pages_are_never_kept(client, login):
    login(role="admin")
    for path in ("/reports/triage", "/"):
        response = client.get(path)
        assert response.status_code == 200
        assert OWNER_HEADER not in response.headers
