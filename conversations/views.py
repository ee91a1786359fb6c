"""/messages/: the inbox, a conversation, writing to the team, and what staff and moderators do."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conversations import between_members, notes, permissions, saved_replies, selectors, services
from conversations.forms import (
    MemberConversationForm,
    MessageForm,
    NewConversationForm,
    SavedReplyForm,
    TakePrivateForm,
)
from conversations.models import Block, Conversation, Message, SavedReply
from forum import selectors as forum_selectors
from forum.models import Category, Post, Thread, Visibility
from forum.permissions import readable_accesses
from profiles import roles
from profiles.models import Member
from web.limits import RateLimited
from web.redirects import redirect_back


def _id(value) -> int | None:
    """An id from the query string, or None ("²".isdigit() is True; int("²") fails)."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None


def _conversation(request, pk: int):
    """The conversation, or 404 for a reader who may not read it."""
    try:
        conversation = selectors.conversation_for(pk)
    except Conversation.DoesNotExist:
        raise Http404(_("No such conversation.")) from None
    permissions.check_can_read(
        request.user, conversation, participant_ids=conversation.participant_ids, reported=conversation.is_reported
    )
    return conversation


@login_required
def inbox(request):
    box = request.GET.get("box", "")
    if box == "reported" and roles.is_moderator(request.user):
        page = selectors.reported(page_number=request.GET.get("page"))
    else:
        box, page = "", selectors.inbox(request.user, page_number=request.GET.get("page"))
    return render(request, "conversations/inbox.html", {"page": page, "box": box})


