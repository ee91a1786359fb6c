from django import template

from ideas import rows

register = template.Library()


@register.simple_tag(takes_context=True)
def idea_row(context, idea):
    """An idea in a list (ideas/rows.py: rendered once, shared between readers)."""
    return rows.idea_row(
        idea, show_category=bool(context.get("show_category", True)), heading_level=context.get("heading_level") or 2
    )
