"""Who may vote for ideas and answer them. Checks raise; predicates answer.

Voting is taking part: a member who may post and read the idea's category. The idea's
own author may vote for it too (most ideas start with their author's vote elsewhere, and a
member who proposes something wants it). Statuses are the brand's answer: brand staff and
admins set them; moderators, who keep the peace, do not speak for the brand.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from forum import permissions as forum_permissions
from profiles import roles


def check_is_idea(thread):
    if not thread.category.is_ideas:
        raise PermissionDenied(_("Only ideas take votes and statuses."))


def can_vote(member, idea) -> bool:
    return (
        roles.can_post(member)
        and forum_permissions.can_read_thread(member, idea.thread)
        and not idea.is_closed
        and not idea.thread.is_locked
    )


def check_can_vote(member, idea):
    roles.check_can_post(member)
    forum_permissions.check_can_read_thread(member, idea.thread)
    if idea.is_closed:
        raise PermissionDenied(_("This idea is closed: it takes no more votes."))
    if idea.thread.is_locked:
        raise PermissionDenied(_("This idea is locked: it takes no more votes."))


def can_set_status(member, idea) -> bool:
    return (
        roles.can_post(member)
        and roles.is_brand_staff(member)
        and forum_permissions.can_read_thread(member, idea.thread)
    )


def check_can_set_status(member, idea):
    roles.check_can_post(member)
    forum_permissions.check_can_read_thread(member, idea.thread)
    if not roles.is_brand_staff(member):
        raise PermissionDenied(_("Only brand staff can set an idea's status."))
