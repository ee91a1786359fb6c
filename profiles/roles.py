"""Who may do what, in one place.

Every check takes the member (possibly anonymous) and answers with a bool;
the `check_*` forms raise PermissionDenied so views and services can call
them before doing the work.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

ROLES = ("member", "staff", "moderator", "admin")

# Every field the rules below read: members loaded with only these (a fan-out to a thread's
# followers) are checked without a query each.
ROLE_FIELDS = ("is_active", "is_superuser", "is_brand_staff", "is_moderator", "suspended_until")


def is_member(member) -> bool:
    return bool(member and member.is_authenticated and member.is_active)


def is_admin(member) -> bool:
    return is_member(member) and member.is_superuser


def is_brand_staff(member) -> bool:
    """An official responder (admins count: they run the brand's forum)."""
    return is_member(member) and (member.is_brand_staff or member.is_superuser)


def is_moderator(member) -> bool:
    """A suspended moderator does not moderate until the suspension ends."""
    return is_member(member) and (member.is_moderator or member.is_superuser) and not member.is_suspended


def sees_staff_areas(member) -> bool:
    """Staff-only categories and the staff workspace: staff, moderators and admins."""
    return is_brand_staff(member) or is_moderator(member)


def is_suspended(member) -> bool:
    return is_member(member) and member.is_suspended


def can_post(member) -> bool:
    return is_member(member) and not member.is_suspended


def check_can_post(member):
    if not is_member(member):
        raise PermissionDenied(_("Log in to take part."))
    if member.is_suspended:
        raise PermissionDenied(suspension_message(member))


def suspension_message(member) -> str:
    until = date_format(timezone.localtime(member.suspended_until), "DATETIME_FORMAT")
    message = _("Your account is suspended until %(until)s; you can read but not post.") % {"until": until}
    if member.suspension_reason:
        message += " " + _("Reason: %(reason)s") % {"reason": member.suspension_reason}
    return message


def can_moderate_member(moderator, member) -> bool:
    """Offer the warn and suspend page: to moderators, about anyone but themselves."""
    return is_moderator(moderator) and member is not None and member.pk != moderator.pk


def is_limited(member) -> bool:
    """Whether flood limits (posting, uploads) apply: staff, moderators and admins are exempt."""
    return not (is_brand_staff(member) or is_moderator(member))


def is_new_account(member) -> bool:
    """An account younger than NEW_ACCOUNT_HOURS: stricter limits until then."""
    return timezone.now().timestamp() < new_account_ends(member)


def new_account_ends(member) -> float:
    """When the account stops being new, as a timestamp."""
    return member.date_joined.timestamp() + settings.NEW_ACCOUNT_HOURS * 3600


def check_is_moderator(member):
    if not is_moderator(member):
        raise PermissionDenied(_("Only moderators can do this."))


def check_sees_staff_areas(member):
    if not sees_staff_areas(member):
        raise PermissionDenied(_("Only staff and moderators can open this page."))


# The same rules as filters on members (prefix: the path to the member, e.g. "author__").
# They say who holds the role; add is_active=True where only active accounts count.


def brand_staff_q(prefix: str = "") -> Q:
    """Official responders, as is_brand_staff(): staff and admins."""
    return Q(**{f"{prefix}is_brand_staff": True}) | Q(**{f"{prefix}is_superuser": True})


def moderators_q(prefix: str = "") -> Q:
    """Members who moderate now, as is_moderator(): moderators and admins, not suspended."""
    return (Q(**{f"{prefix}is_moderator": True}) | Q(**{f"{prefix}is_superuser": True})) & not_suspended_q(prefix)


def not_suspended_q(prefix: str = "") -> Q:
    """Members not suspended now (as not member.is_suspended)."""
    return Q(**{f"{prefix}suspended_until__isnull": True}) | Q(**{f"{prefix}suspended_until__lte": timezone.now()})


def can_post_q(prefix: str = "") -> Q:
    """Members who may post now, as can_post(): active accounts, not suspended."""
    return Q(**{f"{prefix}is_active": True}) & not_suspended_q(prefix)


def sees_staff_areas_q(prefix: str = "") -> Q:
    """Members who see staff-only categories, as sees_staff_areas(): staff, moderators, admins."""
    return brand_staff_q(prefix) | moderators_q(prefix)


def role_names(member) -> list[str]:
    """The roles a member holds, for flair and for the admin list."""
    names = []
    if member.is_superuser:
        names.append("admin")
    if member.is_brand_staff:
        names.append("staff")
    if member.is_moderator:
        names.append("moderator")
    return names or ["member"]
