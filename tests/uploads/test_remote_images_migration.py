"""Posts and bios rendered before: their remote images become links, as the renderer now
writes them; the site's own pictures and everything else stay as they were."""

import importlib

from django.apps import apps

from forum.models import Post

migration = importlib.import_module("uploads.migrations.0002_remote_images_become_links")

BEFORE = (
    '<p>Look <img src="https://example.com/lamp.png" alt="a &lt;lamp&gt;" title="Lamp"> and '
    '<img src="//cdn.example.com/x.gif" alt=""> but '
    '<a href="/uploads/k.png" class="picture"><img src="/uploads/k.png" alt="ours" width="10" height="10" '
    'loading="lazy"></a></p>\n'
)
AFTER = (
    '<p>Look <a href="https://example.com/lamp.png" title="Lamp" rel="nofollow ugc noopener">a &lt;lamp&gt;</a> and '
    '<a href="//cdn.example.com/x.gif" rel="nofollow ugc noopener">//cdn.example.com/x.gif</a> but '
    '<a href="/uploads/k.png" class="picture"><img src="/uploads/k.png" alt="ours" width="10" height="10" '
    'loading="lazy"></a></p>\n'
)


def test_stored_remote_images_become_links_and_our_pictures_stay(make_thread, discussion, member, other_member):
    thread = make_thread(category=discussion, author=member, replies=[(other_member, "Plain words.")])
    opening, reply = thread.posts.order_by("pk")
    Post.objects.filter(pk=opening.pk).update(body_html=BEFORE)
    type(member).objects.filter(pk=member.pk).update(bio_html=BEFORE)
    untouched = Post.objects.get(pk=reply.pk).body_html

    migration.forwards(apps, None)

    assert Post.objects.get(pk=opening.pk).body_html == AFTER
    assert Post.objects.get(pk=reply.pk).body_html == untouched
    member.refresh_from_db()
    assert member.bio_html == AFTER
