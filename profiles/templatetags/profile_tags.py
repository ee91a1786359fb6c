from functools import lru_cache

from django import template
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext

register = template.Library()

# One cell of the contribution calendar: every value but the escaped tooltip is a number or an ISO date.
HEAT_CELL = (
    '<rect class="heat heat-{level}" x="{x}" y="{y}" width="{size}" height="{size}" rx="2" '
    'data-date="{day}" data-count="{count}"><title>{title}</title></rect>'
)


@register.simple_tag
def standing_in_words(member) -> str:
    """A member's reputation and badges as a sentence ("1,240 reputation points · 3 gold badges,
    12 bronze badges"), for screen readers and tooltips where the page shows only symbols.
    Reads the counts cached on the member: no query."""
    points = ngettext("%(count)s reputation point", "%(count)s reputation points", member.reputation) % {
        "count": number_format(member.reputation, force_grouping=True)
    }
    tiers = (
        (member.gold_badges, ngettext("%(count)s gold badge", "%(count)s gold badges", member.gold_badges)),
        (member.silver_badges, ngettext("%(count)s silver badge", "%(count)s silver badges", member.silver_badges)),
        (member.bronze_badges, ngettext("%(count)s bronze badge", "%(count)s bronze badges", member.bronze_badges)),
    )
    badges = ", ".join(words % {"count": number_format(count, force_grouping=True)} for count, words in tiers if count)
    return f"{points} · {badges}" if badges else points


@lru_cache(maxsize=4096)
def _heat_title(day, count: int, language: str) -> str:
    """A cell's tooltip, escaped. Cached: every profile draws the same year of mostly empty days,
    and the words and the date took most of the calendar's time (`language` is in the key: both
    follow it)."""
    words = ngettext("%(day)s: %(counter)s contribution", "%(day)s: %(counter)s contributions", count)
    return escape(words % {"day": date_format(day, "DATE_FORMAT"), "counter": count})


@register.simple_tag
def heat_cells(heat):
    """The calendar's cells, each with its tooltip, drawn in one pass: through the template
    engine, a year of cells (up to 371) cost more than the rest of the profile page."""
    language = get_language()
    cells = "".join(
        HEAT_CELL.format(
            level=int(cell.level),
            x=int(cell.x),
            y=int(cell.y),
            size=int(heat.cell_size),
            day=cell.day.isoformat(),
            count=int(cell.count),
            title=_heat_title(cell.day, cell.count, language),
        )
        for cell in heat.cells
    )
    return mark_safe(cells)  # noqa: S308 (numbers, ISO dates and escaped tooltips only)
