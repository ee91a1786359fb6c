"""An idea in a list (/ideas/, /roadmap/): rendered once for everything it shows, and reused for
every reader and page that shows it the same way, as forum/rendering.py does for thread rows.
Only the time it was proposed is filled in for each request ("3 hours ago" moves on)."""

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from forum.rendering import relative_time
from web.pagecache import Renderings, slot

CAPACITY = 4000  # rows kept per process: a few megabytes
STARTED = slot("idea-started")

rows = Renderings(CAPACITY)


def row_key(idea, *, show_category: bool, heading_level) -> tuple:
    """Everything ideas/_idea_row.html shows."""
    thread = idea.thread
    category, author = thread.category, thread.author
    return (
        get_language(),
        heading_level,
        show_category,
        idea.pk,
        idea.status,
        idea.votes,
        getattr(idea, "votes_this_month", None),
        thread.title,
        thread.slug,
        thread.reply_count,
        (category.slug, category.colour, category.local_name),
        tuple((tag.name, tag.slug) for tag in thread.tag_list),
        (author.name, author.avatar.name, author.initials),
    )


def idea_row(idea, *, show_category: bool = True, heading_level=2) -> SafeString:
    context = {
        "idea": idea,
        "show_category": show_category,
        "heading_level": heading_level,
        "started": mark_safe(STARTED),  # noqa: S308 (a slot: no markup of anyone's)
    }
    html = rows.get_or_render(
        row_key(idea, show_category=show_category, heading_level=heading_level),
        lambda: get_template("ideas/_idea_row.html").render(context),
    )
    return mark_safe(html.replace(STARTED, relative_time(idea.thread.created_at)))  # noqa: S308 (escaped by the template)
