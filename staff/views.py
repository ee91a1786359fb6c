"""The staff workspace: queue, claim and assign, announcements. Figures live in staff/views_figures.py."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from conversations import selectors as conversation_selectors
from forum.models import Thread
from forum.services import assign_thread, set_no_response_needed
from notifications import announcements
from notifications.models import Announcement
from profiles import roles
from profiles.models import Member
from staff import selectors
from web.redirects import redirect_back


@login_required
def queue(request):
    roles.check_sees_staff_areas(request.user)
    scope = request.GET.get("scope", "all")
    scope = scope if scope in selectors.SCOPES else "all"
    page = selectors.queue(
        request.user,
        scope=scope,
        category=request.GET.get("category", ""),
        tag=request.GET.get("tag", ""),
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "staff/queue.html",
        {
            "page": page,
            "scope": scope,
            "category": request.GET.get("category", ""),
            "tag": request.GET.get("tag", ""),
            "categories": selectors.question_categories(request.user),
            "colleagues": _colleagues(),
            "queue_count": selectors.queue_count(),
        },
    )


def _colleagues():
    return Member.objects.filter(roles.brand_staff_q(), is_active=True).order_by("display_name", "username")


@login_required
def conversations(request):
    """Conversations with the team waiting for an answer: claimed and assigned as public questions.
    Brand staff only: moderators read a private conversation only once it is reported."""
    if not roles.is_brand_staff(request.user):
        raise PermissionDenied(_("Only brand staff can read conversations with the team."))
    scope = request.GET.get("scope", "all")
    scope = scope if scope in conversation_selectors.SCOPES else "all"
    page = conversation_selectors.team_queue(request.user, scope=scope, page_number=request.GET.get("page"))
    return render(
        request,
        "staff/conversations.html",
        {
            "page": page,
            "scope": scope,
            "colleagues": _colleagues(),
            "conversations_count": conversation_selectors.team_queue_count(),
        },
    )


@login_required
@require_POST
def assign(request, pk):
    roles.check_sees_staff_areas(request.user)  # before any input check: a member gets 403, never 400
    thread = get_object_or_404(Thread, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "claim":
            assign_thread(thread=thread, by=request.user, to=request.user)
            messages.success(request, _("You took “%(title)s”.") % {"title": thread.title})
        elif action == "release":
            assign_thread(thread=thread, by=request.user, to=None)
        elif action == "assign":
            if not request.POST.get("to", ""):
                raise ValidationError(_("Choose the colleague to assign “%(title)s” to.") % {"title": thread.title})
            colleague = get_object_or_404(Member, username=request.POST["to"], is_active=True)
            assign_thread(thread=thread, by=request.user, to=colleague)
            messages.success(
                request, _("“%(title)s” is assigned to %(name)s.") % {"title": thread.title, "name": colleague.name}
            )
        elif action == "no-response":
            reason = request.POST.get("reason", "").strip()
            if not reason:
                raise ValidationError(_("Say why no official response is needed."))
            set_no_response_needed(thread=thread, by=request.user, reason=reason)
            messages.success(request, _("“%(title)s” left the queue.") % {"title": thread.title})
        elif action == "needs-response":
            set_no_response_needed(thread=thread, by=request.user, reason="")
        else:
            return HttpResponseBadRequest(_("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect_back(request, "staff:queue")
    return redirect_back(request, "staff:queue")


@login_required
def announcement_list(request):
    roles.check_sees_staff_areas(request.user)
    error = None
    if request.method == "POST":
        try:
            hours = int(request.POST.get("hours", "24"))
            if not 1 <= hours <= 24 * 30:
                raise ValueError
        except ValueError:
            error = _("Choose a duration between 1 hour and 30 days.")
        else:
            thread = _linked_thread(request.POST.get("thread", ""))
            try:
                announcements.publish(
                    by=request.user,
                    message=request.POST.get("message", ""),
                    thread=thread,
                    expires_at=timezone.now() + timedelta(hours=hours),
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("The announcement is live."))
                return redirect("staff:announcements")
    recent = Announcement.objects.select_related("created_by", "thread")[:20]
    return render(
        request,
        "staff/announcements.html",
        {"recent": recent, "error": error, "active": announcements.active()},
        status=400 if error else 200,
    )


def _linked_thread(value: str):
    """A thread id, or the thread's address (/t/slug/123/)."""
    digits = [part for part in value.strip().strip("/").split("/") if part.isascii() and part.isdigit()]
    digits = [part for part in digits if len(part) <= 18]  # an id the database can hold
    return Thread.objects.filter(pk=int(digits[-1])).first() if digits else None


@login_required
@require_POST
def withdraw(request, pk):
    roles.check_sees_staff_areas(request.user)
    announcement = get_object_or_404(Announcement, pk=pk)
    announcements.withdraw(by=request.user, announcement=announcement)
    messages.success(request, _("The announcement is withdrawn."))
    return redirect("staff:announcements")


@csrf_exempt  # it only sets the requester's own cookie, and visitors' cached pages carry no token
@require_POST
def dismiss(request, pk):
    """Hide an announcement for this browser (members and visitors alike)."""
    response = redirect_back(request, "/")
    response.set_cookie(
        announcements.DISMISSED_COOKIE,
        announcements.dismissed_with(request, int(pk)),
        max_age=60 * 60 * 24 * 60,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,  # as Django's own messages cookie
    )
    return response