@login_required
def new(request):
    """A member writes to the team; with ?thread=<id>, staff continue that thread in private."""
    if (thread_id := _id(request.GET.get("thread"))) is not None:
        return _take_private(request, thread_id)
    if request.GET.get("to"):
        return _to_member(request, get_object_or_404(Member, username=request.GET["to"], is_active=True))
    permissions.check_can_contact_team(request.user)
    categories = Category.objects.filter(kind=Category.Kind.QUESTIONS, access__in=readable_accesses(request.user))
    initial = {"category": categories.filter(slug=request.GET.get("category", "")).first()}
    form = NewConversationForm(request.POST or None, categories=categories, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.start_team_conversation(member=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            flash.success(request, _("Your message is on its way to the team."))
            return redirect(conversation)
    status = 400 if form.errors else 200
    return render(request, "conversations/new.html", {"form": form}, status=status)


def _to_member(request, recipient):
    """A member writes to another (MEMBER_MESSAGES)."""
    between_members.check_can_write_to(request.user, recipient)
    form = MemberConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.start_member_conversation(
                sender=request.user, recipient=recipient, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        except RateLimited as error:
            form.add_error(None, error.message)
            response = render(request, "conversations/new.html", {"form": form, "recipient": recipient}, status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
        else:
            return redirect(conversation)
    status = 400 if form.errors else 200
    return render(request, "conversations/new.html", {"form": form, "recipient": recipient}, status=status)


def _take_private(request, thread_id: int):
    permissions.check_can_take_private(request.user)
    thread = forum_selectors.thread_for(request.user, thread_id)
    authors = Post.objects.filter(thread=thread, visibility=Visibility.VISIBLE).values("author")
    # The team talks in private with members: never with itself, nor with a closed account.
    people = list(
        Member.objects.filter(Q(pk=thread.author_id) | Q(pk__in=authors), is_active=True)
        .exclude(roles.brand_staff_q())
        .order_by("display_name", "username")
    )
    initial = {
        "member": request.GET.get("member") or thread.author.username,
        "subject": thread.title,
        "public_note": _("We are continuing this conversation in private."),
    }
    form = TakePrivateForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = next(m for m in people if m.username == data["member"])
        try:
            conversation = services.take_private(
                thread=thread,
                by=request.user,
                member=member,
                subject=data["subject"],
                body=data["body"],
                public_note=data["public_note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(conversation)
    status = 400 if form.errors else 200
    return render(request, "conversations/new.html", {"form": form, "thread": thread}, status=status)


@login_required
def conversation(request, pk):
    """The conversation's last page; with ?message=<id>, the page that shows that message."""
    conversation = _conversation(request, pk)
    return _page(request, conversation, MessageForm(initial={"body": _inserted(request, conversation)}))


def _inserted(request, conversation) -> str:
    """A saved reply staff chose to start from (?insert=<id>), its placeholders filled."""
    chosen = _id(request.GET.get("insert"))
    if chosen is None or not roles.is_brand_staff(request.user):
        return ""
    reply = SavedReply.objects.filter(pk=chosen).first()
    return saved_replies.fill(reply.body, member=conversation.member, writer=request.user) if reply else ""


def _page(request, conversation, form, status=200):
    member = request.user
    page_number = request.GET.get("page")
    if page_number is None and (shown := _id(request.GET.get("message"))) is not None:
        page_number = selectors.page_of(conversation, shown)
    page = selectors.messages(conversation, page_number=page_number)
    if member.pk in conversation.unread_for and not page.has_next():
        services.mark_read(conversation=conversation, member=member)
        member.unread_conversations = max(0, member.unread_conversations - 1)  # the header of this page
    participant_ids = conversation.participant_ids
    context = {
        "conversation": conversation,
        "page": page,
        "form": form,
        "may_write": permissions.can_write(member, conversation, participant_ids=participant_ids),
        "is_participant": member.pk in participant_ids,
        "is_team_staff": conversation.is_team and roles.is_brand_staff(member),
        "moderates": roles.is_moderator(member),
        "may_report": permissions.can_report(member, conversation, participant_ids=participant_ids),
        "reported_messages": _reported_messages(member, conversation),
        "others": [p for p in conversation.people if p.pk != member.pk] if not conversation.is_team else [],
        "blocked": set() if conversation.is_team else _blocked_by(member, conversation.participant_ids),
    }
    if context["is_team_staff"] and context["may_write"]:
        query = request.GET.get("saved", "")[:100]
        context["saved_query"] = query
        language = conversation.member.language if conversation.member else None
        context["saved_results"] = list(saved_replies.search(query, language=language)) if query else []
    if context["is_team_staff"]:
        context["colleagues"] = Member.objects.filter(roles.brand_staff_q(), is_active=True).order_by(
            "display_name", "username"
        )
    return render(request, "conversations/conversation.html", context, status=status)


def _reported_messages(member, conversation) -> set[int]:
    """Moderators reading a reported conversation see which messages were reported; one who
    reads it only because of the reports is on record in the audit log."""
    if not (conversation.is_reported and roles.is_moderator(member)):
        return set()
    if _reads_by_report(member, conversation):
        reports = services.record_reported_reading(conversation=conversation, by=member)
        return {report.message_id for report in reports if report.message_id}
    return selectors.reported_messages(conversation)


def _reads_by_report(member, conversation) -> bool:
    return permissions.reads_by_report(
        member, conversation, participant_ids=conversation.participant_ids, reported=conversation.is_reported
    )


def _blocked_by(member, ids) -> set[int]:
    return set(Block.objects.filter(blocker=member, blocked__in=ids).values_list("blocked", flat=True))


@login_required
@require_POST
def reply(request, pk):
    conversation = _conversation(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            message = services.post_message(
                conversation=conversation, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        except RateLimited as error:
            form.add_error(None, error.message)
            response = _page(request, conversation, form, status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
        else:
            return redirect(f"{conversation.get_absolute_url()}#message-{message.pk}")
    return _page(request, conversation, form, status=400)


@login_required
def message(request, pk):
    """One message as the page shows it: what a live update fetches."""
    found = get_object_or_404(Message.objects.select_related("author"), pk=pk)
    conversation = _conversation(request, found.conversation_id)
    if _reads_by_report(request.user, conversation):
        services.record_reported_reading(conversation=conversation, by=request.user)
    context = {
        "message": found,
        "conversation_member_id": conversation.member_id,
        "may_report": permissions.can_report(request.user, conversation, participant_ids=conversation.participant_ids),
    }
    return render(request, "conversations/_message.html", context)


@login_required
def report_message(request, pk):
    """A participant reports one message to the moderators: the form, then the report."""
    found = get_object_or_404(Message.objects.select_related("author"), pk=pk)
    conversation = _conversation(request, found.conversation_id)
    permissions.check_can_report(request.user, conversation, participant_ids=conversation.participant_ids)
    permissions.check_can_report_message(request.user, found)
    error = None
    if request.method == "POST":
        try:
            services.report_message(message=found, reporter=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            flash.success(request, _("Thank you: the moderators will read this conversation."))
            return redirect(f"{conversation.get_absolute_url()}?message={found.pk}#message-{found.pk}")
    context = {"conversation": conversation, "message": found, "error": error, "reason": request.POST.get("reason", "")}
    return render(request, "conversations/report_message.html", context, status=400 if error else 200)


@login_required
@require_POST
def join(request, pk):
    conversation = _conversation(request, pk)
    services.join_conversation(conversation=conversation, member=request.user)
    flash.success(request, _("You joined the conversation."))
    return redirect(conversation)


@login_required
@require_POST
def assign(request, pk):
    conversation = _conversation(request, pk)
    permissions.check_can_assign(request.user, conversation)  # before any input check: 403, never 400
    action, to = request.POST.get("action"), None
    if action == "claim":
        to = request.user
    elif action == "assign":
        to = Member.objects.filter(username=request.POST.get("to", ""), is_active=True).first()
        if to is None:
            flash.error(request, _("Choose the colleague to assign the conversation to."))
            return redirect_back(request, conversation.get_absolute_url())
    elif action != "release":
        return HttpResponseBadRequest(_("Unknown action."))  # as the thread queue's assign answers
    try:
        services.assign_conversation(conversation=conversation, by=request.user, to=to)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    return redirect_back(request, conversation.get_absolute_url())


@login_required
@require_POST
def report(request, pk):
    conversation = _conversation(request, pk)
    try:
        reason = request.POST.get("reason", "")
        services.report_conversation(conversation=conversation, reporter=request.user, reason=reason)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        flash.success(request, _("Thank you: the moderators will read this conversation."))
    return redirect(conversation)


@login_required
@require_POST
def resolve(request, pk):
    conversation = _conversation(request, pk)
    services.resolve_reports(conversation=conversation, by=request.user)
    flash.success(request, _("The report is closed; the conversation is private again."))
    return redirect(reverse("conversations:inbox") + "?box=reported")


@login_required
@require_POST
def read(request, pk):
    """The page showed a message that arrived live: it is read (the header's count follows)."""
    conversation = _conversation(request, pk)
    services.mark_read(conversation=conversation, member=request.user)
    return HttpResponse(status=204)


@login_required
@require_POST
def add_note(request, thread_id):
    """Staff and moderators write an internal note on a public thread."""
    thread = get_object_or_404(Thread.objects.select_related("category"), pk=thread_id)
    notes.check_can_write_note(request.user, thread)  # before any input check: 403, never 400
    try:
        note = notes.add_note(thread=thread, author=request.user, body=request.POST.get("body", ""))
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
        return redirect(thread)
    return redirect(f"{reverse('forum:post', args=[note.after_post_id])}" if note.after_post_id else thread)


@login_required
def library(request):
    """The saved replies staff share: search them, add one."""
    saved_replies.check_can_use(request.user)
    form = SavedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved_replies.save_reply(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            flash.success(request, _("The saved reply is in the library."))
            return redirect("conversations:library")
    query = request.GET.get("q", "")[:100]
    replies = saved_replies.search(query) if query else SavedReply.objects.all()
    page = Paginator(replies, 25).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query, "placeholders": saved_replies.PLACEHOLDERS}
    return render(request, "conversations/library.html", context, status=400 if form.errors else 200)


@login_required
def edit_saved(request, pk):
    saved_replies.check_can_use(request.user)
    reply = get_object_or_404(SavedReply, pk=pk)
    form = SavedReplyForm(
        request.POST or None, initial={"title": reply.title, "body": reply.body, "language": reply.language}
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved_replies.save_reply(by=request.user, reply=reply, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            flash.success(request, _("The saved reply is updated."))
            return redirect("conversations:library")
    context = {"form": form, "reply": reply, "placeholders": saved_replies.PLACEHOLDERS}
    return render(request, "conversations/saved_reply.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def delete_saved(request, pk):
    saved_replies.check_can_use(request.user)
    saved_replies.delete_reply(by=request.user, reply=get_object_or_404(SavedReply, pk=pk))
    flash.success(request, _("The saved reply is deleted."))
    return redirect("conversations:library")


@login_required
def search_saved(request):
    """Saved replies for the composer's search box, filled for the conversation being answered."""
    saved_replies.check_can_use(request.user)
    conversation_id, member = _id(request.GET.get("conversation")), None
    if conversation_id is not None:
        member = _conversation(request, conversation_id).member
    replies = saved_replies.search(request.GET.get("q", "")[:100], language=member.language if member else None)
    return JsonResponse(
        {
            "replies": [
                {
                    "id": reply.pk,
                    "title": reply.title,
                    "language": reply.language,
                    "body": saved_replies.fill(reply.body, member=member, writer=request.user),
                }
                for reply in replies
            ]
        }
    )


@login_required
@require_POST
def block(request, username):
    """Stop private messages with a member, both ways (or allow them again)."""
    other = get_object_or_404(Member, username=username)
    if request.POST.get("action") == "unblock":
        between_members.unblock(blocker=request.user, blocked=other)
        flash.success(request, _("%(name)s can write to you again.") % {"name": other.name})
    else:
        try:
            between_members.block(blocker=request.user, blocked=other)
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
        else:
            flash.success(request, _("Neither of you can write privately to the other now."))
    return redirect_back(request, reverse("conversations:inbox"))
