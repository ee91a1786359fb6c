"""Open lists hear of the threads started since they loaded (static/js/marks.js counts them in
"1 new thread — show"), through the real ASGI stack and channel layer: the home page and a
category's page through the category's group, a tag's page through the tag's. Whoever may not
read the new thread when it is delivered (staff-only, hidden) hears nothing of it. A list's
socket joins one group per category (and its tag), not one per thread it shows."""

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from forum import services
from moderation import actions
from tests.notifications.test_access_on_delivery import messages_until_quiet
from tests.notifications.test_delivery import sockets  # noqa: F401 (a fixture)
from tests.notifications.test_socket import session_cookie_for
from tests.reading.test_live_marks import listen

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def joined(channel_layer, monkeypatch):
    """The list groups (category., tag., thread.) that sockets are in now, as the consumer joins and leaves them."""
    groups: set[str] = set()
    add, discard = channel_layer.group_add, channel_layer.group_discard

    async def group_add(group, channel):
        groups.add(group)
        await add(group, channel)

    async def group_discard(group, channel):
        groups.discard(group)
        await discard(group, channel)

    monkeypatch.setattr(channel_layer, "group_add", group_add)
    monkeypatch.setattr(channel_layer, "group_discard", group_discard)
    return lambda: sorted(g for g in groups if g.startswith(("category.", "tag.", "thread.")))


@pytest.fixture
def open_socket(sockets):  # noqa: F811
    async def open_as(member):
        return await sockets(await database_sync_to_async(session_cookie_for)(member))

    return open_as


@database_sync_to_async
def start(*, category, author, title, tags=("lamp",), hide_by=None):
    """A thread started through the service; with `hide_by`, hidden by that moderator in the same
    transaction, so that it is hidden when the push is delivered."""
    with transaction.atomic():
        thread = services.start_thread(category=category, author=author, title=title, body="What now?", tags=tags)
        if hide_by is not None:
            actions.hide_post(post=thread.posts.get(), by=hide_by, reason="Spam")
    return thread


def started(messages) -> set[int]:
    return {m["thread"] for m in messages if m["type"] == "thread.new"}


async def test_a_new_thread_reaches_the_open_lists_that_show_it_and_only_members_who_may_read_it(
    channel_layer, open_socket, discussion, staff_category, member, other_member, carol, staff_member, moderator
):
    listed = await start(category=discussion, author=carol, title="Pairing the lamp")
    # Alice and Sophie (staff) have the home page open; Bruno the tag's page, whose row is in General.
    alice, bruno, sophie = [await open_socket(m) for m in (member, other_member, staff_member)]
    assert await listen(alice, listed, home=True) == [listed.pk]
    assert await listen(bruno, listed, tag="lamp") == [listed.pk]
    assert await listen(sophie, listed, home=True) == [listed.pk]

    public = await start(category=discussion, author=carol, title="Dimming at night")
    staff_only = await start(category=staff_category, author=staff_member, title="Launch date")
    hidden = await start(category=discussion, author=carol, title="Cheap lamps here", hide_by=moderator)

    to_alice, to_bruno, to_sophie = [await messages_until_quiet(s, quiet=0.3) for s in (alice, bruno, sophie)]
    # Each hears of the public thread; staff of the staff-only one too; nobody of the hidden one
    # (Sophie is no moderator), though it went to the category's and the tag's groups.
    assert (started(to_alice), started(to_bruno), started(to_sophie)) == (
        {public.pk},
        {public.pk},
        {public.pk, staff_only.pk},
    )
    assert hidden.pk not in started(to_alice + to_bruno + to_sophie)
    assert next(m for m in to_alice if m["type"] == "thread.new") == {
        "type": "thread.new",
        "thread": public.pk,
        "category": discussion.pk,
        "tags": ["lamp"],
        "author": carol.pk,
    }


async def test_a_list_socket_joins_one_group_per_category_and_tag_not_one_per_thread(
    channel_layer,
    joined,
    open_socket,
    make_thread,
    discussion,
    questions,
    staff_category,
    member,
    other_member,
    staff_member,
):
    make = database_sync_to_async(make_thread)
    rows = [await make(category=discussion, author=other_member, tags=("lamp",)) for _ in range(20)]
    rows += [await make(category=questions, author=other_member) for _ in range(5)]
    await make(category=staff_category, author=staff_member)  # alice may not read it
    alice = await open_socket(member)

    # A full page of 25 rows used to join 25 thread groups: now its categories' (and its tag's).
    assert len(await listen(alice, *rows, home=True)) == 25
    assert joined() == [f"category.{discussion.pk}", f"category.{questions.pk}"]
    await listen(alice, *rows[:20], category=discussion.pk)
    assert joined() == [f"category.{discussion.pk}"]
    await listen(alice, *rows[:20], tag="lamp")
    tag_pk = await database_sync_to_async(lambda: rows[0].tags.get().pk)()
    assert joined() == [f"category.{discussion.pk}", f"tag.{tag_pk}"]
    # A category page may not join a category its member may not read.
    await listen(alice, category=staff_category.pk)
    assert joined() == []
