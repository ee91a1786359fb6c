"""Visitors get cached pages until content changes; members never get a visitor's copy
(their own shared copy: tests/forum/test_member_page_cache.py)."""

import pytest

from forum import services


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def thread(make_thread, discussion, member):
    return make_thread(category=discussion, author=member, title="Cached thread title", body="First words.")


def test_a_visitor_gets_the_same_page_from_the_cache(page_cache, client, thread, django_assert_max_num_queries):
    first = client.get(thread.get_absolute_url())
    with django_assert_max_num_queries(0):
        second = client.get(thread.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_a_reply_shows_at_once_to_visitors(page_cache, client, thread, other_member):
    client.get(thread.get_absolute_url())
    services.post_reply(thread=thread, author=other_member, body="A brand new answer.")

    response = client.get(thread.get_absolute_url())

    assert "X-Page-Cache" not in response
    assert "A brand new answer." in response.content.decode()


def test_hiding_a_post_removes_it_from_visitors_pages_at_once(page_cache, client, thread, other_member, moderator):
    from moderation import actions

    reply = services.post_reply(thread=thread, author=other_member, body="Spam, spam and spam.")
    assert "Spam, spam and spam." in client.get(thread.get_absolute_url()).content.decode()

    actions.hide_post(post=reply, by=moderator, reason="Spam")

    assert "Spam, spam and spam." not in client.get(thread.get_absolute_url()).content.decode()


def test_members_are_never_served_a_visitors_copy(page_cache, client, thread, other_member):
    client.get(thread.get_absolute_url())
    client.force_login(other_member)

    response = client.get(thread.get_absolute_url())

    assert "X-Page-Cache" not in response
    assert "Your reply" in response.content.decode()


def test_each_language_has_its_own_copy(page_cache, client, thread):
    english = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    french = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")

    assert 'lang="en"' in english.content.decode()
    assert 'lang="fr"' in french.content.decode()


def test_visitor_pages_carry_no_form_token_and_set_no_cookie(page_cache, client, thread):
    response = client.get(thread.get_absolute_url())

    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_the_language_switch_works_without_a_form_token(client, thread):
    response = client.get("/language/", {"language": "fr", "next": thread.get_absolute_url()})

    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    assert 'lang="fr"' in client.get(thread.get_absolute_url()).content.decode()


def test_the_language_switch_refuses_to_send_visitors_elsewhere(client):
    response = client.get("/language/", {"language": "fr", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_a_member_switching_language_keeps_it_as_their_preference(client, member, thread):
    client.force_login(member)

    response = client.get("/language/", {"language": "fr", "next": thread.get_absolute_url()})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "fr"


def test_a_category_made_staff_only_leaves_visitors_pages_and_the_api_at_once(page_cache, client, thread):
    """A category's access is changed in the admin, not by a forum event: its threads must not be
    served from a copy made while it was public (the thread's page, its list, the API)."""
    pages = [thread.get_absolute_url(), thread.category.get_absolute_url(), f"/api/v1/threads/{thread.pk}"]
    assert [client.get(url).status_code for url in pages] == [200, 200, 200]

    category = thread.category
    category.access = category.Access.STAFF
    category.save()

    assert [client.get(url).status_code for url in pages] == [404, 404, 404]
