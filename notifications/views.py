from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications import messages, selectors, services, unsubscribe
from notifications.models import Kind, Notification, Preference
from profiles.models import Member
from web.redirects import redirect_back


@login_required
def index(request):
    kind = request.GET.get("kind") or None
    page = selectors.notification_page(
        request.user, kind=kind, unread_only=request.GET.get("unread") == "1", page_number=request.GET.get("page")
    )
    return render(request, "notifications/index.html", {"page": page, "kind": kind, "kinds": Kind.choices})


@login_required
def menu(request):
    """The latest few, for the bell's menu (fetched by the page script)."""
    items = selectors.latest(request.user)
    html = render_to_string("notifications/_menu.html", {"items": items}, request=request)
    return JsonResponse({"html": html, "unread": services.unread_count(request.user)})


@login_required
def open_notification(request, pk):
    notification = get_object_or_404(Notification.objects.select_related("recipient"), pk=pk, recipient=request.user)
    services.mark_read(notification=notification, member=request.user)
    return redirect(messages.target(notification))


@login_required
@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(notification=notification, member=request.user)
    return redirect_back(request, "notifications:index")


@login_required
@require_POST
def mark_all_read(request):
    kind = request.POST.get("kind") or None
    count = services.mark_all_read(member=request.user, kind=kind if kind in Kind.values else None)
    flash.success(
        request,
        ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
        % {"count": count},
    )
    return redirect("notifications:index")


@login_required
def preferences(request):
    rows = selectors.preference_rows(request.user)
    if request.method == "POST":
        choices = {}
        for row in rows:
            email = request.POST.get(f"email-{row['kind']}", row["email"])
            if email not in Preference.Email.values:
                context = {"rows": rows, "error": True, "delay": selectors.email_delay_minutes()}
                return render(request, "notifications/preferences.html", context, status=400)
            choices[row["kind"]] = (request.POST.get(f"site-{row['kind']}") == "on", email)
        services.set_preferences(member=request.user, choices=choices)
        flash.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"rows": rows, "delay": selectors.email_delay_minutes()})


@csrf_exempt  # the signed token is the credential; mail clients post one-click unsubscribes (RFC 8058)
def unsubscribe_view(request, token):
    """One click from an email: no log-in needed, the signed token names the member and the kind."""
    try:
        member_id, kind = unsubscribe.read_token(token)
    except signing.BadSignature:
        raise Http404 from None
    member = get_object_or_404(Member, pk=member_id, is_active=True)
    if request.method == "POST":
        services.unsubscribe(member=member, kind=kind)
        return render(request, "notifications/unsubscribed.html", {"kind": Kind(kind).label if kind else None})
    return render(
        request, "notifications/unsubscribe.html", {"kind": Kind(kind).label if kind else None, "token": token}
    )
