"""schema.org JSON-LD for thread pages: QAPage for questions, DiscussionForumPosting otherwise.

Each reply's item is made once per (what it shows, site address) and kept, as its HTML is
(forum/rendering.py): a visitor's page after a new reply makes one item, not twenty.
"""

from django.urls import reverse

from web.pagecache import Renderings

TEXT_MAX = 2000
CAPACITY = 4000  # items kept per process

_items = Renderings(CAPACITY)


def _person(member, request):
    return {"@type": "Person", "name": member.name, "url": request.build_absolute_uri(member_url(member))}


def member_url(member):
    return reverse("profiles:profile", args=[member.username])


def _item(kind: str, post, request, site: tuple[str, str]) -> dict:
    """A post as an Answer or a Comment (read-only: it is shared), made unless kept; `site` is
    the request's scheme and host, read once per page (the host is checked on each read)."""
    author = post.author
    key = (kind, *site, post.pk, post.created_at, post.body, post.score)
    return _items.get_or_render((*key, author.username, author.name), lambda: _make_item(kind, post, request))


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


def thread_json_ld(view, request) -> dict:
    thread, opening = view.thread, view.opening
    url = request.build_absolute_uri(thread.get_absolute_url())
    site = (request.scheme, request.get_host())
    replies = [p for p in view.page.object_list if p.is_reply and p.is_visible]
    text = opening.body[:TEXT_MAX] if opening and opening.is_visible else ""
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
        if view.answer and view.answer.is_visible:
            question["acceptedAnswer"] = _item("Answer", view.answer, request, site)
        suggested = [_item("Answer", p, request, site) for p in replies if not view.answer or p.pk != view.answer.pk]
        if suggested:
            question["suggestedAnswer"] = suggested
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
        "comment": [_item("Comment", p, request, site) for p in replies],
    }
