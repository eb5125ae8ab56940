"""The OpenAPI document: valid OpenAPI 3.1, generated from the routes, with a reference page."""

from openapi_spec_validator import validate

from observe.api.registry import OPERATIONS


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_api_route_is_in_the_document(app, client):
    document = client.get("/api/v1/openapi.json").json
    documented = {(method.upper(), "/api/v1" + path)
                  for path, methods in document["paths"].items() for method in methods}
    meta = {"/api/v1/openapi.json", "/api/v1/docs"}
    routes = {(method, rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}"))
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
              and rule.rule not in meta
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented
    assert len(OPERATIONS) == len(documented)


def test_the_document_describes_what_validation_refuses(client):
    """Parameters come from the same pydantic models the views validate with."""
    document = client.get("/api/v1/openapi.json").json
    parameters = {p["name"]: p for p in document["paths"]["/stations"]["get"]["parameters"]}
    assert parameters["election_id"]["required"] is True
    assert parameters["limit"]["schema"]["maximum"] == 200
    errors = document["paths"]["/stations"]["get"]["responses"]
    assert {"200", "401", "403", "404", "422", "429"} <= set(errors)


def test_the_reference_page_is_rendered_without_inline_script_or_style(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "GET /api/v1/stations" in html and "openapi.json" in html
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert "cdn" not in html.lower()
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
