"""What the forum asks of the apps above it, without importing them.

Content sits below the reactions (DESIGN.md, "Layout"): where a page of the forum shows
something only a reaction knows, the reaction provides it here in its AppConfig.ready(),
and the forum does without when none does. Posting limits take the other road: moderation
listens to forum.events.post_attempted and may refuse.
"""

import logging
from collections.abc import Callable

from web.pagecache import Panels

log = logging.getLogger(__name__)

_related_threads: Callable | None = None


def provide_related_threads(function: Callable):
    """function(viewer, thread) -> a short list of threads like it that the viewer may read."""
    global _related_threads
    _related_threads = function
    return function


def related_threads(viewer, thread) -> list:
    """Threads like this one; a failure (a broken search index) costs the reader this list,
    never the page."""
    if _related_threads is None:
        return []
    try:
        return list(_related_threads(viewer, thread))
    except Exception:
        log.warning("related threads unavailable for thread %s", thread.pk, exc_info=True)
        return []


_staff_notes: Callable | None = None


def provide_staff_notes(function: Callable):
    """function(request, thread, posts) -> {post pk: HTML}: what staff and moderators see after
    each post of a thread page (internal notes). Asked only for readers who see staff areas,
    whose pages are never shared (the thread view also marks them personal)."""
    global _staff_notes
    _staff_notes = function
    return function


def staff_notes(request, thread, posts) -> dict:
    return _staff_notes(request, thread, posts) if _staff_notes is not None else {}


# A part of the thread page's head that an app above the forum shows (an idea's status and
# votes): render(request, thread), fill(request, fills) (web.pagecache.Panels).
_thread_panels = Panels()
provide_thread_panel = _thread_panels.provide
thread_panels = _thread_panels.render
fill_thread_panels = _thread_panels.fill


_category_pages: dict[str, Callable] = {}


def provide_category_page(kind: str, view: Callable):
    """The page of the categories of one kind, when an app above the forum shows them its own way
    (an ideas category lists its ideas by votes and status). view(request, category) -> response,
    for a category the reader may read."""
    _category_pages[kind] = view


def category_page(kind: str) -> Callable | None:
    return _category_pages.get(kind)


_pictures: Callable | None = None


def provide_pictures(function: Callable):
    """function(addresses: set[str]) -> {address: web.markdown.Picture} for the site's own
    pictures among the images of a message (uploads). Without it, every image is a link."""
    global _pictures
    _pictures = function
    return function


def pictures(addresses: set[str]) -> dict:
    return _pictures(addresses) if _pictures is not None else {}


# Thread lists (home, category, tag) as each member sees them -------------------------------

_row_marks: list[Callable] = []
_thread_filters: dict[str, tuple] = {}


def provide_row_marks(fill: Callable):
    """What a thread list shows of each thread for its reader (read state: new, unread replies).

    fill(request, rows) -> {thread pk: (href, mark HTML)}: rows are the `RowState`s that
    forum.rendering recorded for the page's rows; a thread left out keeps its plain link and no
    mark. Called once per member's page: it must read what it needs in one query for all rows.
    """
    _row_marks.append(fill)


def fill_row_marks(request, rows: dict) -> dict:
    """Each row's two slots (forum.rendering.row_slots) filled for the reader: a provider's
    link and mark, else the thread's own link and nothing."""
    found = {}
    for fill in _row_marks:
        found.update(fill(request, rows))
    parts = {}
    for pk, row in rows.items():
        href, mark = found.get(pk, (row.url, ""))
        parts[f"row-link:{pk}"], parts[f"row-mark:{pk}"] = href, mark
    return parts


def marks_rows() -> bool:
    return bool(_row_marks)


def provide_thread_filter(name: str, label, apply: Callable):
    """A filter of the home and category lists that depends on the member who reads them (new,
    unread). apply(member, threads) -> threads; offered to members only, and a filtered list is
    the reader's own page."""
    _thread_filters[name] = (label, apply)


def thread_filters() -> list[tuple[str, str]]:
    """(name, label) of each member's filter."""
    return [(name, label) for name, (label, _apply) in _thread_filters.items()]


