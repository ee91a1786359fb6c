"""Internal notes on public threads: written by staff and moderators, read by them alone.

The thread page asks for them through forum.hooks.provide_staff_notes, only for readers who
see staff areas, and marks those pages personal (web.pagecache): a note never enters a copy
that members or visitors are given. Nothing else reads them: no event is sent, no push,
notification, index row or feed entry is made.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from conversations.models import InternalNote
from forum import permissions as forum_permissions
from forum.models import Post
from forum.validators import clean_body
from profiles import roles
from web.markdown import render_markdown


def check_can_write_note(member, thread):
    roles.check_can_post(member)
    if not roles.sees_staff_areas(member):
        raise PermissionDenied(_("Only staff and moderators can write internal notes."))
    forum_permissions.check_can_read_thread(member, thread)


def add_note(*, thread, author, body: str) -> InternalNote:
    """A note after the thread's latest post, as it is now."""
    check_can_write_note(author, thread)
    body = clean_body(body)
    with transaction.atomic():
        latest = Post.objects.filter(thread=thread).order_by("-created_at", "-id").values_list("pk", flat=True).first()
        return InternalNote.objects.create(
            thread=thread, after_post_id=latest, author=author, body=body, body_html=render_markdown(body).html
        )


def render(request, thread, posts) -> dict:
    """{post pk: the notes after it, rendered} for a reader who sees staff areas; else nothing."""
    if not roles.sees_staff_areas(request.user) or not posts:
        return {}
    notes = InternalNote.objects.filter(after_post__in=[p.pk for p in posts]).select_related("author")
    grouped: dict[int, list] = {}
    for note in notes:
        grouped.setdefault(note.after_post_id, []).append(note)
    return {
        pk: render_to_string("conversations/_notes.html", {"notes": group}, request=request)
        for pk, group in grouped.items()
    }
