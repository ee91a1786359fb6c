"""Every forum page renders in a fixed number of SQL queries, however many authors, replies, tags and votes it shows.

Each test measures the same page over data drawn from 5 and from 20
distinct authors: an N+1 would make the second count larger.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from haystack import connections
from taggit.models import Tag, TaggedItem

from forum import services
from forum.counters import recount_all
from forum.models import Post, Thread, Vote
from profiles.models import Member

THREAD_PAGE_MAX = 12
# A member's page reads their own state besides: session, member, unread count, how far they read
# the thread (reading/), their votes and follow state (one statement), within the same budget.
MEMBER_THREAD_PAGE_MAX = THREAD_PAGE_MAX
LIST_PAGE_MAX = 10


@pytest.fixture(autouse=True)
def _empty_search_index():
    """The Whoosh index is one folder for the whole run: other tests' threads in it would show
    as related threads here, whose check costs a statement. Related threads have their budget
    test in tests/search/test_query_counts.py."""
    connections["default"].get_backend().clear()


@pytest.fixture
def people(make_member):
    """20 members with display names and badges, as an author card shows them."""
    members = [make_member(f"author{n:02d}", display_name=f"Author {n}") for n in range(20)]
    Member.objects.filter(pk__in=[m.pk for m in members[::3]]).update(gold_badges=1, silver_badges=2, reputation=50)
    return members


@pytest.fixture
def viewer(make_member):
    return make_member("viewer", display_name="Vera Viewer")


def fill_thread(thread, authors, *, replies=45):
    """Add `replies` replies cycling over `authors`, one minute apart, after the opening post."""
    start = timezone.now() - timedelta(days=2)
    Post.objects.filter(thread=thread).update(created_at=start)
    Post.objects.bulk_create(
        Post(
            thread=thread,
            author=authors[n % len(authors)],
            body=f"Reply {n} with **Markdown**",
            body_html=f"<p>Reply {n} with <strong>Markdown</strong></p>",
            created_at=start + timedelta(minutes=n),
        )
        for n in range(1, replies + 1)
    )
    return list(thread.posts.order_by("created_at", "id"))


@pytest.fixture
def busy_threads(make_thread, questions, people, viewer, staff_member):
    """Two question threads alike in every way but the number of distinct authors: 5 and 20.

    47 posts each (3 pages): the viewer's votes on many, an official reply,
    endorsements on pages 1 and 2, an accepted answer on page 3, three tags.
    """
    threads = {}
    for n_authors in (5, 20):
        authors = people[:n_authors]
        thread = make_thread(
            category=questions,
            author=authors[0],
            title=f"A busy question with {n_authors} authors",
            tags=["lamps", "wifi", "firmware"],
        )
        posts = fill_thread(thread, authors)
        services.post_reply(thread=thread, author=staff_member, body="Official word.")
        Vote.objects.bulk_create(Vote(post=post, voter=viewer) for post in posts[::3])
        services.cast_vote(post=posts[4], voter=authors[0])
        recount_all()
        services.endorse_reply(post=posts[5], by=staff_member)
        services.endorse_reply(post=posts[25], by=staff_member)
        services.accept_answer(post=posts[42], by=authors[0])
        threads[n_authors] = Thread.objects.get(pk=thread.pk)
    return threads


def count_queries(client, url, assert_max_num_queries, limit):
    """The queries of a page once the caches are warm; the first, cold, request must keep to the limit too."""
    for _ in ("cold", "warm"):
        with assert_max_num_queries(limit) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("page", [1, 2, 3])
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_a_thread_page_takes_a_fixed_number_of_queries_however_many_authors_it_shows(
    client, busy_threads, viewer, who, page, django_assert_max_num_queries
):
    if who == "member":
        client.force_login(viewer)

    limit = MEMBER_THREAD_PAGE_MAX if who == "member" else THREAD_PAGE_MAX
    counts = {
        n: count_queries(client, f"{thread.get_absolute_url()}?page={page}", django_assert_max_num_queries, limit)
        for n, thread in busy_threads.items()
    }

    assert counts[5] == counts[20]


def test_the_thread_page_really_shows_what_the_query_count_test_pays_for(client, busy_threads, viewer):
    client.force_login(viewer)
    thread = busy_threads[20]

    html = client.get(f"{thread.get_absolute_url()}?page=2").content.decode()

    assert html.count('aria-pressed="true"') >= 6  # the viewer's votes
    assert "Endorsed by Acme Support" in html
    assert "Accepted answer" in html  # the answer from page 3, summarised under the question
    assert "#firmware" in html
    assert "Author 19" in html


@pytest.fixture
def busy_forum(questions, discussion, people, staff_member):
    """40 threads (32 questions, 8 discussions) with openings, replies, tags, votes and answers."""
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        Thread(
            category=questions if n < 32 else discussion,
            title=f"Busy thread number {n}",
            slug=f"busy-thread-number-{n}",
            author=people[0],
            last_poster=people[0],
            created_at=now - timedelta(hours=n),
            last_activity_at=now - timedelta(hours=n),
            is_pinned=n == 7,
        )
        for n in range(40)
    )
    posts = []
    for n, thread in enumerate(threads):
        posts.append(
            Post(
                thread=thread,
                author=people[0],
                body="Q",
                body_html="<p>Q</p>",
                is_opening=True,
                created_at=thread.created_at,
            )
        )
        for r in range(n % 3):
            replier = staff_member if (n % 5 == 0 and r == 0) else people[(n + r + 1) % 20]
            posts.append(
                Post(
                    thread=thread,
                    author=replier,
                    body="A",
                    body_html="<p>A</p>",
                    is_official=replier == staff_member,
                    created_at=thread.created_at + timedelta(minutes=r + 1),
                )
            )
    Post.objects.bulk_create(posts)
    Vote.objects.bulk_create(
        Vote(post=p, voter=people[(i % 19) + 1]) for i, p in enumerate(posts) if p.is_opening and i % 2
    )
    for thread in threads[:32:4]:
        reply = thread.posts.filter(is_opening=False).exclude(author=staff_member).first()
        if reply:
            Thread.objects.filter(pk=thread.pk).update(accepted_answer=reply, accepted_at=now)
    tags = [Tag.objects.create(name=f"tag-{n}", slug=f"tag-{n}") for n in range(6)]
    thread_type = ContentType.objects.get_for_model(Thread)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tags[(n + k) % 6], content_type=thread_type, object_id=thread.pk)
        for n, thread in enumerate(threads)
        for k in range(1 + n % 3)
    )
    recount_all()
    return threads


def spread_authors(threads, people, n_authors):
    """Let `n_authors` distinct members start and last-reply to the threads."""
    for n, thread in enumerate(threads):
        thread.author, thread.last_poster = people[n % n_authors], people[(n + 1) % n_authors]
    Thread.objects.bulk_update(threads, ["author", "last_poster"])


LIST_PAGES = [
    "/",
    "/?page=2",
    "/c/help/?filter=latest",
    "/c/help/?filter=unanswered",
    "/c/help/?filter=solved",
    "/c/help/?filter=awaiting",
    "/c/help/?filter=top",
    "/c/help/?page=2",
    "/c/general/",
    "/tags/tag-1/",
]


@pytest.mark.parametrize("url", LIST_PAGES)
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_a_list_page_takes_at_most_10_queries_however_many_authors_it_shows(
    client, busy_forum, people, viewer, who, url, django_assert_max_num_queries
):
    if who == "member":
        client.force_login(viewer)
    counts = {}

    for n_authors in (5, 20):
        spread_authors(busy_forum, people, n_authors)
        counts[n_authors] = count_queries(client, url, django_assert_max_num_queries, LIST_PAGE_MAX)

    assert counts[5] == counts[20]


def test_the_lists_really_show_what_the_query_count_test_pays_for(client, busy_forum, people):
    spread_authors(busy_forum, people, 20)

    html = client.get("/c/help/").content.decode()

    assert html.count('class="thread-row') == 25
    assert "#tag-" in html
    assert "Official response" in html and "Solved" in html
    assert "Author 19" in html


def test_the_history_page_takes_a_fixed_number_of_queries(
    client, make_thread, make_member, discussion, people, django_assert_max_num_queries
):
    thread = make_thread(category=discussion, author=people[0])
    opening = thread.posts.get()
    moderators = [make_member(f"mod{n}", moderator=True) for n in range(12)]
    counts = []
    for editors in (moderators[:2], moderators):
        for n, editor in enumerate(editors):
            services.edit_post(post=opening, editor=editor, body=f"Version {len(counts)}.{n}")
        counts.append(count_queries(client, f"/p/{opening.pk}/history/", django_assert_max_num_queries, 6))

    assert counts[0] == counts[1]
