"""The author card beside each post says the author's reputation and badges in words, for screen
readers and as a tooltip, not only as symbols; it costs no query of its own."""

import html
import re

import pytest
from django.utils import translation

from profiles.models import Member
from tests.forum.test_query_counts import THREAD_PAGE_MAX

pytestmark = pytest.mark.django_db


@pytest.fixture
def advocate(make_member):
    return make_member("ada", display_name="Ada Lovelace")


@pytest.fixture
def thread_url(make_thread, discussion, advocate, other_member):
    """A thread where Ada (1,240 points, 3 gold and 12 bronze badges) replied to Bruno (none)."""
    thread = make_thread(category=discussion, author=other_member, replies=[(advocate, "Try this.")])
    Member.objects.filter(pk=advocate.pk).update(reputation=1240, gold_badges=3, silver_badges=0, bronze_badges=12)
    return thread.get_absolute_url()


def author_card(page: str, name: str) -> str:
    """The author card of the (first) post by the member named `name`."""
    cards = re.findall(r'<aside class="author-card">.*?</aside>', page, re.S)
    return next(card for card in cards if f">{name}</a>" in card)


def test_the_card_says_reputation_and_each_tier_of_badges_in_words(client, thread_url):
    page = client.get(thread_url).content.decode()

    card = author_card(page, "Ada Lovelace")
    words = "1,240 reputation points · 3 gold badges, 12 bronze badges"
    assert f'<span class="visually-hidden">{words}</span>' in card
    assert f'title="{html.escape(words)}"' in card
    assert 'aria-hidden="true"' in card.split('class="author-standing"')[1].split(">")[0]


def test_a_member_without_badges_has_only_reputation_in_words(client, thread_url):
    card = author_card(client.get(thread_url).content.decode(), "Bruno Lefèvre")

    assert '<span class="visually-hidden">0 reputation points</span>' in card


def test_the_words_are_french_for_a_french_reader(client, thread_url):
    try:
        page = client.get(thread_url, headers={"accept-language": "fr"}).content.decode()
    finally:
        translation.activate("en")

    words = "1\xa0240 points de réputation · 3 badges d’or, 12 badges de bronze"
    assert f'<span class="visually-hidden">{words}</span>' in html.unescape(author_card(page, "Ada Lovelace"))


def test_the_words_cost_no_query(client, thread_url, advocate, django_assert_max_num_queries):
    client.force_login(advocate)

    with django_assert_max_num_queries(THREAD_PAGE_MAX):
        response = client.get(thread_url)

    assert "1,240 reputation points" in response.content.decode()
