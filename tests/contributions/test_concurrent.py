"""Rows that many transactions add to at the same moment, each on its own database connection.

The rows are changed by INSERT ... ON CONFLICT DO UPDATE adding to the stored values: no lost
update when two transactions add to one row, and no duplicate (or error) when both create it.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from contributions import selectors
from forum import services
from forum.models import Category, Post
from tests.conftest import all_at_once, require_service
from tests.contributions.truth import assert_rows_match_posts

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgresql():
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://...")


@pytest.fixture
def help_category(db):
    return Category.objects.create(slug="help", name="Help", kind=Category.Kind.QUESTIONS)


def test_ten_votes_at_once_on_one_reply_all_count(make_member, help_category):
    asker, answerer = make_member("asker"), make_member("answerer")
    voters = [make_member(f"voter{i}") for i in range(10)]
    thread = services.start_thread(category=help_category, author=asker, title="Why is the sky blue?", body="Why?")
    reply = services.post_reply(thread=thread, author=answerer, body="Rayleigh scattering.")

    errors = all_at_once([lambda v=v: services.cast_vote(post=Post(pk=reply.pk), voter=v) for v in voters])

    assert errors == []
    assert selectors.counts(answerer, AnonymousUser())["votes"] == 10
    assert_rows_match_posts([answerer], [AnonymousUser()])


def test_a_member_s_first_replies_in_six_threads_at_once_make_one_row_each(make_member, help_category):
    asker, answerer = make_member("asker"), make_member("answerer")
    threads = [
        services.start_thread(category=help_category, author=asker, title=f"Question {i}", body="?", tags=["wifi"])
        for i in range(6)
    ]

    errors = all_at_once(
        [lambda t=t: services.post_reply(thread=t, author=answerer, body="Try this.") for t in threads]
    )

    assert errors == []
    assert selectors.counts(answerer, AnonymousUser())["replies"] == 6
    assert_rows_match_posts([answerer], [AnonymousUser()])
