"""Moderation pages and one-click actions. Every action is a POST that calls one service."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from conversations import services as conversation_services
from conversations.models import Conversation
from forum import permissions as forum_permissions
from forum import selectors as forum_selectors
from forum.models import Category, Post, Thread
from moderation import actions, reports, selectors
from moderation.forms import ReasonForm, ReportForm, SuspendForm, WarnForm
from moderation.models import Action, Report
from profiles import roles
from profiles.models import Member
from web.redirects import redirect_back


def _refuse(request, error: ValidationError):
    return render(request, "moderation/error.html", {"messages_list": error.messages}, status=400)


@login_required
def queue(request):
    roles.check_is_moderator(request.user)
    page = selectors.queue_page(
        reason=request.GET.get("reason"), category=request.GET.get("category"), page_number=request.GET.get("page")
    )
    filtered = bool(request.GET.get("reason") or request.GET.get("category"))
    return render(
        request,
        "moderation/queue.html",
        {
            "page": page,
            # Private conversations have no reason nor category to filter by: shown unfiltered.
            "private": None if filtered else selectors.private_page(page_number=request.GET.get("private")),
            "open_count": selectors.open_count(),
            "reasons": Report.Reason.choices,
            "categories": forum_selectors.readable_categories(request.user),
            "reason": request.GET.get("reason", ""),
            "category": request.GET.get("category", ""),
        },
    )


@login_required
def log(request):
    roles.check_is_moderator(request.user)
    page = selectors.log_page(
        actor=request.GET.get("actor"),
        member=request.GET.get("member"),
        kind=request.GET.get("kind"),
        page_number=request.GET.get("page"),
    )
    return render(request, "moderation/log.html", {"page": page, "kinds": Action.Kind.choices, "filters": request.GET})


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit()  # "²".isdigit() is True, int("²") fails


def _report_target(request):
    source = request.POST if request.method == "POST" else request.GET
    if _is_id(source.get("post", "")):
        post = get_object_or_404(Post.objects.select_related("thread__category", "author"), pk=int(source["post"]))
        # The form names the thread and the author: not for someone who may not read them.
        forum_permissions.check_can_read_thread(request.user, post.thread)
        return {"post": post}, post.get_absolute_url()
    if _is_id(source.get("thread", "")):
        thread = forum_selectors.thread_for(request.user, int(source["thread"]))
        return {"thread": thread}, thread.get_absolute_url()
    if source.get("member"):
        member = get_object_or_404(Member, username=source["member"], is_active=True)
        return {"member": member}, f"/u/{member.username}/"
    return None, "/"


@login_required
def report(request):
    if roles.is_suspended(request.user):
        raise PermissionDenied(roles.suspension_message(request.user))
    target, back = _report_target(request)
    if target is None:
        return HttpResponseBadRequest(_("Say what you are reporting."))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reports.file_report(reporter=request.user, **form.cleaned_data, **target)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. The moderators will look at your report."))
            return redirect(back)
    status = 400 if form.errors else 200
    return render(request, "moderation/report.html", {"form": form, "target": target, "back": back}, status=status)


POST_ACTIONS = {"hide": actions.hide_post, "restore": actions.restore_post, "delete": actions.delete_post}
DONE = {
    "hide": gettext_lazy("The post is hidden."),
    "restore": gettext_lazy("The post is restored."),
    "delete": gettext_lazy("The post is deleted."),
    "lock": gettext_lazy("The thread is locked."),
    "unlock": gettext_lazy("The thread is unlocked."),
    "pin": gettext_lazy("The thread is pinned."),
    "unpin": gettext_lazy("The thread is unpinned."),
}


@login_required
@require_POST
def post_action(request, pk, action):
    roles.check_is_moderator(request.user)  # before any lookup: a refusal tells nothing of what exists
    post = get_object_or_404(Post.objects.select_related("thread__category", "author"), pk=pk)
    if action not in POST_ACTIONS:
        return HttpResponseBadRequest()
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ValidationError(next(iter(form.errors.values()))))
    try:
        POST_ACTIONS[action](post=post, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _refuse(request, error)
    messages.success(request, DONE[action])
    return redirect_back(request, post.get_absolute_url())


@login_required
@require_POST
def thread_action(request, pk, action):
    roles.check_is_moderator(request.user)  # before any lookup: a refusal tells nothing of what exists
    thread = get_object_or_404(Thread.objects.select_related("category"), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ValidationError(next(iter(form.errors.values()))))
    try:
        if action == "move":
            category = get_object_or_404(Category, slug=request.POST.get("category", ""))
            actions.move_thread(thread=thread, by=request.user, category=category, reason=form.cleaned_data["reason"])
            messages.success(request, _("The thread is moved to %(category)s.") % {"category": category.local_name})
        elif action in actions.THREAD_CHANGES:
            actions.change_thread(thread=thread, by=request.user, change=action, reason=form.cleaned_data["reason"])
            messages.success(request, DONE[action])
        else:
            return HttpResponseBadRequest()
    except ValidationError as error:
        return _refuse(request, error)
    return redirect_back(request, thread.get_absolute_url())


@login_required
@require_POST
def dismiss(request):
    roles.check_is_moderator(request.user)  # before any lookup: a refusal tells nothing of what exists
    target = request.POST.get("target", "")
    form = ReasonForm(request.POST)
    if not form.is_valid() or not target:
        return HttpResponseBadRequest(_("Nothing to dismiss."))
    actions.dismiss_reports(target=target, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("The reports are dismissed."))
    return redirect_back(request, "moderation:queue")


@login_required
@require_POST
def close_conversation_reports(request, pk):
    """Close a private conversation's reports from the queue: the moderator reads it no more."""
    roles.check_is_moderator(request.user)  # before any lookup: a refusal tells nothing of what exists
    conversation = get_object_or_404(Conversation, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ValidationError(next(iter(form.errors.values()))))
    reason = form.cleaned_data["reason"]
    conversation_services.resolve_reports(conversation=conversation, by=request.user, reason=reason)
    messages.success(request, _("The report is closed; the conversation is private again."))
    return redirect_back(request, "moderation:queue")


@login_required
def member(request, username):
    roles.check_is_moderator(request.user)
    subject = get_object_or_404(Member, username=username)
    return render(
        request,
        "moderation/member.html",
        {
            "subject": subject,
            "history": selectors.history_of(subject),
            "warn_form": WarnForm(),
            "suspend_form": SuspendForm(),
        },
    )


@login_required
@require_POST
def member_action(request, username, action):
    roles.check_is_moderator(request.user)  # before any lookup: a refusal tells nothing of what exists
    subject = get_object_or_404(Member, username=username)
    try:
        if action == "warn":
            form = WarnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Write the warning the member will read."))
            actions.warn_member(member=subject, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("%(name)s is warned.") % {"name": subject.name})
        elif action == "suspend":
            form = SuspendForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a duration and write the reason the member will read."))
            until = timezone.now() + timedelta(days=int(form.cleaned_data["days"]))
            actions.suspend_member(member=subject, by=request.user, until=until, reason=form.cleaned_data["reason"])
            messages.success(request, _("%(name)s is suspended.") % {"name": subject.name})
        elif action == "lift":
            actions.lift_suspension(member=subject, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("%(name)s's suspension is lifted.") % {"name": subject.name})
        else:
            return HttpResponseBadRequest()
    except ValidationError as error:
        return _refuse(request, error)
    return redirect_back(request, f"/mod/member/{subject.username}/")
