"""Every read endpoint answers in a number of queries that does not grow with what it lists:
pages of 20 threads, posts and ideas, each by a different author with tags, read with a token
(its lookup is one of the queries) after a first request has noted the token's use."""

import pytest

from forum import services
from forum.models import Thread
from tests.api.conftest import token_for

PAGE = 20


@pytest.fixture
def crowd(make_member, make_thread, questions, ideas_category, member):
    authors = [make_member(f"writer{n}") for n in range(PAGE + 2)]

    question = make_thread(category=questions, author=member, tags=["lamp", "wifi"])
    for author in authors:
        services.post_reply(thread=question, author=author, body=f"Reply by {author.username}.")
        make_thread(category=questions, author=author, tags=["lamp", author.username])
        make_thread(category=ideas_category, author=author, tags=["scenes"])
    return question


# Each path, and the most queries it may make: the token, then the page's own reads.
BUDGETS = {
    "/categories": 2,
    "/categories/help": 2,
    "/categories/help/threads": 4,
    "/categories/help/threads?order=created": 4,
    "/threads/{question}": 4,
    "/posts/{post}": 2,
    "/members/writer3": 2,
    "/ideas": 4,
    "/ideas?sort=top&status=new": 4,
    "/ideas/{idea}": 4,
}


def test_each_read_costs_a_fixed_number_of_queries(api, crowd, member, django_assert_max_num_queries):
    token = token_for(member)
    api.get("/categories", token)  # notes the token's use, once a minute
    idea = Thread.objects.filter(category__slug="ideas").first()
    for path, most in BUDGETS.items():
        path = path.format(question=crowd.pk, post=crowd.posts.last().pk, idea=idea.pk)

        with django_assert_max_num_queries(most, info=path):
            response = api.client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})

        assert response.status_code == 200, (path, response.content)
        body = response.json()
        items = body.get("items", body.get("posts")) if isinstance(body, dict) else None
        assert items is None or len(items) == PAGE, path
