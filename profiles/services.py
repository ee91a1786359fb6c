from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from profiles import events as profile_events
from profiles import roles
from profiles.models import Member
from web.markdown import render_markdown


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
    profile_events.access_changed.send(sender=Member, member=member)
    return member


# How precisely a profile says when its member last took part: a member replying every few
# seconds has the row written once a minute, not by each reply's transaction.
SEEN_PRECISION = timedelta(minutes=1)


def mark_seen(member: Member):
    """The member took part just now (posted, replied, voted): their profile says when, to the
    minute (SEEN_PRECISION), from the member as loaded."""
    now = timezone.now()
    # Not loaded: written rather than read first (request.user is a lazy stand-in: asked, not looked into).
    seen = None if "last_seen" in member.get_deferred_fields() else member.last_seen
    if seen is not None and now - seen < SEEN_PRECISION:
        return
    Member.objects.filter(pk=member.pk).update(last_seen=now)
    member.last_seen = now


# Profiles --------------------------------------------------------------------------

PROFILE_FIELDS = ("display_name", "bio", "location", "website", "language")
WEB_SCHEMES = ("http://", "https://")


def can_edit_profile(viewer, member: Member) -> bool:
    """Members edit their own profile, and not while suspended (a bio is something others read)."""
    return roles.can_post(viewer) and viewer.pk == member.pk


def check_can_edit_profile(viewer, member: Member):
    if roles.is_member(viewer) and viewer.pk == member.pk and viewer.is_suspended:
        raise PermissionDenied(_("Your account is suspended; you cannot change your profile until it ends."))
    if not can_edit_profile(viewer, member):
        raise PermissionDenied(_("You can only edit your own profile."))


def _cleaned(member: Member, fields: dict) -> dict:
    """The new values, checked against the model's own rules (length, choices, URL)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"update_profile() got unexpected fields: {', '.join(sorted(unknown))}")
    values = {}
    for name, value in fields.items():
        value = (value or "").strip()
        values[name] = Member._meta.get_field(name).clean(value, member)
    if values.get("website") and not values["website"].lower().startswith(WEB_SCHEMES):
        raise ValidationError({"website": _("Only http:// and https:// addresses are allowed.")})
    return values


def update_profile(*, member: Member, avatar=None, remove_avatar: bool = False, **fields) -> Member:
    """Change a member's profile and announce it with profiles.events.profile_updated.

    `fields` are any of PROFILE_FIELDS; `avatar` is a file made by
    profiles.avatars.prepare_avatar (never a raw upload). The replaced avatar
    file is deleted once the change is committed.
    """
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        values = _cleaned(member, fields)
        changed = [name for name, value in values.items() if getattr(member, name) != value]
        for name in changed:
            setattr(member, name, values[name])
        update_fields = list(changed)
        if "bio" in changed:
            member.bio_html = render_markdown(member.bio).html
            update_fields.append("bio_html")
        old_avatar = member.avatar.name if member.avatar else ""
        if avatar is not None:
            member.avatar.save(avatar.name, avatar, save=False)
        elif remove_avatar and old_avatar:
            member.avatar = ""
        if member.avatar.name != old_avatar:
            changed.append("avatar")
            update_fields.append("avatar")
        if not changed:
            return member
        member.save(update_fields=update_fields)
        if old_avatar and "avatar" in changed:
            storage = member.avatar.storage
            transaction.on_commit(lambda: storage.delete(old_avatar))
        profile_events.profile_updated.send(sender=Member, member=member, changed=changed)
    return member
