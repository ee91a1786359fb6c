"""Twenty members vote on one reply at the same moment, each on their own database connection.

The reply's author must end with exactly 20 × 10 points, in step with their
ledger, and the reply with a score of 20: no lost update, no duplicate row.
"""

import pytest
from django.db import connection

from forum import services
from forum.models import Category, Post, Vote
from profiles.models import Member
from reputation import ledger
from reputation.models import BadgeAward, ReputationEntry
from tests.conftest import all_at_once, require_service

VOTERS = 20

pytestmark = pytest.mark.django_db(transaction=True)


def vote_all_at_once(post, voters) -> list[BaseException]:
    """Each voter casts a vote from their own thread (so their own connection), all released together."""
    return all_at_once([lambda voter=voter: services.cast_vote(post=Post(pk=post.pk), voter=voter) for voter in voters])


@pytest.fixture
def reply(make_member):
    asker, answerer = make_member("asker"), make_member("answerer")
    category = Category.objects.create(slug="help", name="Help", kind=Category.Kind.QUESTIONS)
    thread = services.start_thread(category=category, author=asker, title="Why is the sky blue?", body="Why?")
    return services.post_reply(thread=thread, author=answerer, body="Rayleigh scattering.")


@pytest.fixture
def voters(make_member):
    return [make_member(f"voter{i}") for i in range(VOTERS)]


def assert_every_vote_counted(reply):
    author = Member.objects.get(pk=reply.author_id)
    assert author.reputation == ledger.ledger_total(author.pk) == VOTERS * 10
    assert ReputationEntry.objects.filter(member=author, reason=ReputationEntry.Reason.REPLY_HELPFUL).count() == VOTERS
    assert Post.objects.get(pk=reply.pk).score == VOTERS
    assert Vote.objects.filter(post=reply).count() == VOTERS
    assert Member.objects.filter(pk__in=Vote.objects.values("voter"), bronze_badges__gte=1).count() == VOTERS
    assert list(ledger.mismatched_members()) == []
    badges = sorted(BadgeAward.objects.filter(member=author).values_list("badge", flat=True))
    assert badges == ["first-answer", "good-answer", "helpful"]  # each once, whoever's vote earned it


@pytest.mark.postgres
def test_twenty_members_voting_on_one_reply_at_the_same_moment_on_postgresql(reply, voters):
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://...")

    errors = vote_all_at_once(reply, voters)

    assert errors == []
    assert_every_vote_counted(reply)
