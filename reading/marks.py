"""What a member sees of their read state on the forum's pages, filled into shared copies.

Lists: each row's link goes to the first unread reply when there are unread replies, and its
mark says "New" or how many replies are unread (forum.hooks.provide_row_marks), from one query
for the page's rows. A thread page: where "new since your last visit" starts, a line above
the first unread reply, and the form that static/js/reading.js reports the reading through
(forum.hooks.provide_thread_panel).
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, ngettext

from reading import selectors
from web import pagecache

# The scriptless form of each page, the same for every member who reads it (its token a slot).
scriptless_forms = pagecache.Renderings(2000)
# The panel of each thread, the same for every member (its notice, form and token slots).
panels = pagecache.Renderings(2000)

SINCE, SCRIPTLESS = "reading-since", "reading-scriptless"


def unread_url(thread_url: str) -> str:
    return f"{thread_url}unread/"


def fill_rows(request, rows: dict) -> dict:
    member = pagecache.member(request)
    read = selectors.replies_read(member, list(rows))
    new_since = selectors.new_since()
    marks, new_badge = {}, None
    for pk, row in rows.items():
        if pk in read:
            unread = row.reply_count - read[pk]
            if unread > 0:
                label = ngettext("%(count)d unread reply", "%(count)d unread replies", unread) % {"count": unread}
                href = unread_url(row.url)
                marks[pk] = (href, format_html(' <a class="badge badge-unread" href="{}">{}</a>', href, label))
        elif row.created_at >= new_since and row.author_id != member.pk:
            new_badge = new_badge or format_html(' <span class="badge badge-new">{}</span>', gettext("New"))
            marks[pk] = (row.url, new_badge)
    return marks


def render_panel(request, thread) -> str:
    """The reporting form and the slot of the "new since your last visit" notice, for members."""
    page = getattr(request, "shared_page", None)
    if page is None or not request.user.is_authenticated:
        return ""
    page.fills["reading"] = {"replies": thread.reply_count, "url": thread.get_absolute_url()}
    # Rendered without the request: its context processors would run again for the page's
    # panel alone, and what it needs of them is the token's slot.
    return panels.get_or_render(
        (get_language(), thread.pk),
        lambda: render_to_string(
            "reading/_panel.html",
            {
                "thread": thread,
                "since": page[SINCE],
                "scriptless": page[SCRIPTLESS],
                "seen_url": reverse("reading:seen"),
                "csrf_token": pagecache.CSRF,
            },
        ),
    )


def fill_panel(request, fills: dict) -> dict:
    if "reading" not in fills:
        return {}
    member, thread = pagecache.member(request), fills["thread"]
    posts = sorted(fills.get("before_post", {}).values())
    parts = {SINCE: "", SCRIPTLESS: _scriptless_form(request, thread, posts)}
    state = selectors.read_state(member, thread.pk)
    unread = fills["reading"]["replies"] - state[2] if state is not None else 0
    if state is None or unread <= 0:
        return parts
    first = next((pk for created_at, pk in posts if selectors.is_after(created_at, pk, state)), None)
    if first is not None:
        parts[f"before-post:{first}"] = format_html(
            '<p class="new-since" id="new-since"><span>{}</span></p>', gettext("New since your last visit")
        )
    href = "#new-since" if first is not None else unread_url(fills["reading"]["url"])
    label = ngettext(
        "%(count)d new reply since your last visit", "%(count)d new replies since your last visit", unread
    ) % {"count": unread}
    parts[SINCE] = format_html('<p class="reading-since"><a href="{}">{}</a></p>', href, label)
    return parts


def _scriptless_form(request, thread, posts: list) -> str:
    """Without JavaScript nothing reports the reading: a button does, up to the page's last reply."""
    if not posts:
        return ""
    last, path = posts[-1][1], request.get_full_path()
    return scriptless_forms.get_or_render(
        (get_language(), thread.pk, last, path),
        lambda: render_to_string(
            "reading/_mark_page_read.html",
            {"thread": thread, "post": last, "next": path, "csrf_token": pagecache.CSRF},
        ),
    )
