"""The period the figures cover: the last 7, 30 or 90 days, today included, in the site's time zone."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from reputation.selectors import period_start

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


@dataclass(frozen=True)
class Period:
    days: int
    first_day: date
    last_day: date
    start: datetime  # local midnight of first_day, aware

    @property
    def weekly(self) -> bool:
        """90 days are drawn one bar a week; shorter periods one bar a day."""
        return self.days > 31


def period_from(value) -> int:
    """The period asked for (7, 30 or 90 days), or the default one when missing or unknown."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def period_of(days: int, *, now: datetime) -> Period:
    """The last `days` days up to `now`, starting when the leaderboard's period of as many days starts."""
    last_day = timezone.localdate(now)
    first_day = last_day - timedelta(days=days - 1)
    return Period(days=days, first_day=first_day, last_day=last_day, start=period_start(days, now=now))
