"""Members who take part with no role share one copy of each page (web/pagecache.py).

A copy is rendered for the first member who asks and served to the next, with each
member's own parts filled in: the header's menu, the CSRF tokens, their buttons under
each post and their follow state. Every test reads as one member after another, so
that the second is served the first one's copy, and checks that nothing of the first
reached the second, and that what must be a member's own never becomes a copy.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from forum import services
from forum.models import Post, Thread, Visibility
from moderation import actions
from notifications import services as notifications
from tests.live_html import element_by_id
from web import pagecache

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True


def reader(member, **options) -> Client:
    client = Client(**options)
    client.force_login(member)
    return client


def page(client, url, *, shared: bool | None = None) -> str:
    response = client.get(url)
    assert response.status_code == 200
    if shared is not None:
        assert (response.get("X-Page-Cache") == "hit") is shared
    return response.content.decode()


def part(html: str, element_id: str) -> str:
    return str(element_by_id(html, element_id))


@pytest.fixture
def asker(make_member):
    return make_member("asker", display_name="Ada Asker")


@pytest.fixture
def answerer(make_member):
    return make_member("answerer", display_name="Ben Answerer")


@pytest.fixture
def reader_one(make_member):
    return make_member("readerone", display_name="Cleo Reader")


@pytest.fixture
def thread(make_thread, questions, asker, answerer):
    return make_thread(
        category=questions, author=asker, title="The hub loses its pairing", replies=[(answerer, "Reset it twice.")]
    )


@pytest.fixture
def reply(thread):
    return Post.objects.get(thread=thread, is_opening=False)


def test_a_second_member_is_served_the_copy_with_their_own_header_and_token(thread, asker, reader_one):
    first = page(reader(asker), "/", shared=False)
    client = reader(reader_one, enforce_csrf_checks=True)
    second = page(client, "/", shared=True)

    menu = '<span class="menu-name">{}</span>'
    assert menu.format("Ada Asker") in first and menu.format("Ada Asker") not in second
    assert menu.format("Cleo Reader") in second and 'href="/u/readerone/"' in second
    token = TOKEN.search(second).group(1)
    assert token not in first
    # The token filled in is the reader's own: their log-out form is accepted.
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302


def test_each_member_gets_their_own_vote_edit_accept_and_report_buttons(thread, reply, asker, answerer, reader_one):
    services.cast_vote(post=reply, voter=reader_one)
    voter = page(reader(reader_one), thread.get_absolute_url(), shared=False)
    author = page(reader(answerer), thread.get_absolute_url(), shared=True)
    owner = page(reader(asker), thread.get_absolute_url(), shared=True)

    buttons = {name: part(html, f"post-{reply.pk}") for name, html in (("voter", voter), ("author", author))}
    buttons["owner"] = part(owner, f"post-{reply.pk}")
    assert 'aria-pressed="true"' in buttons["voter"] and "Report" in buttons["voter"]
    assert "Edit" not in buttons["voter"] and "Accept as answer" not in buttons["voter"]
    assert f'id="post-{reply.pk}-vote"' not in buttons["author"] and "Edit" in buttons["author"]
    assert "Report" not in buttons["author"]
    assert 'aria-pressed="false"' in buttons["owner"] and "Accept as answer" in buttons["owner"]


def test_a_copy_served_many_times_keeps_each_readers_buttons_their_own(thread, reply, asker, answerer, reader_one):
    """The copy a process decoded once serves every later reader: one reader's flags on it
    (their vote) never reach the next, in either order."""
    services.cast_vote(post=reply, voter=reader_one)
    page(reader(asker), thread.get_absolute_url(), shared=False)
    for _round in range(2):
        voter = part(page(reader(reader_one), thread.get_absolute_url(), shared=True), f"post-{reply.pk}")
        owner = part(page(reader(asker), thread.get_absolute_url(), shared=True), f"post-{reply.pk}")
        assert 'aria-pressed="true"' in voter and "Accept as answer" not in voter
        assert 'aria-pressed="false"' in owner and "Accept as answer" in owner
    # Readers' flags went on copies of the posts' states, never on the shared ones, which
    # requests in other threads read at the same moment.
    copies = pagecache._decoded._items.values()
    shared = [state for copy in copies for state in copy["fills"].get("actions", {}).values()]
    assert shared and not any(hasattr(state, "viewer_voted") for state in shared)


def test_a_copy_decoded_before_is_not_served_once_the_cache_lost_it(thread, asker, reader_one):
    """Only the copy the shared cache names is served: once the cache lost it (cleared, or Redis
    restarted) the page is rendered again, even for a key that comes back the same."""
    page(reader(asker), thread.get_absolute_url(), shared=False)
    page(reader(reader_one), thread.get_absolute_url(), shared=True)
    kept = cache.get(pagecache.GENERATION_KEY)
    Thread.objects.filter(pk=thread.pk).update(title="The hub pairs again")  # no generation bump
    cache.clear()
    cache.set(pagecache.GENERATION_KEY, kept, timeout=None)  # the same key as before

    html = page(reader(reader_one), thread.get_absolute_url(), shared=False)
    assert "The hub pairs again" in html


def test_the_follow_state_is_each_members_own(thread, asker, reader_one):
    # The asker follows their own thread; the reader follows nothing.
    follows = page(reader(asker), thread.get_absolute_url(), shared=False)
    other = page(reader(reader_one), thread.get_absolute_url(), shared=True)

    assert "You follow this thread." in follows
    assert "You follow this thread." not in other and 'value="follow"' in other


def test_each_member_sees_their_own_unread_count(thread, reply, asker, reader_one):
    assert notifications.unread_count(asker) > 0
    page(reader(reader_one), "/", shared=False)
    mine = page(reader(asker), "/", shared=True)

    assert f'data-unread="{notifications.unread_count(asker)}"' in mine


def test_a_hidden_reply_shows_its_body_to_its_author_only(thread, reply, answerer, reader_one, moderator):
    actions.hide_post(post=reply, by=moderator, reason="Off topic")
    other = page(reader(reader_one), thread.get_absolute_url(), shared=False)
    # The copy stored for other members is not the author's: theirs is rendered for them.
    author = page(reader(answerer), thread.get_absolute_url(), shared=False)
    again = page(reader(reader_one), thread.get_absolute_url(), shared=True)

    assert "Reset it twice." in author and "Off topic" in author
    assert "Reset it twice." not in other and "Reset it twice." not in again
    assert "This post was hidden by moderators." in other


def test_the_authors_own_rendering_of_a_hidden_reply_is_never_a_copy(thread, reply, answerer, reader_one, moderator):
    actions.hide_post(post=reply, by=moderator, reason="Off topic")
    page(reader(answerer), thread.get_absolute_url(), shared=False)

    other = page(reader(reader_one), thread.get_absolute_url(), shared=False)

    assert "Reset it twice." not in other


def test_a_hidden_thread_is_its_authors_alone(make_thread, discussion, asker, reader_one, moderator):
    thread = make_thread(category=discussion, author=asker, title="A thread the moderators hid")
    actions.hide_post(post=Post.objects.get(thread=thread, is_opening=True), by=moderator, reason="Spam")
    assert Thread.objects.get(pk=thread.pk).visibility != Visibility.VISIBLE

    assert "A thread the moderators hid" in page(reader(asker), thread.get_absolute_url())
    assert reader(reader_one).get(thread.get_absolute_url()).status_code == 404


def test_staff_and_moderators_pages_are_never_served_to_members(
    make_thread, staff_category, discussion, asker, staff_member, moderator, reader_one
):
    hidden = make_thread(category=staff_category, author=staff_member, title="The firmware plan for next month")
    thread = make_thread(category=discussion, author=asker, title="Pairing two hubs")
    for role in (staff_member, moderator):
        assert staff_category.name in page(reader(role), "/")
        assert "The firmware plan for next month" in page(reader(role), staff_category.get_absolute_url())
        page(reader(role), thread.get_absolute_url())

    home = page(reader(reader_one), "/", shared=False)
    thread_page = page(reader(reader_one), thread.get_absolute_url(), shared=False)

    assert staff_category.name not in home
    assert "Moderator tools" not in thread_page and ">Hide<" not in thread_page
    assert reader(reader_one).get(hidden.get_absolute_url()).status_code == 404


def test_a_suspended_members_page_is_their_own(thread, asker, reader_one, moderator):
    actions.suspend_member(member=asker, by=moderator, until=timezone.now() + timedelta(days=2), reason="Insults")
    suspended = page(reader(asker), thread.get_absolute_url(), shared=False)
    other = page(reader(reader_one), thread.get_absolute_url(), shared=False)

    assert "Insults" in suspended and "Your account is suspended" in suspended
    assert "Insults" not in other and "Your reply" not in suspended and "Your answer" in other


def test_a_members_own_profile_is_theirs_and_others_get_the_copy(asker, reader_one, answerer):
    page(reader(reader_one), f"/u/{asker.username}/", shared=False)
    own = page(reader(asker), f"/u/{asker.username}/", shared=False)
    other = page(reader(answerer), f"/u/{asker.username}/", shared=True)

    assert f"/u/{asker.username}/edit/" in own
    assert f"/u/{asker.username}/edit/" not in other


def test_a_message_is_shown_on_the_next_page_not_a_copy(thread, reply, reader_one, answerer):
    page(reader(answerer), thread.get_absolute_url(), shared=False)
    client = reader(reader_one)

    response = client.post("/report/", {"post": reply.pk, "reason": "spam"}, follow=True)

    assert response.redirect_chain and response.status_code == 200
    assert "X-Page-Cache" not in response
    assert "The moderators will look at your report." in response.content.decode()
    # Shown once: the next page is the copy again.
    assert "The moderators will look" not in page(client, thread.get_absolute_url(), shared=True)


def test_a_new_reply_reaches_members_at_once(thread, asker, reader_one, answerer):
    page(reader(reader_one), thread.get_absolute_url(), shared=False)
    page(reader(asker), thread.get_absolute_url(), shared=True)

    services.post_reply(thread=thread, author=answerer, body="Or update the firmware first.")

    assert "Or update the firmware first." in page(reader(asker), thread.get_absolute_url(), shared=False)


def test_each_language_has_its_own_copy(thread, asker, reader_one):
    page(reader(asker), thread.get_absolute_url(), shared=False)
    french = reader(reader_one).get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Votre réponse" in french


def test_a_shared_page_costs_the_reader_a_few_small_queries(
    thread, asker, reader_one, answerer, django_assert_max_num_queries
):
    for url in (thread.get_absolute_url(), "/", thread.category.get_absolute_url(), f"/u/{answerer.username}/"):
        page(reader(asker), url, shared=False)
        client = reader(reader_one)
        # Session, member, unread count, how far they read (reading/); on a thread, their votes
        # and their follow state, in one statement.
        with django_assert_max_num_queries(5):
            page(client, url, shared=True)


def test_the_menu_filled_into_a_shared_page_is_the_one_every_page_shows(thread, reply, asker, reader_one):
    page(reader(reader_one), "/", shared=False)
    client = reader(asker)
    filled = part(page(client, "/", shared=True), "bell")
    # The notifications page is not shared: base.html includes the menu itself.
    included = part(client.get("/notifications/").content.decode(), "bell")

    assert filled == included
    assert f'data-unread="{notifications.unread_count(asker)}"' in filled


@pytest.mark.parametrize("providers", [[], [{"id": "lumio", "name": "Lumio ID"}]])
def test_the_menu_links_to_linked_accounts_only_where_members_sign_in_with_a_provider(
    settings, thread, reply, asker, reader_one, providers
):
    settings.OIDC_PROVIDERS = providers
    page(reader(reader_one), "/", shared=False)
    client = reader(asker)
    filled = page(client, "/", shared=True)
    included = client.get("/notifications/").content.decode()

    def menu(html):
        """The member's dropdown, its log-out form's token left out (masked afresh for each page)."""
        start = html.index('<details class="dropdown">')
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html[start : html.index("</details>", start)])

    assert menu(filled) == menu(included)
    assert ('href="/accounts/3rdparty/"' in menu(filled)) is bool(providers)
