"""The answering app's settings (config/settings.py, from the environment).

Read when used, never at import time, so that tests can set them.
"""

from django.conf import settings

DAILY_CAP_MAX = 10  # what a member may raise their own cap to


def invitees(round_number: int) -> int:
    """How many members one round invites: a few first, more when the circle widens."""
    if round_number == 1:
        return settings.ANSWERING_INVITEES
    return settings.ANSWERING_WIDEN_INVITEES


def daily_cap() -> int:
    """Invitations a member receives in 24 hours at most, unless they chose another cap."""
    return min(max(settings.ANSWERING_DAILY_CAP, 0), DAILY_CAP_MAX)


def active_days() -> int:
    """Only members seen (posting, voting) in this many days are invited."""
    return settings.ANSWERING_ACTIVE_DAYS


def half_life_days() -> float:
    """Expertise earned this many days ago weighs half as much as expertise earned today."""
    return settings.ANSWERING_HALF_LIFE_DAYS


def stop_after_hours() -> int:
    """In a category without a response target, questions older than this invite nobody more."""
    return settings.ANSWERING_STOP_AFTER_HOURS
