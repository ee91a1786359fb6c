from django.db import transaction
from django.utils.translation import gettext as _

from profiles.models import Member


class RoleError(ValueError):
    pass


@transaction.atomic
def grant_role(*, member: Member, role: str, title: str | None = None) -> Member:
    """Give a member a role; "member" takes back staff and moderator roles.

    "admin" makes a superuser with access to the Django admin.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if role == "member":
        member.is_brand_staff = False
        member.is_moderator = False
        member.staff_title = ""
    elif role == "staff":
        member.is_brand_staff = True
        if title is not None:
            member.staff_title = title.strip()
    elif role == "moderator":
        member.is_moderator = True
    elif role == "admin":
        member.is_superuser = True
        member.is_staff = True
    else:
        raise RoleError(_("Unknown role %(role)s: use member, staff, moderator or admin.") % {"role": role})
    member.save(update_fields=["is_brand_staff", "is_moderator", "staff_title", "is_superuser", "is_staff"])
    return member
