"""Members vote for one idea at the same moment, each on their own database connection:
the count stays exact, and one member's two requests give one vote."""

import pytest
from django.db import connection

from ideas.models import Idea, IdeaVote
from ideas.services import vote_for_idea, withdraw_idea_vote
from tests.conftest import all_at_once, require_service

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_votes_sent_together_are_each_counted_once_on_postgresql(idea, make_member):
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://...")
    voters = [make_member(f"voter{n}") for n in range(8)]

    errors = all_at_once([lambda m=m: vote_for_idea(thread=idea, member=m) for m in voters + voters[:3]])

    assert not errors, errors
    assert IdeaVote.objects.filter(idea__thread=idea).count() == 8
    assert Idea.objects.get(thread=idea).votes == 8

    errors = all_at_once([lambda m=m: withdraw_idea_vote(thread=idea, member=m) for m in voters[:4] + voters[:4]])

    assert not errors, errors
    assert Idea.objects.get(thread=idea).votes == IdeaVote.objects.filter(idea__thread=idea).count() == 4
