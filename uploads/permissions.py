"""Who may see a picture: whoever may read the body of the post that shows it (the forum's
rules: a staff-only category, a hidden or deleted post); for one a private message holds,
whoever may read that message (its app answers, uploads/hooks.py); before either shows it,
its uploader."""

from forum import permissions as forum_permissions
from profiles import roles
from uploads import hooks


def can_see(reader, upload) -> bool:
    if upload.held_by:
        return hooks.may_see(reader, upload.held_by)
    post = upload.post
    if post is None:
        return roles.is_member(reader) and reader.pk == upload.uploader_id
    return forum_permissions.can_read_thread(reader, post.thread) and forum_permissions.can_see_post_body(reader, post)
