from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

register = template.Library()


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
