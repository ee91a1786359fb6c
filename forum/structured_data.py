"""schema.org JSON-LD for thread pages: QAPage for questions, DiscussionForumPosting otherwise.

Each reply's item is made once per (what it shows, site address) and kept, as its HTML is
(forum/rendering.py): a visitor's page after a new reply makes one item, not twenty. The page's
element is kept too, under everything it shows, so a page whose thread did not change writes
no JSON at all.
"""

import json

from django.utils.safestring import SafeString, mark_safe

from web.addresses import address
from web.pagecache import Renderings

TEXT_MAX = 2000
CAPACITY = 4000  # items kept per process
DOCUMENTS = 500  # elements kept per process: a page's is tens of kilobytes

# The same escapes as Django's json_script: nothing in the data can close the <script>.
_ESCAPES = ((">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026"))

_items = Renderings(CAPACITY)
_documents = Renderings(DOCUMENTS)


def _person(member, request):
    return {"@type": "Person", "name": member.name, "url": request.build_absolute_uri(member_url(member))}


def member_url(member):
    return address("profiles:profile", member.username)


def _item_key(kind: str, post, site: tuple[str, str]) -> tuple:
    """Everything a post's item shows, with the site's address."""
    author = post.author
    return (kind, *site, post.pk, post.created_at, post.body, post.score, author.username, author.name)


def _item(kind: str, post, request, site: tuple[str, str]) -> dict:
    """A post as an Answer or a Comment (read-only: it is shared), made unless kept."""
    return _items.get_or_render(_item_key(kind, post, site), lambda: _make_item(kind, post, request))


def _make_item(kind: str, post, request) -> dict:
    item = {
        "@type": kind,
        "text": post.body[:TEXT_MAX],
        "url": request.build_absolute_uri(post.get_absolute_url()),
        "author": _person(post.author, request),
    }
    if kind == "Answer":
        return {**item, "dateCreated": post.created_at.isoformat(), "upvoteCount": post.score}
    return {**item, "datePublished": post.created_at.isoformat()}


def thread_json_ld(view, request) -> SafeString:
    """The page's <script type="application/ld+json"> element, made unless kept; `site` is the
    request's scheme and host, read once per page (the host is checked on each read)."""
    site = (request.scheme, request.get_host())
    thread, opening = view.thread, view.opening
    questions = thread.category.is_questions
    accepted, replies = _posts_shown(view, questions)
    kind = "Answer" if questions else "Comment"
    text = opening.body[:TEXT_MAX] if opening and opening.is_visible else ""
    author = thread.author
    key = (
        *site,
        questions,
        text,
        *(thread.pk, thread.slug, thread.title, thread.reply_count, thread.score, thread.created_at),
        (author.username, author.name),
        accepted and _item_key("Answer", accepted, site),
        *(_item_key(kind, post, site) for post in replies),
    )

    def element():
        document = _document(view, request, site, text, accepted, [_item(kind, p, request, site) for p in replies])
        data = json.dumps(document, ensure_ascii=False)
        for character, escaped in _ESCAPES:
            data = data.replace(character, escaped)
        return mark_safe(f'<script type="application/ld+json">{data}</script>')  # noqa: S308 (escaped above)

    return _documents.get_or_render(key, element)


def _posts_shown(view, questions: bool) -> tuple:
    """The page's accepted answer, when the document shows it (a question's, visible), and the
    replies it lists besides (the visible ones of the page)."""
    replies = [p for p in view.page.object_list if p.is_reply and p.is_visible]
    answer = view.answer
    if not questions:
        return None, replies
    accepted = answer if answer and answer.is_visible else None
    return accepted, [p for p in replies if not answer or p.pk != answer.pk]


def _document(view, request, site: tuple[str, str], text: str, accepted, items: list[dict]) -> dict:
    thread = view.thread
    url = request.build_absolute_uri(thread.get_absolute_url())
    if thread.category.is_questions:
        question = {
            "@type": "Question",
            "name": thread.title,
            "text": text or thread.title,
            "answerCount": thread.reply_count,
            "upvoteCount": thread.score,
            "dateCreated": thread.created_at.isoformat(),
            "author": _person(thread.author, request),
        }
        if accepted is not None:
            question["acceptedAnswer"] = _item("Answer", accepted, request, site)
        if items:
            question["suggestedAnswer"] = items
        return {"@context": "https://schema.org", "@type": "QAPage", "url": url, "mainEntity": question}
    return {
        "@context": "https://schema.org",
        "@type": "DiscussionForumPosting",
        "headline": thread.title,
        "text": text,
        "url": url,
        "datePublished": thread.created_at.isoformat(),
        "author": _person(thread.author, request),
        "interactionStatistic": {
            "@type": "InteractionCounter",
            "interactionType": "https://schema.org/CommentAction",
            "userInteractionCount": thread.reply_count,
        },
        "comment": items,
    }
