"""Each post's HTML, rendered once and reused for every reader.

A thread page is twenty posts, and rendering them was most of its cost: the same
article for every reader, around a few parts that are the reader's own. A post is
rendered in two parts, each kept in this process under a key made of everything it
shows, so that a post that changes (an edit, a vote, its author's reputation) has a
new key and nothing needs invalidating:

- its content (forum/_post_content.html): the author card, the head, the body, the
  endorsement, keyed by the post's and its author's shown fields and the language;
- its actions (forum/_post_actions.html): the reader's buttons, keyed by the post,
  what the reader may do to it and the language, so readers with the same rights share
  one rendering.

Three slots are filled for each reader after that: the relative time, the CSRF token
of the forms, and the moderators' link to warn the author. A slot is a string no post
can contain (NUL bytes are refused at the door: web/badinput.py).

When the whole page is rendered to be shared between members (web/pagecache.py), the
actions are left as a slot of the page, with what they depend on in the post
(`ActionsState`), and `actions_for` fills them for each reader.
"""

from datetime import timedelta
from functools import lru_cache
from operator import attrgetter
from types import SimpleNamespace
from typing import NamedTuple

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.defaultfilters import date as date_filter
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from forum import hooks
from forum.forms import ReplyForm
from profiles.models import Member
from web.pagecache import CSRF, Renderings, slot

TIME, MODERATE, ACTIONS, FOLLOW, STARTED, ACTIVE = (
    slot(name) for name in ("time", "moderate", "actions", "follow", "started", "active")
)
CAPACITY = 4000  # renderings per kind and process: a few megabytes


contents = Renderings(CAPACITY)
actions = Renderings(CAPACITY)
rows = Renderings(CAPACITY)
follows = Renderings(CAPACITY)
related = Renderings(CAPACITY)
heads = Renderings(CAPACITY)
reply_forms = Renderings(16)  # one per language
after_openings = Renderings(16)


def _member_key(member) -> tuple | None:
    """What an author card shows of a member (Member.CARD_FIELDS, which thread pages load)."""
    if member is None:
        return None
    return _card_key(member)


_card_key = attrgetter("pk", *("avatar_name" if name == "avatar" else name for name in Member.CARD_FIELDS))


def content_key(post, anchor: str, language: str | None = None) -> tuple:
    """Everything forum/_post_content.html shows (and what it shows it from), in `language`
    (the active one if not given)."""
    sees_body = post.viewer_sees_body
    return (
        language or get_language(),
        anchor,
        post.pk,
        post.is_reply,
        post.is_official,
        post.is_answer,
        post.visibility,
        post.edited_at,
        sees_body,
        post.body_html if sees_body else None,
        post.moderation_reason if sees_body else None,
        _member_key(post.author),
        _member_key(post.endorsed_by),
    )


def actions_key(post, anchor: str, rights: dict, language: str | None = None) -> tuple:
    """Everything forum/_post_actions.html shows: the post's state and the reader's rights (and
    the language, which a caller with many posts reads once)."""
    return (
        language or get_language(),
        anchor,
        post.pk,
        post.score,
        post.is_answer,
        post.visibility,
        post.endorsed_by_id,
        post.viewer_voted,
        post.viewer_can_vote,
        post.viewer_can_accept,
        post.viewer_can_endorse,
        post.viewer_can_edit,
        *rights.values(),
    )


class _Reader:
    """What every post of one rendering reads of its context, worked out once per template
    rendering (kept in its render_context) rather than once per post."""

    __slots__ = (
        "anchor",
        "can_reply",
        "clock",
        "csrf",
        "member_pk",
        "moderates",
        "shared_page",
        "thread",
        "viewer",
        "warns",
    )

    def __init__(self, context):
        self.anchor = context.get("anchor") or "post"
        viewer = context.get("user")
        self.member_pk = viewer.pk if viewer is not None and viewer.is_authenticated else None
        # The member itself, not the lazy object in front of it: the rules read it for each post.
        self.viewer = getattr(viewer, "_wrapped", viewer)
        self.thread = context["thread"]
        self.moderates = bool(context.get("moderates"))
        self.can_reply = bool(context.get("can_reply"))
        self.warns = self.moderates and not context.get("live")
        self.shared_page = context.get("shared_page")
        # The token itself only when a form needs it: reading it sets the CSRF cookie, which a
        # visitor's page (cached, shared) must not.
        self.csrf = context.get("csrf_token", "")
        self.clock = Clock()