def thread_filter(name: str) -> Callable | None:
    entry = _thread_filters.get(name)
    return entry[1] if entry else None


# A part of the thread lists' pages that an app above the forum shows (a member's watch
# settings, "mark all as read"): render(request, *, category=None, tag=None), fill(request, fills).
_list_panels = Panels()
provide_list_panel = _list_panels.provide
list_panels = _list_panels.render
fill_list_panels = _list_panels.fill


_latest_exclusions: list[Callable] = []


def provide_latest_exclusion(function: Callable):
    """function(member) -> Q over threads, or None: the threads a member asked to leave out of
    their latest list on the home page (muted categories and tags)."""
    _latest_exclusions.append(function)


def latest_exclusions(member) -> list:
    return [q for q in (function(member) for function in _latest_exclusions) if q is not None]


_new_thread_audiences: list[Callable] = []


def provide_new_thread_audience(function: Callable):
    """function(thread) -> {why: queryset of member pks (a `values("member")`)}: the members who
    asked to be told of each new thread like this one, by why ("watched": they watch its
    category or one of its tags; "followed_author": they follow its author). Reactions that tell
    members (notifications) read it without knowing who keeps those wishes. Called inside the
    thread's transaction, once its tags are set."""
    _new_thread_audiences.append(function)


def new_thread_audiences(thread) -> dict:
    audiences = {}
    for function in _new_thread_audiences:
        audiences.update(function(thread))
    return audiences


_due_reminders: list[Callable] = []


def provide_due_reminders(function: Callable):
    """function(now) -> the reminders about threads and posts now due (bookmarks), each with
    `member`, `thread`, `post` (or None), `note` and `url`, marked as sent: the caller holds the
    transaction in which it tells the members (notifications' `send_reminders`)."""
    _due_reminders.append(function)


def claim_due_reminders(now) -> list:
    return [reminder for function in _due_reminders for reminder in function(now)]


# Following a post's author from the card beside the post (reading) -------------------------

_author_follows: list = []


def provide_author_follows(*, followed: Callable, buttons: Callable):
    """followed(member_pk, author_pks) -> (QuerySet, column): the authors among author_pks whom
    the member follows, as the int `column` of the QuerySet's rows; the thread page reads it
    within the statement of the reader's votes and follow state (forum.selectors.reader_state).
    buttons(reader, cards, followed) -> {slot name: HTML}: the reader's button on each card
    (`cards`: {slot name: forum.rendering.AuthorCard}; `followed`: the author pks they follow)."""
    _author_follows[:] = [(followed, buttons)]


def follows_authors() -> bool:
    return bool(_author_follows)


def followed_authors_query(member_pk, author_pks) -> tuple | None:
    return _author_follows[0][0](member_pk, author_pks) if _author_follows else None


def author_follow_buttons(reader, cards: dict, followed: set) -> dict:
    if not _author_follows or not cards:
        return {}
    return _author_follows[0][1](reader, cards, followed)


_composer_notes: list[Callable] = []


def provide_composer_note(function: Callable):
    """function(request, *, category, title, tags) -> HTML or "": a note at the top of the
    new-thread form about what is being written (an open incident it may be about)."""
    _composer_notes.append(function)


def composer_notes(request, *, category=None, title: str = "", tags=()) -> list:
    """Each app's note for the thread being written; a failure costs the writer the note, never the form."""
    notes = []
    for function in _composer_notes:
        try:
            notes.append(function(request, category=category, title=title, tags=tags))
        except Exception:
            log.warning("composer note unavailable", exc_info=True)
    return [note for note in notes if note]


_statements: list[Callable] = []


def provide_statement(function: Callable):
    """function() -> a condition on the outer thread (``OuterRef("pk")``, for a filter or a
    filtered count) that is true when the thread is a statement, not a question, however its
    replies go: an incident's thread, whose updates are posts by its asker. Such a thread is
    never unanswered (forum.selectors.unanswered)."""
    _statements.append(function)


def statements() -> list:
    return [function() for function in _statements]
