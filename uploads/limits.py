"""How many pictures a member may upload: UPLOADS_PER_DAY, and NEW_ACCOUNT_UPLOADS in an
account's first NEW_ACCOUNT_HOURS. Staff and moderators are exempt, and POSTING_LIMITS turns
these off with the posting limits. Over a limit, web.limits.RateLimited (429 with Retry-After).

An upload counts when it is sent, refused or not: decoding is what costs, and a member who
sends a stream of broken files meets the limit like any other.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from profiles import roles
from web import limits

DAY = 24 * 60 * 60


def check_can_upload(member):
    if not settings.POSTING_LIMITS or not roles.is_limited(member):
        return
    if roles.is_new_account(member):
        count = settings.NEW_ACCOUNT_UPLOADS
        limits.take(
            f"limit:new-uploads:{member.pk}",
            count,
            settings.NEW_ACCOUNT_HOURS * 3600,
            ngettext(
                "New accounts can upload %(n)d picture in their first day.",
                "New accounts can upload %(n)d pictures in their first day.",
                count,
            )
            % {"n": count},
            lifted_at=roles.new_account_ends(member),
        )
    count = settings.UPLOADS_PER_DAY
    limits.take(
        f"limit:uploads:{member.pk}:{timezone.now():%Y%m%d}",
        count,
        DAY,
        ngettext(
            "You can upload %(n)d picture a day. Please continue tomorrow.",
            "You can upload %(n)d pictures a day. Please continue tomorrow.",
            count,
        )
        % {"n": count},
    )