def _reader(context) -> _Reader:
    render_context = context.render_context
    reader = render_context.get(_Reader)
    if reader is None or reader.anchor != (context.get("anchor") or "post"):
        reader = render_context[_Reader] = _Reader(context)
    return reader


def article(context, post) -> SafeString:
    """The post's article for the reader in `context` (a template context of the thread page,
    or of one post fetched alone: forum.views.threads builds both)."""
    return SafeString(_article(_reader(context), post))  # not mark_safe: its lazy-string check costs a call per post


def _article(reader: _Reader, post) -> str:
    anchor, thread, shared_page = reader.anchor, reader.thread, reader.shared_page
    content = contents.get_or_render(
        content_key(post, anchor, reader.clock.language),
        lambda: get_template("forum/_post_content.html").render({"post": post, "anchor": anchor, "slots": _SLOTS}),
    )
    if shared_page is not None:
        # The page is shared: the buttons are the reader's, filled by actions_for.
        name = f"actions:{anchor}-{post.pk}"
        state = shared_page.fills.setdefault("actions", {})[name] = ActionsState.of(post, anchor)
        own, url = slot(name), state.url
    else:
        rights = reader_rights(reader.viewer, thread, post, can_reply=reader.can_reply, moderates=reader.moderates)
        own, url = _actions(post, anchor, thread, rights, reader.clock.language), None
    warn = reader.warns and post.author_id != reader.member_pk
    html = (
        content.replace(ACTIONS, own)
        .replace(TIME, reader.clock.time(post.created_at))
        .replace(MODERATE, _warn_link(post.author.username) if warn else "")
        .replace(FOLLOW, _follow_author(reader, post, url) if reader.member_pk is not None else "")
    )
    if shared_page is None and CSRF in html:
        html = html.replace(CSRF, str(reader.csrf))
    return html  # rendered by the templates, escaped there; the slots are escaped here


def post_list(context, posts) -> SafeString:
    """A thread page's posts: each after its `before_post` slot, as `article` makes it, then its
    staff notes on staff's pages; the opening post followed by forum/_after_opening.html (the
    accepted answer, the replies' heading). A loop in Python, where one in the template cost
    a few nodes per post."""
    staff_view = context.get("staff_view")
    reader = _reader(context)
    parts = []
    for post in posts:
        parts.append(_before_post(reader.shared_page, post))
        parts.append(_article(reader, post))
        if staff_view:
            parts.append(conditional_escape(post.staff_notes))
        if post.is_opening:
            parts.append(_after_opening(context))
    return SafeString("".join(parts))  # each part escaped where it was made


def _after_opening(context) -> str:
    """forum/_after_opening.html: the accepted answer's summary (with the reader's own buttons),
    then the replies' heading. Without the answer, it shows the heading alone, the same for every
    reader: rendered once for each language and whether there is any reply yet."""

    def render():
        return context.template.engine.get_template("forum/_after_opening.html").render(context)

    view = context["view"]
    if view.answer is not None and view.answer.viewer_sees_body:
        return render()
    return after_openings.get_or_render((get_language(), view.page.paginator.count == 1), render)


class AuthorCard(NamedTuple):
    """What the reader's button to follow a post's author shows (forum.hooks.provide_author_follows),
    kept with a shared page: whose card, and where the button's form comes back to."""

    author_pk: int
    username: str
    name: str
    button_id: str
    back: str


def _follow_author(reader: _Reader, post, url: str | None) -> str:
    """The member's button to follow the post's author, on the card beside the post: a slot of
    a shared page (filled with the reader's votes, forum.views.threads), or, for a post fetched
    alone, the button itself (forum.selectors.post_for read whether they follow). `url`: the
    post's address, when the caller has it."""
    if not hooks.follows_authors() or not post.author.is_active:
        return ""
    anchor, shared_page = reader.anchor, reader.shared_page
    # Back to the post (its page, at its anchor), as the page read on load and a post fetched
    # alone both know it.
    author, back = post.author, url or post.get_absolute_url()
    card = AuthorCard(post.author_id, author.username, author.name, f"{anchor}-{post.pk}-follow", back)
    name = f"follow:{anchor}-{post.pk}"
    if shared_page is not None:
        shared_page.fills.setdefault("authors", {})[name] = card
        return slot(name)
    followed = {post.author_id} if getattr(post, "viewer_follows_author", False) else set()
    return hooks.author_follow_buttons(reader.viewer, {name: card}, followed).get(name, "")


