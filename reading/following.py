"""Following members: the follow itself, the counts and button on a profile
(profiles.hooks.provide_profile_panel), the button on the card beside each post of a thread
(forum.hooks.provide_author_follows), and who hears of a followed member's new thread."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.translation import get_language

from profiles import roles
from reading.models import MemberFollow
from web import pagecache

FOLLOW = "reading-follow"
buttons = pagecache.Renderings(4000)
card_buttons = pagecache.Renderings(4000)


def check_can_follow(follower, followed):
    if not roles.is_member(follower) or not followed.is_active or follower.pk == followed.pk:
        raise PermissionDenied


def follow_member(*, follower, followed):
    check_can_follow(follower, followed)
    with transaction.atomic():
        MemberFollow.objects.get_or_create(follower=follower, followed=followed)
        pagecache.bump()  # the profile's follower count


def unfollow_member(*, follower, followed):
    with transaction.atomic():
        MemberFollow.objects.filter(follower=follower, followed=followed).delete()
        pagecache.bump()


def counts(member) -> dict:
    """{"followers": n, "following": n} of the member, in one query."""
    return MemberFollow.objects.filter(Q(followed=member) | Q(follower=member)).aggregate(
        followers=Count("pk", filter=Q(followed=member)), following=Count("pk", filter=Q(follower=member))
    )


def follows(follower, followed_pk: int) -> bool:
    return MemberFollow.objects.filter(follower=follower, followed_id=followed_pk).exists()


def followers_of_author(thread) -> dict:
    """Who is told of this new thread for following its author (forum.hooks.provide_new_thread_audience)."""
    return {"followed_author": MemberFollow.objects.filter(followed_id=thread.author_id).values("follower")}


def followed_among(member_pk: int, author_pks: list[int]) -> tuple:
    """Whom of these authors the member follows, for the thread page's one read of its reader's
    state (forum.hooks.provide_author_follows)."""
    return MemberFollow.objects.filter(follower_id=member_pk, followed_id__in=author_pks), "followed_id"


def author_buttons(reader, cards: dict, followed: set) -> dict:
    """The reader's button on each author card of a thread page ({slot name: HTML}): none on
    their own cards, none for whoever may not follow."""
    may, language = roles.is_member(reader), get_language()
    return {
        name: _card_button(card, card.author_pk in followed, language) if may and card.author_pk != reader.pk else ""
        for name, card in cards.items()
    }


def _card_button(card, following: bool, language: str) -> str:
    return card_buttons.get_or_render(
        (language, *card, following),
        lambda: render_to_string(
            "reading/_follow_button.html",
            {
                "username": card.username,
                "name": card.name,
                "following": following,
                "may": True,
                "next": card.back,
                "button_id": card.button_id,
                "csrf_token": pagecache.CSRF,
            },
        ),
    )


def render_panel(request, member) -> str:
    """The member's follower and following counts, and a slot for the reader's follow button."""
    page = getattr(request, "shared_page", None)
    button = ""
    if page is not None and request.user.is_authenticated and request.user.pk != member.pk:
        page.fills["follow_member"] = {"pk": member.pk, "username": member.username}
        button = page[FOLLOW]
    return render_to_string("reading/_profile_panel.html", {"member": member, **counts(member), "button": button})


def fill_panel(request, fills: dict) -> dict:
    if "follow_member" not in fills:
        return {}
    reader, followed = pagecache.member(request), fills["follow_member"]
    following = follows(reader, followed["pk"])
    may = roles.is_member(reader)
    return {
        FOLLOW: buttons.get_or_render(
            (get_language(), followed["username"], following, may),
            lambda: render_to_string(
                "reading/_follow_button.html",
                {"username": followed["username"], "following": following, "may": may, "csrf_token": pagecache.CSRF},
            ),
        )
    }
