"""Who may vote for ideas, answer them and merge them. Checks raise; predicates answer.

Voting is taking part: a member who may post and read the idea's category. The idea's
own author may vote for it too (most ideas start with their author's vote elsewhere, and a
member who proposes something wants it). Statuses are the brand's answer: brand staff and
admins set them; moderators, who keep the peace, do not speak for the brand.

Merging a duplicate into another idea is curation of the community's content, like moving or
locking a thread, and says nothing of the brand's plans: brand staff, moderators and admins
merge (each able to post, so a suspended one does not). The rules on the pair:

- the merger reads both ideas (a duplicate they cannot read does not exist for them: 404; a
  target they cannot read is refused as one that does not exist would be);
- both are ideas, and not the same one;
- the duplicate is not merged already, and the target is not itself a merged duplicate: no
  chains, so a duplicate's link leads straight to the idea that now holds its votes;
- the target is read by everyone who reads the duplicate (never a public idea into a staff-only,
  hidden or deleted one): the duplicate's voters follow its link and find their votes there.

Refusals of the merger's role raise PermissionDenied (403); refusals of the pair raise
ValidationError, the answer to a bad choice of target (400 on the page).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from forum import permissions as forum_permissions
from forum.models import Category, Visibility
from ideas.models import Status
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


def can_merge(member, duplicate, into=None) -> bool:
    """Whether `member` may merge `duplicate` into `into`; with no `into`, whether they may merge
    it into some other idea (the form on the idea's page)."""
    try:
        check_can_merge(member, duplicate, into)
    except (PermissionDenied, ValidationError, Http404):
        return False
    return True


def check_can_merge(member, duplicate, into=None):
    """Raise unless `member` may merge the idea `duplicate` into the idea `into` (both Idea rows
    with their thread and its category); with no `into`, the checks on the duplicate alone."""
    roles.check_can_post(member)
    forum_permissions.check_can_read_thread(member, duplicate.thread)
    if not roles.sees_staff_areas(member):
        raise PermissionDenied(_("Only brand staff, moderators and administrators can merge ideas."))
    check_is_idea(duplicate.thread)
    if duplicate.status == Status.DUPLICATE:
        raise ValidationError(_("This idea is already merged into another."), code="merged")
    if into is not None:
        _check_target(member, duplicate, into)


def _check_target(member, duplicate, into):
    if not forum_permissions.can_read_thread(member, into.thread):
        raise ValidationError(_("No idea you can read has this number or address."), code="unknown")
    if not into.thread.category.is_ideas:
        raise ValidationError(_("Only an idea can take a merge: this thread is not one."), code="not_idea")
    if into.pk == duplicate.pk:
        raise ValidationError(_("An idea cannot be merged into itself."), code="same")
    if into.status == Status.DUPLICATE:
        raise ValidationError(
            _("“%(title)s” is itself merged into another idea: merge into that one.") % {"title": into.thread.title},
            code="chain",
        )
    if not _read_by_as_many(into.thread, duplicate.thread):
        raise ValidationError(
            _("Everyone who reads this idea must be able to read the one it is merged into: choose a public idea."),
            code="narrower",
        )


def _read_by_as_many(target, source) -> bool:
    """Whether everyone who may read the thread `source` may read `target` too (by category
    access and visibility: only a visible target is read by as many as any source)."""
    wider = target.category.access == Category.Access.PUBLIC or source.category.access == Category.Access.STAFF
    return wider and target.visibility == Visibility.VISIBLE