def reader_rights(viewer, thread, post, *, can_reply: bool, moderates: bool) -> dict:
    """What the actions show of the reader besides the post's own flags (the actions' key)."""
    member_pk = viewer.pk if viewer is not None and viewer.is_authenticated else None
    return {
        "can_reply": can_reply,
        "may_report": member_pk is not None and not viewer.is_suspended and post.author_id != member_pk,
        "is_member": member_pk is not None,
        "moderates": moderates,
        "thread_path": (thread.slug, thread.pk),
    }


def _actions(post, anchor, thread, rights, language: str | None = None) -> str:
    return actions.get_or_render(
        actions_key(post, anchor, rights, language),
        lambda: get_template("forum/_post_actions.html").render(
            {"post": post, "anchor": anchor, "thread": thread, "csrf_token": CSRF, **rights}
        ),
    )


class ActionsState(SimpleNamespace):
    """What a post's buttons and the rules behind them read of the post, kept with a shared
    page (picklable), so that each reader's buttons are worked out without the post."""

    FIELDS = (
        "pk",
        "score",
        "visibility",
        "is_visible",
        "endorsed_by_id",
        "author_id",
        "is_opening",
        "is_reply",
        "is_official",
        "thread_id",
    )

    @classmethod
    def of(cls, post, anchor):
        return cls(anchor=anchor, url=post.get_absolute_url(), **{name: getattr(post, name) for name in cls.FIELDS})

    def get_absolute_url(self):
        return self.url

    def copy(self):
        """A copy to attach one reader's flags to (forum.selectors.attach_viewer_state)."""
        return ActionsState(**self.__dict__)


def thread_state(thread) -> SimpleNamespace:
    """What the rules on posts read of their thread (forum/permissions.py), kept with a shared page."""
    category = SimpleNamespace(access=thread.category.access, is_questions=thread.category.is_questions)
    fields = ("pk", "slug", "visibility", "is_locked", "author_id", "accepted_answer_id")
    return SimpleNamespace(category=category, **{name: getattr(thread, name) for name in fields})


def follow_form(thread, level: str | None) -> str:
    """The reader's follow buttons for a thread (forum/_follow_form.html), its token a slot."""
    return follows.get_or_render(
        (get_language(), thread.pk, thread.slug, level),
        lambda: get_template("forum/_follow_form.html").render(
            {"thread": thread, "follow_level": level, "csrf_token": CSRF}
        ),
    )


def actions_for(viewer, thread, states: list, *, can_reply: bool, moderates: bool) -> dict[str, str]:
    """Each post's buttons for this reader (the posts' viewer flags already attached), by slot name."""
    language = get_language()
    return {
        f"actions:{state.anchor}-{state.pk}": _actions(
            state,
            state.anchor,
            thread,
            reader_rights(viewer, thread, state, can_reply=can_reply, moderates=moderates),
            language,
        )
        for state in states
    }


_SLOTS = {name: mark_safe(slot(name)) for name in ("time", "moderate", "actions", "follow")}  # noqa: S308


def row_key(thread, heading_level, show_category: bool, marked: bool = False) -> tuple:
    """Everything forum/_thread_row_content.html shows."""
    category, author, last = thread.category, thread.author, thread.last_poster
    return (
        get_language(),
        heading_level,
        show_category,
        marked,
        thread.pk,
        thread.title,
        thread.slug,
        thread.is_pinned,
        thread.is_locked,
        thread.accepted_answer_id is not None,
        thread.has_official_response,
        thread.reply_count,
        thread.score,
        (category.slug, category.colour, category.local_name) if show_category else category.colour,
        tuple((tag.name, tag.slug) for tag in thread.tag_list),
        (author.name, author.avatar_name, author.initials),
        last.name if last is not None and thread.reply_count else None,
    )


class RowState(SimpleNamespace):
    """What a member's marks on a thread row read of its thread (forum.hooks.provide_row_marks),
    kept with a shared page."""

    FIELDS = ("pk", "reply_count", "created_at", "last_activity_at", "author_id", "category_id")

    @classmethod
    def of(cls, thread):
        return cls(url=thread.get_absolute_url(), **{name: getattr(thread, name) for name in cls.FIELDS})


