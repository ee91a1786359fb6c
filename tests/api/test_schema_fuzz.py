"""The API against its own OpenAPI schema: validated, then fuzzed by schemathesis against a
running server (pytest-django's live_server, on the test database) with a bounded number of
examples per operation. Whatever is sent, no answer is a 500 and every answer (its status,
content type and body) is one the schema declares.

Generated ids are mostly unknown (a 404); half of them are mapped onto the rows made here,
so that the answers with content are checked as well. Calls carry a brand staff member's
write token, who may do what every endpoint offers.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 12


@pytest.fixture
def rows(transactional_db, make_member, make_thread, questions, ideas_category):
    alice = make_member("alice")
    staff = make_member("sophie", staff=True, title="Acme Support")
    thread = make_thread(category=questions, author=alice, tags=["lamp"], replies=[(alice, "Still blinking.")])
    idea = make_thread(category=ideas_category, author=alice, title="Let scenes follow the sunset")
    _token, raw = services.create_token(member=staff, name="fuzz", scope="read+write")
    posts = list(thread.posts.values_list("pk", flat=True))
    ids = {"thread_id": [thread.pk, idea.pk], "post_id": posts, "idea_id": [idea.pk]}
    return {"token": raw, "ids": ids, "names": {"slug": ["help", "ideas"], "username": ["alice", "sophie"]}}


def _known_rows(case, rows):
    """Half the generated ids and names become those of rows made here (the choice is the
    generated value's, so that hypothesis still shrinks and replays it)."""
    parameters = case.path_parameters or {}
    for name, ids in rows["ids"].items():
        value = parameters.get(name)
        if isinstance(value, int) and value % 2 == 0:
            parameters[name] = ids[value // 2 % len(ids)]
    for name, names in rows["names"].items():
        value = parameters.get(name)
        if isinstance(value, str) and len(value) % 2 == 0:
            parameters[name] = names[len(value) // 2 % len(names)]


@pytest.mark.postgres  # about 12 s: once in CI, in the PostgreSQL run, which is the stricter about input
def test_every_answer_matches_the_schema_and_none_is_a_server_error(live_server, rows):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 13
    headers = {"Authorization": f"Bearer {rows['token']}"}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def call(case):
            _known_rows(case, rows)
            response = case.call(base_url=live_server.url, headers=headers)
            case.validate_response(response, checks=CHECKS)

        call()
