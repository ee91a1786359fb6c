"""Posts and thread rows are rendered once and shared between readers (forum/rendering.py).

What is shared must never carry one reader's parts to another, and what changes must
never be served from before the change: each test reads pages as different readers,
changes something, and reads again. The renderings are kept between tests on purpose,
so a key that misses a shown field fails here as a stale page.
"""

import re

import pytest
from django.test import Client
from django.utils import translation

from forum import rendering, services
from forum.models import Post, Visibility
from profiles.models import Member
from tests.live_html import element_by_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_page_rendered(settings):
    """Visitors' whole pages are cached (web/pagecache.py); here each page is rendered."""
    settings.PAGE_CACHE = False


def reader(member=None, **options) -> Client:
    client = Client(**options)
    if member is not None:
        client.force_login(member)
    return client


def article(client, thread, post) -> str:
    """The post's article on the thread page, whitespace between tags and words made single."""
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    html = str(element_by_id(response.content.decode(), f"post-{post.pk}"))
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))


@pytest.fixture
def thread(make_thread, questions, member, other_member):
    return make_thread(
        category=questions, author=member, title="The hub loses its pairing", replies=[(other_member, "Reset it.")]
    )


@pytest.fixture
def reply(thread):
    return Post.objects.get(thread=thread, is_opening=False)


def test_each_reader_gets_their_own_buttons_around_the_same_post(thread, reply, member, other_member, moderator):
    services.cast_vote(post=reply, voter=moderator)

    asker, author, mod, visitor = (article(reader(m), thread, reply) for m in (member, other_member, moderator, None))

    assert "Accept as answer" in asker and "Accept as answer" not in author + visitor
    assert ">Edit<" in author and ">Edit<" not in asker + visitor
    assert 'aria-pressed="true"' in mod and 'aria-pressed="true"' not in asker
    assert ">Hide<" in mod and ">Hide<" not in asker + author + visitor
    assert "Warn or suspend" in mod and "Warn or suspend" not in asker + author + visitor
    assert ">Report<" in asker and ">Report<" not in author + visitor
    assert all("Reset it." in html for html in (asker, author, mod, visitor))


def test_the_forms_in_a_shared_rendering_carry_the_readers_own_token(thread, reply, member, other_member, moderator):
    for someone in (moderator, other_member):  # the buttons are rendered for others first
        article(reader(someone), thread, reply)
    client = reader(member, enforce_csrf_checks=True)
    html = client.get(thread.get_absolute_url()).content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert "\x00" not in html
    (token,) = tokens  # one token for every form on the page: the reader's

    response = client.post(f"/p/{reply.pk}/vote/", {"action": "cast", "csrfmiddlewaretoken": token})

    assert response.status_code in (200, 302)
    assert reply.votes.filter(voter=member).exists()


def test_an_edit_a_vote_and_the_authors_reputation_show_at_once(thread, reply, member, other_member, moderator):
    visitor = reader()
    before = article(visitor, thread, reply)
    assert "Reset it." in before

    services.edit_post(post=reply, editor=other_member, body="Hold the button for ten seconds.")
    services.cast_vote(post=Post.objects.get(pk=reply.pk), voter=member)
    author = Member.objects.get(pk=other_member.pk)
    after = article(visitor, thread, reply)

    assert "Hold the button for ten seconds." in after and "Reset it." not in after
    assert ">edited<" in after and ">edited<" not in before
    reputation = re.search(r'class="author-rep">([^<]+)<', after).group(1)
    assert reputation == f"{author.reputation:,}" and author.reputation > 0


def test_renamed_and_promoted_authors_are_shown_as_they_are_now(thread, reply, other_member):
    visitor = reader()
    article(visitor, thread, reply)
    Member.objects.filter(pk=other_member.pk).update(
        display_name="Olivia Support", is_brand_staff=True, staff_title="Lumio Support"
    )

    html = article(visitor, thread, reply)

    assert "Olivia Support" in html and "Lumio Support" in html


