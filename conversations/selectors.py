"""What the conversation pages show, each in a fixed number of queries."""

from collections import defaultdict
from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from conversations.models import Conversation, Message, Participant, Report
from profiles import roles

INBOX_PER_PAGE = 25
MESSAGES_PER_PAGE = 50
SCOPES = ("all", "mine", "unassigned")


def open_report_q():
    return Exists(Report.objects.filter(conversation=OuterRef("pk"), resolved_at__isnull=True))


def inbox(member, *, page_number=None):
    """The member's conversations, latest first, each with whether it has something unread."""
    rows = (
        Participant.objects.filter(member=member)
        .select_related("conversation__member", "conversation__started_by")
        .order_by("-conversation__last_message_at", "-conversation_id")
    )
    return Paginator(rows, INBOX_PER_PAGE).get_page(page_number)


def reported(*, page_number=None):
    """Conversations with an open report, for moderators."""
    rows = Conversation.objects.filter(open_report_q()).select_related("member").order_by("-last_message_at", "-id")
    return Paginator(rows, INBOX_PER_PAGE).get_page(page_number)


def reported_for_moderators(*, page_number=None, per_page=INBOX_PER_PAGE):
    """Conversations with an open report, the longest waiting first, each with its open reports
    (`open_reports`: reporter, and the message reported with its author) and how many members
    reported it (`reporters`). Three queries."""
    first = Report.objects.filter(conversation=OuterRef("pk"), resolved_at__isnull=True).order_by("created_at")
    rows = (
        Conversation.objects.filter(open_report_q())
        .annotate(first_reported_at=Subquery(first.values("created_at")[:1]))
        .select_related("member")
        .order_by("first_reported_at", "id")
    )
    page = Paginator(rows, per_page).get_page(page_number)
    page.object_list = list(page.object_list)
    reports = (
        Report.objects.filter(conversation__in=[c.pk for c in page.object_list], resolved_at__isnull=True)
        .select_related("reporter", "message__author")
        .order_by("created_at", "id")
    )
    found = defaultdict(list)
    for report in reports:
        found[report.conversation_id].append(report)
    for conversation in page.object_list:
        conversation.open_reports = found[conversation.pk]
        for report in conversation.open_reports:
            report.conversation = conversation  # its address, without a query
        conversation.reporters = len({report.reporter_id for report in conversation.open_reports})
    return page


def conversation_for(pk: int):
    """The conversation with what its checks read: its participants (members loaded, for the
    page's list) and whether a report on it is open. Raises Conversation.DoesNotExist."""
    conversation = (
        Conversation.objects.select_related("member", "assignee", "thread", "category")
        .annotate(is_reported=open_report_q())
        .get(pk=pk)
    )
    people = list(Participant.objects.filter(conversation=conversation).select_related("member").order_by("joined_at"))
    conversation.people = [p.member for p in people]
    conversation.participant_ids = {p.member_id for p in people}
    conversation.unread_for = {p.member_id for p in people if p.unread}
    return conversation


def conversation_of_message(message_pk: int):
    """The conversation a message is in, with what its read check needs (participant ids,
    whether a report on it is open); None if the message is gone. Two queries."""
    conversation = Conversation.objects.annotate(is_reported=open_report_q()).filter(messages=message_pk).first()
    if conversation is not None:
        rows = Participant.objects.filter(conversation=conversation).values_list("member", flat=True)
        conversation.participant_ids = set(rows)
    return conversation


def messages(conversation, *, page_number=None):
    """A page of messages, oldest first; the last page unless another is asked for."""
    rows = Message.objects.filter(conversation=conversation).select_related("author").order_by("created_at", "id")
    paginator = Paginator(rows, MESSAGES_PER_PAGE)
    paginator.count = conversation.message_count  # kept by the services: no COUNT query
    return paginator.get_page(page_number or paginator.num_pages)


def page_of(conversation, message_pk: int) -> int | None:
    """The number of the page that shows the message (None if it is not in the conversation)."""
    rows = Message.objects.filter(conversation=conversation)
    created_at = rows.filter(pk=message_pk).values_list("created_at", flat=True).first()
    if created_at is None:
        return None
    before = rows.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=message_pk)).count()
    return before // MESSAGES_PER_PAGE + 1


def reported_messages(conversation) -> set[int]:
    """The messages of the conversation with an open report."""
    reports = Report.objects.filter(conversation=conversation, resolved_at__isnull=True, message__isnull=False)
    return set(reports.values_list("message", flat=True))


def team_queue(viewer, *, scope="all", page_number=None):
    """Conversations with the team waiting for an answer, oldest wait first."""
    rows = Conversation.objects.filter(kind=Conversation.Kind.TEAM, awaiting_since__isnull=False)
    if scope == "mine":
        rows = rows.filter(assignee=viewer)
    elif scope == "unassigned":
        rows = rows.filter(assignee__isnull=True)
    rows = rows.select_related("member", "assignee", "category").order_by("awaiting_since", "id")
    page = Paginator(rows, INBOX_PER_PAGE).get_page(page_number)
    now = timezone.now()
    for conversation in page.object_list:
        conversation.age = now - conversation.awaiting_since
        target = conversation.category.response_target_hours if conversation.category else None
        conversation.past_target = target is not None and conversation.age > timedelta(hours=target)
    return page


def team_queue_count() -> int:
    return Conversation.objects.filter(kind=Conversation.Kind.TEAM, awaiting_since__isnull=False).count()


def may_see_queue(member) -> bool:
    return roles.is_brand_staff(member)