def thread_row(context, thread) -> SafeString:
    """A thread in a list: the same for every reader, but for its times, and on a member's page
    its link and mark, slots of the page filled for each reader (forum.hooks.fill_row_marks)."""
    heading_level = context.get("heading_level")
    show_category = bool(context.get("show_category"))
    shared_page = context.get("shared_page")
    marked = shared_page is not None and hooks.marks_rows()
    if marked:
        shared_page.fills.setdefault("rows", {})[thread.pk] = RowState.of(thread)
    html = rows.get_or_render(
        row_key(thread, heading_level, show_category, marked),
        lambda: get_template("forum/_thread_row_content.html").render(
            {
                "thread": thread,
                "heading_level": heading_level,
                "show_category": show_category,
                "slots": {**_ROW_SLOTS, **(row_slots(thread.pk) if marked else {})},
            }
        ),
    )
    html = html.replace(STARTED, relative_time(thread.created_at))
    if ACTIVE in html:
        html = html.replace(ACTIVE, relative_time(thread.last_activity_at))
    return mark_safe(html)  # noqa: S308 (rendered by the template, escaped there; the times are escaped here)


_ROW_SLOTS = {"started": mark_safe(STARTED), "active": mark_safe(ACTIVE)}  # noqa: S308


def row_slots(pk: int) -> dict:
    """A row's link and mark as slots of a member's page (filled by forum.hooks.fill_row_marks)."""
    return {"link": mark_safe(slot(f"row-link:{pk}")), "mark": mark_safe(slot(f"row-mark:{pk}"))}  # noqa: S308


def _before_post(shared_page, post) -> str:
    """A slot before a post on a member's thread page (where "new since your last visit" starts),
    filled for each reader by the thread page's panels; nothing on a visitor's page."""
    if shared_page is None or not post.is_reply:
        return ""
    shared_page.fills.setdefault("before_post", {})[post.pk] = (post.created_at, post.pk)
    return slot(f"before-post:{post.pk}")


def head_key(thread) -> tuple:
    """Everything forum/_thread_head.html shows."""
    category = thread.category
    return (
        get_language(),
        thread.pk,
        thread.title,
        thread.is_pinned,
        thread.is_locked,
        thread.accepted_answer_id is not None,
        thread.has_official_response,
        thread.reply_count,
        (category.slug, category.local_name),
        tuple((tag.name, tag.slug) for tag in thread.tag_list),
    )


def thread_head(thread) -> SafeString:
    """A thread page's breadcrumbs, title and badges, the same for every reader: rendered once
    for each state of what they show (head_key)."""
    return heads.get_or_render(
        head_key(thread), lambda: get_template("forum/_thread_head.html").render({"thread": thread})
    )


def reply_fields() -> SafeString:
    """The fields of a thread page's reply form, empty (forum/_composer_fields.html): the same
    for every reader who may reply, rendered once for each language. Each rendering of the
    form's widgets goes through a template of their own."""
    return reply_forms.get_or_render(
        get_language(), lambda: get_template("forum/_composer_fields.html").render({"form": ReplyForm()})
    )


def related_links(threads) -> SafeString:
    """The links to the threads like one (forum/_related_links.html), rendered once for each list
    of what they show: their address, title and whether they are solved."""
    if not threads:
        return mark_safe("")
    key = (get_language(), *((t.pk, t.slug, t.title, t.accepted_answer_id is not None) for t in threads))
    return related.get_or_render(key, lambda: get_template("forum/_related_links.html").render({"related": threads}))


def _warn_link(username: str) -> str:
    return format_html(
        '<a class="author-moderate" href="{}">{}</a>',
        reverse("moderation:member", args=[username]),
        gettext("Warn or suspend"),
    )


def relative_time(value) -> str:
    """A relative time ("3 hours ago") with the exact time on hover and in the markup."""
    return Clock().time(value)


class Clock:
    """Relative times, for a page that shows several: the moment, the language and the time zone
    are read once (each read of the language or the zone goes through asgiref's Local).

    Past its first minute, what a time says changes by the minute at most, so it is worked out
    once per minute for each time shown (and each language and time zone); in its first
    minute ("20 seconds ago") it is worked out every time.
    """

    __slots__ = ("language", "minute", "now", "zone")

    def __init__(self):
        self.now = timezone.now()
        self.minute = self.now.replace(second=0, microsecond=0)
        self.language = get_language()
        self.zone = timezone.get_current_timezone_name()

    def time(self, value) -> str:
        if not value:
            return ""
        if self.now - value < _MINUTE:
            return _time_element(value)
        return _time_element_in(value, self.language, self.zone, self.minute)


_MINUTE = timedelta(minutes=1)


def _time_element(value) -> str:
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        date_filter(value, "DATETIME_FORMAT"),
        naturaltime(value),
    )


@lru_cache(maxsize=8192)
def _time_element_in(value, language, zone, minute) -> str:
    """_time_element, kept for the minute: the arguments past `value` are the cache's key."""
    return _time_element(value)
