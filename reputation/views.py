"""Community pages: the leaderboard, the badge catalogue and each badge's holders."""

from django.shortcuts import render

from reputation import selectors
from reputation.badges import TIER_NAMES
from web.pagecache import shared_page


@shared_page
def leaderboard(request):
    board = selectors.leaderboard(
        request.user,
        period=request.GET.get("period"),
        category_slug=request.GET.get("category") or None,
        tag_slug=request.GET.get("tag") or None,
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "reputation/leaderboard.html",
        {"board": board, "periods": selectors.PERIOD_NAMES, "advocates": board.advocates},
    )


@shared_page
def badges(request):
    return render(request, "reputation/badges.html", {"families": selectors.badge_families()})


@shared_page
def badge(request, slug):
    badge = selectors.badge_for(slug)
    holders = selectors.badge_holders(badge, request.user, request.GET.get("page"))
    return render(
        request,
        "reputation/badge.html",
        {"badge": badge, "tier_name": TIER_NAMES[badge.tier], "holders": holders},
    )
