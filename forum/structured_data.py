"""schema.org JSON-LD for thread pages: QAPage for questions, DiscussionForumPosting otherwise."""

from django.urls import reverse

TEXT_MAX = 2000


def _person(member, request):
    return {"@type": "Person", "name": member.name, "url": request.build_absolute_uri(member_url(member))}


def member_url(member):
    return reverse("profiles:profile", args=[member.username])


def _answer(post, request):
    return {
        "@type": "Answer",
        "text": post.body[:TEXT_MAX],
        "dateCreated": post.created_at.isoformat(),
        "upvoteCount": post.score,
        "url": request.build_absolute_uri(post.get_absolute_url()),
        "author": _person(post.author, request),
    }


def thread_json_ld(view, request) -> dict:
    thread, opening = view.thread, view.opening
    url = request.build_absolute_uri(thread.get_absolute_url())
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
            question["acceptedAnswer"] = _answer(view.answer, request)
        suggested = [_answer(p, request) for p in replies if not view.answer or p.pk != view.answer.pk]
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
        "comment": [
            {
                "@type": "Comment",
                "text": p.body[:TEXT_MAX],
                "datePublished": p.created_at.isoformat(),
                "author": _person(p.author, request),
                "url": request.build_absolute_uri(p.get_absolute_url()),
            }
            for p in replies
        ],
    }
