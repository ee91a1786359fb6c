"""Who may read and do what in the forum. Checks raise; predicates answer.

Reading rules: a staff-only category does not exist for anyone but staff,
moderators and admins (views answer 404, lists leave it out). Hidden posts
are shown to their author and to moderators, marked; deleted posts only to
moderators and admins.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from forum.models import Category, Visibility
from profiles import roles


def readable_accesses(member) -> list[str]:
    if roles.sees_staff_areas(member):
        return [Category.Access.PUBLIC, Category.Access.STAFF]
    return [Category.Access.PUBLIC]


def can_read_category(member, category) -> bool:
    return category.access in readable_accesses(member)


def category_readers_q(category, *, prefix: str = "") -> Q:
    """The members who may read the category, as can_read_category(), as a filter on members
    (prefix: the path to the member, e.g. "member__")."""
    if category.access == Category.Access.PUBLIC:
        return Q()
    return roles.sees_staff_areas_q(prefix)


def can_read_thread(member, thread) -> bool:
    return can_read(member, access=thread.category.access, visibility=thread.visibility, author_id=thread.author_id)


def everyone_reads(thread) -> bool:
    """Whether can_read_thread() answers yes for every reader: a visible thread in a public
    category (a fan-out to its hundred followers need not ask for each)."""
    return thread.category.access == Category.Access.PUBLIC and thread.visibility == Visibility.VISIBLE


def can_read(member, *, access: str, visibility: str, author_id: int | None) -> bool:
    """The reading rule on a thread's three deciding values, so that a live message can carry
    them (notifications.access) and be checked against the reader when it is delivered."""
    if access not in readable_accesses(member):
        return False
    if visibility == Visibility.VISIBLE:
        return True
    if visibility == Visibility.HIDDEN:
        return roles.is_moderator(member) or (roles.is_member(member) and author_id == member.pk)
    return roles.is_moderator(member)


def readable_threads_q(member, *, prefix: str = "", author=None) -> Q:
    """The reading rule as a filter on threads (prefix: the path to the thread, e.g. "thread__").

    `author` is what a hidden thread's author must equal to stay readable: the member by
    default, or an expression such as F("recipient") to filter rows of several members
    who share the same roles in one query.
    """
    accesses = Q(**{f"{prefix}category__access__in": readable_accesses(member)})
    if roles.is_moderator(member):
        return accesses
    if author is None:
        author = member.pk if roles.is_member(member) else None
    visible = Q(**{f"{prefix}visibility": Visibility.VISIBLE})
    if author is not None:
        visible |= Q(**{f"{prefix}visibility": Visibility.HIDDEN, f"{prefix}author": author})
    return accesses & visible


def readable_or_no_thread_q(member, *, field: str = "thread", author=None) -> Q:
    """Rows whose `field` names no thread, or one the member may read (notifications)."""
    return Q(**{f"{field}__isnull": True}) | readable_threads_q(member, prefix=f"{field}__", author=author)


def same_reader(member) -> tuple[bool, bool]:
    """What the reading rule depends on, besides who wrote a hidden thread: members with the
    same answer read the same threads (one query serves them all, with author=F(...))."""
    return roles.sees_staff_areas(member), roles.is_moderator(member)


def check_can_read_thread(member, thread):
    """404, not 403: a thread nobody may see does not exist for them."""
    if not can_read_thread(member, thread):
        raise Http404


def can_see_post_body(member, post) -> bool:
    if post.visibility == Visibility.VISIBLE:
        return True
    if roles.is_moderator(member):
        return True
    return post.visibility == Visibility.HIDDEN and roles.is_member(member) and post.author_id == member.pk


# How a reader reads a thread's posts (post_reading): moderators read every post, deleted ones
# too; members the visible posts and the hidden ones they wrote; visitors the visible ones.
EVERY_POST, OWN_HIDDEN_POSTS, VISIBLE_POSTS = "every", "own hidden", "visible"
POST_READINGS = (EVERY_POST, OWN_HIDDEN_POSTS, VISIBLE_POSTS)


def post_reading(member) -> str:
    if roles.is_moderator(member):
        return EVERY_POST
    return OWN_HIDDEN_POSTS if roles.is_member(member) else VISIBLE_POSTS


def readable_posts_q(member, *, prefix: str = "") -> Q:
    """can_see_post_body() as a filter on posts, with deleted posts left out for all but
    moderators: the posts of a thread the member may read that they may read too."""
    return posts_read_q(post_reading(member), member.pk, prefix=prefix)


def posts_read_q(reading: str, author, *, prefix: str = "") -> Q:
    """The posts a reading reads (post_reading). `author` is the reader's id, which only
    OWN_HIDDEN_POSTS reads: a prepared read passes its stand-in for it (web/prepared.py)."""
    if reading == EVERY_POST:
        return Q()
    visible = Q(**{f"{prefix}visibility": Visibility.VISIBLE})
    if reading == OWN_HIDDEN_POSTS:
        visible |= Q(**{f"{prefix}visibility": Visibility.HIDDEN, f"{prefix}author": author})
    return visible


def can_start_thread(member, category) -> bool:
    return roles.can_post(member) and can_read_category(member, category)


def check_can_start_thread(member, category):
    roles.check_can_post(member)
    if not can_read_category(member, category):
        raise PermissionDenied(_("You cannot post in this category."))


def can_reply(member, thread) -> bool:
    if not roles.can_post(member) or not can_read_thread(member, thread):
        return False
    return not thread.is_locked or roles.is_brand_staff(member) or roles.is_moderator(member)


def check_can_reply(member, thread):
    roles.check_can_post(member)
    check_can_read_thread(member, thread)
    if not can_reply(member, thread):
        raise PermissionDenied(_("This thread is locked: it takes no new replies."))


def check_can_reply_officially(member, thread):
    """An official response: a reply as the brand, by brand staff only."""
    check_can_reply(member, thread)
    if not roles.is_brand_staff(member):
        raise PermissionDenied(_("Only brand staff can post an official response."))


def can_edit(member, post) -> bool:
    if not roles.can_post(member):
        return False
    if roles.is_brand_staff(member) or roles.is_moderator(member):
        return True
    return post.author_id == member.pk and post.visibility != Visibility.DELETED and not post.thread.is_locked


def check_can_edit(member, post):
    roles.check_can_post(member)
    if not can_edit(member, post):
        raise PermissionDenied(_("You can only edit your own posts."))


def can_vote(member, post) -> bool:
    return roles.can_post(member) and post.author_id != member.pk and post.visibility == Visibility.VISIBLE


def check_can_vote(member, post):
    roles.check_can_post(member)
    if post.author_id == member.pk:
        raise PermissionDenied(_("You cannot vote on your own post."))
    if post.visibility != Visibility.VISIBLE:
        raise PermissionDenied(_("This post cannot receive votes."))


def can_accept(member, thread) -> bool:
    if not roles.can_post(member) or not thread.category.is_questions:
        return False
    return thread.author_id == member.pk or roles.is_brand_staff(member) or roles.is_moderator(member)


def can_accept_post(member, thread, post) -> bool:
    """Whether `member` may mark this reply as the answer.

    Staff (and moderators) choose the answer for the asker, but never their own reply:
    an official response does not certify itself. The asker may accept any reply,
    their own included, and anyone else, a colleague or a moderator, may accept staff's.
    """
    if not can_accept(member, thread) or post.thread_id != thread.pk or post.is_opening or not post.is_visible:
        return False
    return post.author_id != member.pk or thread.author_id == member.pk


def check_can_accept(member, thread, post=None):
    """Raises unless `member` may choose (or clear) the thread's answer, and `post`, when given,
    may be it. Staff and moderators choose for the asker but never their own reply: an official
    response does not certify itself (the asker, a colleague or a moderator accepts it)."""
    roles.check_can_post(member)
    if not thread.category.is_questions:
        raise PermissionDenied(_("Only questions have accepted answers."))
    if not can_accept(member, thread):
        raise PermissionDenied(_("Only the person who asked, staff or a moderator can choose the answer."))
    if post is not None and (post.thread_id != thread.pk or post.is_opening or not post.is_visible):
        raise PermissionDenied(_("Only a visible reply in this thread can be the answer."))
    if post is not None and not can_accept_post(member, thread, post):
        raise PermissionDenied(
            _("You cannot accept your own reply as the answer: the person who asked, a colleague or a moderator can.")
        )


def can_endorse(member, post) -> bool:
    return (
        roles.can_post(member)
        and roles.is_brand_staff(member)
        and post.is_reply
        and post.is_visible
        and not post.is_official
        and post.author_id != member.pk
    )


def check_can_endorse(member, post):
    roles.check_can_post(member)
    if not can_endorse(member, post):
        raise PermissionDenied(_("Only brand staff can endorse a member's reply."))


def check_can_follow(member, thread):
    if not roles.is_member(member):
        raise PermissionDenied(_("Log in to follow threads."))
    check_can_read_thread(member, thread)
