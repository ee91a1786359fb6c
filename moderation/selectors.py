"""What the moderation pages show: the queue of open reports grouped by target, and the audit log."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import CharField, Count, Max, Min, Q, Value
from django.db.models.functions import Cast, Concat

from conversations import selectors as conversation_selectors
from conversations.models import Report as PrivateReport
from forum.models import Post, Thread, Visibility
from moderation.models import Action, Report
from profiles.models import Member

PER_PAGE = 20


@dataclass
class QueueItem:
    target: str
    reports: int
    reporters: int
    first_at: object
    last_at: object
    post: Post | None = None
    thread: Thread | None = None
    member: Member | None = None
    reasons: dict = field(default_factory=dict)
    texts: list = field(default_factory=list)
    auto_hidden: bool = False


def _open_reports(reason=None, category=None):
    reports = Report.objects.filter(status=Report.Status.OPEN)
    if reason in Report.Reason.values:
        reports = reports.filter(
            target__in=Report.objects.filter(status=Report.Status.OPEN, reason=reason).values("target")
        )
    if category:
        reports = reports.filter(thread__category__slug=category)
    return reports


def queue_page(*, reason=None, category=None, page_number=1):
    """Open reports grouped by target: automatically hidden posts first, then oldest first."""
    groups = (
        _open_reports(reason, category)
        .values("target")
        .annotate(
            reports=Count("pk"),
            reporters=Count("reporter", distinct=True),
            first_at=Min("created_at"),
            last_at=Max("created_at"),
            hidden=Count("pk", filter=Q(post__visibility=Visibility.HIDDEN)),
        )
        .order_by("-hidden", "first_at", "target")
    )
    page = Paginator(groups, PER_PAGE).get_page(page_number)
    items = [QueueItem(**{k: v for k, v in g.items() if k != "hidden"}, auto_hidden=bool(g["hidden"])) for g in page]
    _attach_targets(items)
    page.object_list = items
    return page


def _attach_targets(items):
    by_target = {item.target: item for item in items}
    reports = (
        Report.objects.filter(status=Report.Status.OPEN, target__in=by_target)
        .select_related(
            "post__author", "post__thread__category", "thread__category", "thread__author", "member", "reporter"
        )
        .order_by("created_at")
    )
    for report in reports:
        item = by_target[report.target]
        item.post = item.post or report.post
        item.thread = item.thread or report.thread
        item.member = item.member or report.member
        item.reasons[report.get_reason_display()] = item.reasons.get(report.get_reason_display(), 0) + 1
        if report.text:
            item.texts.append((report.reporter, report.text))


def open_count() -> int:
    """Reported items waiting for a decision: each reported post, thread or profile, and each
    private conversation with an open report (on it or on its messages). One query: every
    moderator's header shows it."""
    targets = Report.objects.filter(status=Report.Status.OPEN).order_by().values_list("target")
    private = (
        PrivateReport.objects.filter(resolved_at__isnull=True)
        .order_by()
        .annotate(key=Concat(Value("conversation:"), Cast("conversation_id", CharField())))
        .values_list("key")
    )
    return targets.union(private).count()


def private_page(*, page_number=1):
    """Reported private conversations, for the queue beside the reports above."""
    return conversation_selectors.reported_for_moderators(page_number=page_number, per_page=PER_PAGE)


def log_page(*, actor=None, member=None, kind=None, page_number=1):
    actions = Action.objects.select_related("actor", "member", "post", "thread")
    if actor:
        actions = actions.filter(actor__username=actor)
    if member:
        actions = actions.filter(member__username=member)
    if kind in Action.Kind.values:
        actions = actions.filter(kind=kind)
    return Paginator(actions.order_by("-created_at", "-id"), 30).get_page(page_number)


def history_of(member, limit=20):
    """A member's moderation history, for moderators on the member's page."""
    return list(Action.objects.filter(member=member).select_related("actor").order_by("-created_at")[:limit])
