"""The OpenAPI schema (/api/schema/) is a valid OpenAPI 3 document that says what each
operation answers and who may call it; the docs (/api/docs/) work offline, under the
site's Content-Security-Policy."""

import re

import schemathesis
from django.contrib.staticfiles import finders


def test_the_schema_is_valid_openapi_3_and_declares_every_answer(client, db):
    response = client.get("/api/schema/")
    document = response.json()

    schemathesis.openapi.from_dict(document).validate()
    assert document["openapi"].startswith("3.")
    operations = {(method, path): op for path, item in document["paths"].items() for method, op in item.items()}
    assert len(operations) == 13
    for (method, path), operation in operations.items():
        declared = set(operation["responses"])
        if method == "get":
            assert {"200", "400", "401", "404", "422", "429"} <= declared, path
            assert operation["security"] == [{"BearerToken": []}, {}], path  # a token, or none
        else:
            assert {"400", "401", "403", "404", "422", "429"} <= declared, path
            assert operation["security"] == [{"BearerToken": []}], path
    assert document["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}


def test_no_member_field_in_the_schema_is_an_email(client, db):
    member = client.get("/api/schema/").json()["components"]["schemas"]["Member"]

    assert not any("mail" in name for name in member["properties"])


def test_the_docs_page_loads_only_the_sites_own_files(client, db):
    response = client.get("/api/docs/")
    html = response.content.decode()

    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/static/ninja/") for source in sources), sources
    assert all(finders.find(source.removeprefix("/static/")) for source in sources)
    assert "<script>" not in html.replace('<script type="application/json"', "")  # no inline script
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "img-src 'self' data:" in policy


def test_the_api_index_names_its_version_schema_and_docs(client, db):
    index = client.get("/api/").json()

    assert index["version"] == "1"
    assert index["schema"].endswith("/api/schema/") and index["docs"].endswith("/api/docs/")
