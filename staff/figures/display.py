"""Durations and shares as people read them, on the page and in the CSV's "Shown as" column."""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def human_duration(value: timedelta | None) -> str:
    """'45 min', '3 h 20 min', '1 day 4 h', '12 days' — rounded to the minute; '—' when there is none."""
    if value is None:
        return "—"
    minutes = round(value.total_seconds() / 60)
    if minutes < 1:
        return _("under a minute")
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes:
            return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
        return _("%(hours)d h") % {"hours": hours}
    days, hours = divmod(hours + (1 if minutes >= 30 else 0), 24)
    day_text = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
    if hours and days < 7:
        return _("%(days)s %(hours)d h") % {"days": day_text, "hours": hours}
    return day_text


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def percent_text(value: int | None) -> str:
    return "—" if value is None else _("%(percent)d %%") % {"percent": value}


def hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 2)
