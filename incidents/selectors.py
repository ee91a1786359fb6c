"""What the incident pages show, read in one place, through the reader's access."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.timesince import timesince

from forum.models import Follow
from forum.permissions import readable_accesses, readable_threads_q
from incidents.models import Incident, Link, Status

PER_PAGE = 20
_INT = IntegerField()
LINKS_SHOWN = 50


def is_incident_thread():
    """True for the outer thread (``OuterRef("pk")``) when it is an incident's: the brand's
    statement and its updates, never an unanswered question (forum.hooks.provide_statement)."""
    return Exists(Incident.objects.filter(thread=OuterRef("pk")))


def incidents_page(viewer, page_number, *, with_figures: bool = False):
    """Open incidents first, then the resolved ones, newest first; only those whose thread the
    reader may read (a thread moved to a staff-only category takes its incident with it).
    `with_figures`: each with its figures (staff), in the same query."""
    incidents = (
        Incident.objects.filter(readable_threads_q(viewer, prefix="thread__"))
        .annotate(closed=Case(When(status=Status.RESOLVED, then=Value(1)), default=Value(0), output_field=_INT))
        .order_by("closed", "-declared_at", "-pk")
    )
    page = Paginator(_with_figures(incidents) if with_figures else incidents, PER_PAGE).get_page(page_number)
    if with_figures:
        for incident in page.object_list:
            incident.figures = Figures.of(incident)
    return page


def incident_for(viewer, pk: int) -> Incident:
    """The incident with its thread, or 404 for a reader who may not read its thread."""
    found = (
        Incident.objects.filter(pk=pk)
        .filter(readable_threads_q(viewer, prefix="thread__"))
        .select_related("thread__category")
        .first()
    )
    if found is None:
        raise Http404
    return found


def updates(incident: Incident) -> list:
    return list(incident.updates.select_related("by", "post"))


def linked_threads(viewer, incident: Incident) -> tuple[list, int]:
    """The threads pointed to the incident that the reader may read (never a staff-only thread
    for the public: not its title, not its count), newest first: the first LINKS_SHOWN, and how many."""
    links = Link.objects.filter(incident=incident).filter(readable_threads_q(viewer, prefix="thread__"))
    shown = list(links.select_related("thread")[:LINKS_SHOWN])
    return shown, (len(shown) if len(shown) < LINKS_SHOWN else links.count())


def concerned(viewer, incident: Incident) -> tuple[list, list]:
    """The categories the reader may read, and the tags, that the incident concerns."""
    categories = list(incident.categories.filter(access__in=readable_accesses(viewer)).order_by("position", "name"))
    return categories, list(incident.tags.order_by("name"))


def is_following(member, incident: Incident) -> bool:
    if not member.is_authenticated:
        return False
    return Follow.objects.filter(thread_id=incident.thread_id, member=member, level=Follow.Level.FOLLOWING).exists()


@dataclass(frozen=True)
class Figures:
    threads_linked: int
    threads_merged: int
    followers: int
    to_first_statement: timedelta
    to_resolution: timedelta | None

    @staticmethod
    def spoken(duration: timedelta | None) -> str:
        if duration is None:
            return ""
        now = timezone.now()
        return timesince(now - duration, now)

    @classmethod
    def of(cls, incident) -> "Figures":
        """From an incident read with its figures (_with_figures). Time to first statement runs
        from the first concerned thread (linked or adopted) to the declaration; time to
        resolution from the declaration to the closing statement."""
        return cls(
            threads_linked=incident.linked,
            threads_merged=incident.merged,
            followers=incident.followers,
            to_first_statement=max(incident.declared_at - incident.started_at, timedelta(0)),
            to_resolution=(incident.resolved_at - incident.declared_at) if incident.resolved_at else None,
        )

    @property
    def first_statement_text(self) -> str:
        return self.spoken(self.to_first_statement)

    @property
    def resolution_text(self) -> str:
        return self.spoken(self.to_resolution)


def _with_figures(incidents):
    followers = (
        Follow.objects.filter(thread=OuterRef("thread"), level=Follow.Level.FOLLOWING)
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return incidents.annotate(
        linked=Count("links", distinct=True),
        merged=Count("links", filter=Q(links__merged=True), distinct=True),
        followers=Coalesce(Subquery(followers, output_field=_INT), 0),
    )


def figures(incident: Incident) -> Figures:
    """For staff: how many threads it gathered, who follows it, how fast the brand spoke and fixed it."""
    return Figures.of(_with_figures(Incident.objects.filter(pk=incident.pk)).get())
