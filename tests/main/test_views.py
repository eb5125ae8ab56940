def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_index_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_signed_in_home_lists_what_the_role_can_open(client, login):
    login("coordinator")
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Branches" in page
    assert "Manage users" not in page
