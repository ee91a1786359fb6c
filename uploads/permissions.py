"""Who may see a picture: whoever may read the body of the post that shows it (the forum's
rules: a staff-only category, a hidden or deleted post); before a post shows it, its uploader."""

from forum import permissions as forum_permissions
from profiles import roles


def can_see(reader, upload) -> bool:
    post = upload.post
    if post is None:
        return roles.is_member(reader) and reader.pk == upload.uploader_id
    return forum_permissions.can_read_thread(reader, post.thread) and forum_permissions.can_see_post_body(reader, post)
