"""The demo shows what is new for alice: threads she read partway, members she follows, a
category she watches and one she tracks, a bookmark with a reminder."""

import io

from demo.seed import Options, seed_forum
from profiles.models import Member
from reading.models import Bookmark, MemberFollow, ReadState, Watch
from tests.reading.clients import as_


def test_the_demo_gives_alice_something_new_to_see(db):
    seed_forum(Options(members=6, threads=12, replies=4), stream=io.StringIO())
    alice = Member.objects.get(username="alice")

    assert ReadState.objects.filter(member=alice, replies_read=1).exists()
    assert MemberFollow.objects.filter(follower=alice).count() == 3
    assert set(Watch.objects.filter(member=alice).values_list("level", flat=True)) == {"watching", "tracking"}
    assert Bookmark.objects.filter(member=alice, remind_at__isnull=False).exists()
    client = as_(alice)
    assert "badge-unread" in client.get("/").content.decode()
    assert "activity-item" in client.get("/following/").content.decode()
    assert "bookmark card" in client.get("/bookmarks/").content.decode()
