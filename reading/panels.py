"""A member's own part of the thread lists' pages (forum.hooks.provide_list_panel): on the home
page, the new and unread threads of what they track; on a category's or a tag's page, their
watch level and, for a category, "mark all as read". The forms are the same for every member
(their token a slot); the chosen level and the counts are filled per reader, and on the home
page what they muted, which static/js/marks.js leaves out of its count of new threads."""

import json

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reading import watching
from web import pagecache

WATCH, TRACKED, MUTED = "reading-watch", "reading-tracked", "reading-muted"
# The watch forms, by level, and the tracked counts' boxes, by what they show.
forms = pagecache.Renderings(4000)


def render(request, *, category=None, tag=None) -> str:
    page = getattr(request, "shared_page", None)
    if page is None or not request.user.is_authenticated:
        return ""
    page.fills["reading_list"] = {"category": (category.pk, category.slug) if category else None, "tag": tag}
    return render_to_string(
        "reading/_list_panel.html",
        {"category": category, "tag": tag, "watch": page[WATCH], "tracked": page[TRACKED], "muted": page[MUTED]},
        request=request,
    )


def fill(request, fills: dict) -> dict:
    if "reading_list" not in fills:
        return {}
    member = pagecache.member(request)
    category, tag = fills["reading_list"]["category"], fills["reading_list"]["tag"]
    if category is None and tag is None:
        return {TRACKED: tracked_html(member), WATCH: "", MUTED: muted_attribute(member)}
    if category is not None:
        level, target = watching.level_of(member, category_pk=category[0]), ("category", category[1])
    else:
        level, target = watching.level_of(member, tag_slug=tag), ("tag", tag)
    html = forms.get_or_render(
        (get_language(), *target, level),
        lambda: render_to_string(
            "reading/_watch_form.html",
            {"target": target, "level": level, "levels": level_choices(), "csrf_token": pagecache.CSRF},
        ),
    )
    return {WATCH: html, TRACKED: "", MUTED: ""}


def level_choices() -> list[tuple[str, str, str]]:
    """(level, name, what it does), in the reader's language."""
    return [
        (watching.NORMAL, _("Normal"), _("New threads and unread replies are marked in the lists.")),
        (watching.Level.TRACKING, _("Tracking"), _("Its new and unread threads are counted on the home page.")),
        (watching.Level.WATCHING, _("Watching"), _("You are notified of each new thread, and it is tracked.")),
        (watching.Level.MUTED, _("Muted"), _("Its threads leave your latest threads on the home page.")),
    ]


def tracked_html(member) -> str:
    """The home page's counts of what the member tracks (reading/_tracked.html), "" when none
    has news: what the page's slot holds, asked again by static/js/marks.js."""
    tracked = watching.tracked_counts(member)
    if not tracked:
        return ""
    key = (get_language(), *((entry["url"], entry["label"], entry["new"], entry["unread"]) for entry in tracked))
    return forms.get_or_render(key, lambda: render_to_string("reading/_tracked.html", {"tracked": tracked}))


def muted_attribute(member) -> str:
    """The home page's muted categories and tags, as JSON in an attribute: a thread started in one
    is not on the member's latest list, so its page does not count it as new."""
    found = watching.muted(member)
    return escape(json.dumps({"categories": found["categories"], "tags": sorted(found["tags"].values())}))