def test_a_new_avatar_shows_on_the_authors_posts_at_once(thread, reply, other_member):
    visitor = reader()
    assert "<img" not in article(visitor, thread, reply)
    Member.objects.filter(pk=other_member.pk).update(avatar="avatars/2026/12/olivia.png")

    html = article(visitor, thread, reply)

    assert 'src="/media/avatars/2026/12/olivia.png"' in html
    (author,) = Member.objects.filter(pk=other_member.pk).only("pk")  # the avatar not loaded
    assert author.avatar_name == "avatars/2026/12/olivia.png"
    assert Member.objects.get(pk=other_member.pk).avatar_name == "avatars/2026/12/olivia.png"


def test_a_hidden_reply_shows_its_reason_to_its_author_and_moderators_only(thread, reply, other_member, moderator):
    services.set_post_visibility(post=reply, by=moderator, visibility=Visibility.HIDDEN, reason="Off topic here")

    author, mod, visitor = (article(reader(m), thread, reply) for m in (other_member, moderator, None))

    assert "Off topic here" in author and "Off topic here" in mod
    assert "Off topic here" not in visitor and "Reset it." not in visitor
    assert "This post was hidden by moderators." in visitor


def test_each_language_has_its_own_rendering(thread, reply, moderator):
    english = article(reader(moderator), thread, reply)
    french_client = reader(moderator)
    french_client.cookies["django_language"] = "fr"

    french = article(french_client, thread, reply)

    assert "Helpful" in english and "Helpful" not in french
    assert "Utile" in french


def test_the_question_heads_later_pages_with_its_body_and_buttons(
    make_thread, questions, member, other_member, settings
):
    settings.POSTS_PER_PAGE = 2
    long = make_thread(
        category=questions,
        author=member,
        title="Colours drift after an update",
        body="Since the update the white looks pink.",
        replies=[(other_member, f"Try this, number {n}.") for n in range(4)],
    )
    opening = Post.objects.get(thread=long, is_opening=True)

    page = reader(other_member).get(long.get_absolute_url() + "?page=2").content.decode()
    question = str(element_by_id(page, f"question-{opening.pk}"))

    assert "Since the update the white looks pink." in question
    assert "Helpful" in question


def test_a_thread_row_follows_its_thread(make_thread, discussion, member, other_member):
    lists = reader(other_member)
    row = make_thread(category=discussion, author=member, title="Share your evening scenes", tags=["scenes"])
    assert "#scenes" in lists.get("/").content.decode()

    services.post_reply(thread=row, author=other_member, body="Mine dims at ten.")
    page = lists.get("/").content.decode()

    assert f"last reply by {other_member.name}" in page


def test_renderings_are_bounded():
    kept = rendering.Renderings(capacity=3)
    for n in range(10):
        kept.get_or_render(n, lambda n=n: f"<p>{n}</p>")

    assert kept.get_or_render(9, lambda: "again") == "<p>9</p>"
    assert kept.get_or_render(0, lambda: "again") == "again"
    assert len(kept._items) == 3


def test_times_are_relative_in_the_readers_language():
    from django.utils import timezone

    with translation.override("fr"):
        text = rendering.relative_time(timezone.now() - timezone.timedelta(hours=3))
    assert "il y a" in text and "<time datetime=" in text


def test_two_readers_alike_but_for_their_vote_see_their_own(thread, reply, make_member):
    voter, abstainer = make_member("vera"), make_member("abel")
    services.cast_vote(post=reply, voter=voter)

    first, second = article(reader(abstainer), thread, reply), article(reader(voter), thread, reply)

    assert 'aria-pressed="false"' in first and 'aria-pressed="true"' not in first
    assert 'aria-pressed="true"' in second


def test_the_authors_reputation_is_shown_as_it_is_now(thread, reply):
    visitor = reader()
    article(visitor, thread, reply)

    Member.objects.filter(pk=reply.author_id).update(reputation=1240)  # nothing else about them changes
    html = article(visitor, thread, reply)

    assert re.search(r'class="author-rep">([^<]+)<', html).group(1) == "1,240"


def test_a_time_in_its_first_minute_is_worked_out_each_time():
    import time

    from django.utils import timezone

    posted = timezone.now() - timezone.timedelta(seconds=5)
    first = rendering.relative_time(posted)
    time.sleep(1.1)  # "5 seconds ago" becomes "6 seconds ago"

    assert rendering.relative_time(posted) != first
