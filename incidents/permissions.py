"""Who may do what with incidents. Checks raise; predicates answer."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from profiles import roles


def can_manage(member) -> bool:
    """Declare, update, resolve, link and merge: brand staff and admins (who may post now)."""
    return roles.can_post(member) and roles.is_brand_staff(member)


def check_can_manage(member):
    roles.check_can_post(member)
    if not roles.is_brand_staff(member):
        raise PermissionDenied(_("Only brand staff and administrators declare and update incidents."))


def check_can_follow(member):
    if not roles.is_member(member):
        raise PermissionDenied(_("Log in to follow incidents."))
