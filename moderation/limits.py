"""Posting limits against floods, kept in the shared cache so they hold across processes.

Staff, moderators and admins are exempt. Over a limit the forum service
raises RateLimited before writing anything; the view answers 429 with
Retry-After. Counters are reserved atomically (cache.add / cache.incr), so
two processes cannot both take the last allowed post.
"""

import re
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum.errors import RateLimited
from profiles import roles
from web import limits

DAY = 24 * 60 * 60
_exempt = ContextVar("posting_limits_exempt", default=False)


@contextmanager
def exempt():
    """Writes made by the site itself (the demo seeder, imports) are not floods."""
    token = _exempt.set(True)
    try:
        yield
    finally:
        _exempt.reset(token)


def _cooldown_key(member) -> str:
    return f"limit:cooldown:{member.pk}"


def _cooldown(member, seconds: int):
    """At most one post every `seconds`: the key exists while the member must wait."""
    key = _cooldown_key(member)
    now = time.time()
    if not cache.add(key, now + seconds, timeout=seconds):
        until = cache.get(key) or now + seconds
        wait = max(1, round(until - now))
        raise RateLimited(
            ngettext(
                "Please wait %(n)d second before posting again.",
                "Please wait %(n)d seconds before posting again.",
                wait,
            )
            % {"n": wait},
            retry_after=wait,
        )


_HREF = re.compile(r"<a\s[^>]*\bhref=\"([^\"]*)\"")


def _links(body: str) -> int:
    """Links that leave the site: a quote's link back to the quoted post is not one."""
    from web.markdown import render_markdown  # rendering tells what really becomes a link

    hrefs = _HREF.findall(render_markdown(body).html)
    return sum(1 for href in hrefs if href.startswith("//") or not href.startswith(("/", "#", "?")))


def check_post(member, action: str, body: str):
    if not settings.POSTING_LIMITS or _exempt.get() or not roles.is_limited(member):
        return
    new = roles.is_new_account(member)
    if new and _links(body) > settings.NEW_ACCOUNT_MAX_LINKS:
        raise RateLimited(
            _("New accounts can include at most %(n)d links in a post. Remove some links and try again.")
            % {"n": settings.NEW_ACCOUNT_MAX_LINKS},
            retry_after=max(1, round(roles.new_account_ends(member) - time.time())),
        )
    # The cooldown first: a post refused as too soon must not use up a quota.
    _cooldown(member, settings.NEW_ACCOUNT_COOLDOWN if new else settings.POST_COOLDOWN)
    try:
        _take_quotas(member, action, new)
    except RateLimited:
        cache.delete(_cooldown_key(member))  # nothing is posted: nothing to wait for
        raise


def _take_quotas(member, action: str, new: bool):
    day = timezone.now().strftime("%Y%m%d")
    if action == "thread":
        if new:
            limits.take(
                f"limit:new-threads:{member.pk}",
                settings.NEW_ACCOUNT_THREADS,
                settings.NEW_ACCOUNT_HOURS * 3600,
                _("New accounts can start %(n)d threads in their first day.") % {"n": settings.NEW_ACCOUNT_THREADS},
                lifted_at=roles.new_account_ends(member),
            )
        limits.take(
            f"limit:threads:{member.pk}:{day}",
            settings.THREADS_PER_DAY,
            DAY,
            _("You can start %(n)d threads a day. Please continue tomorrow.") % {"n": settings.THREADS_PER_DAY},
        )
    elif new:
        limits.take(
            f"limit:new-replies:{member.pk}",
            settings.NEW_ACCOUNT_REPLIES,
            settings.NEW_ACCOUNT_HOURS * 3600,
            _("New accounts can post %(n)d replies in their first day.") % {"n": settings.NEW_ACCOUNT_REPLIES},
            lifted_at=roles.new_account_ends(member),
        )


def on_post_attempted(sender, member, action, body, **kwargs):
    check_post(member, action, body)
