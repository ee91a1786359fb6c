"""/answer/: the open questions in a member's areas of expertise, best matches first.

A member's *areas* are their expertise rows (reputation/expertise.py: points earned answering)
in the categories they may read now: their points under each tag, summed across those
categories, and their points in each question category. Rows earned in a staff-only category
count only while the member may read it.

An *open question* is a visible thread of a question category the member may read, not locked,
not solved, that nobody but its asker has replied to yet (`forum.selectors.unanswered`, the one
definition the category page's "Unanswered" filter and the invitations share: the asker's own
follow-up answers nothing), asked by someone else. It *matches* when one of its tags or its
category is among the member's areas; its score is the member's points under its tags plus their
points in its category. Best score first, then newest.

Key-first, so that the cost follows the open questions that match and not the size of the
forum: one query reads the member's areas, one ranks the matching questions' keys (ids and
scores only, the score worked out in the database; at most MATCHES of them, which the page is
cut from), and two read the shown page's rows (the threads with their category and asker,
then their tags). Nothing is read per row.
"""

import operator
from dataclasses import dataclass, field
from functools import cached_property, reduce

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from taggit.models import TaggedItem

from forum import permissions
from forum.models import Category, Thread, Visibility
from forum.selectors import paginate, readable_categories, unanswered, with_tags
from reputation.models import CategoryExpertise, TagExpertise

QUESTIONS_PER_PAGE = 20
# The best matches kept, which the pages are cut from: 50 pages. Past those, the list has
# stopped being a short list of what a member knows best.
MATCHES = 1000
# The member's best tags that a question is matched against; one CASE term each in the ranking
# query, so the query stays the same size for a member who has answered under hundreds of tags.
AREA_TAGS = 100
AREA_TAGS_SHOWN = 8  # named at the top of the page

TAG, CATEGORY = "tag", "category"


@dataclass(frozen=True)
class KnownTag:
    pk: int
    name: str
    slug: str
    points: int


@dataclass
class Areas:
    """What the member knows, as the ranking reads it: points per tag and per question category."""

    tags: dict[int, KnownTag] = field(default_factory=dict)  # best first
    categories: dict[int, int] = field(default_factory=dict)  # category id -> points

    def __bool__(self) -> bool:
        return bool(self.tags or self.categories)

    @property
    def shown_tags(self) -> list[KnownTag]:
        return list(self.tags.values())[:AREA_TAGS_SHOWN]


@dataclass
class Match:
    """An open question on the page, and why it is there."""

    thread: Thread
    score: int
    known_tags: list[KnownTag]  # the question's tags the member knows, best first
    knows_category: bool  # the member has points in the question's category

    @cached_property
    def known_tag_ids(self) -> set[int]:
        return {tag.pk for tag in self.known_tags}

    @property
    def known_tags_text(self) -> str:
        return ", ".join(f"#{tag.name}" for tag in self.known_tags)


@dataclass
class AnswerPage:
    areas: Areas
    questions: Page  # of Match
    # Where to look instead when nothing matches (the readable question categories): read only then.
    categories: list[Category] = field(default_factory=list)


def answer_page(member, *, page_number=1) -> AnswerPage:
    """The member's page of open questions in their areas: four queries, and one more for the
    question categories when the page is empty (two in all for a member with no areas)."""
    areas = areas_of(member)
    keys = ranked_questions(member, areas) if areas else []
    page = paginate(keys, page_number, QUESTIONS_PER_PAGE)
    page.object_list = _matches(list(page.object_list), areas)
    categories = [] if page.object_list else list(question_categories(member))
    return AnswerPage(areas=areas, questions=page, categories=categories)


def question_categories(member):
    return readable_categories(member).filter(kind=Category.Kind.QUESTIONS)


def areas_of(member) -> Areas:
    """The member's points per tag (every category they may read) and per question category, in one query."""
    accesses = permissions.readable_accesses(member)
    columns = ("kind", "key", "name", "slug", "total")
    tags = (
        TagExpertise.objects.filter(member=member, category__access__in=accesses, points__gt=0)
        .values("tag")
        .annotate(kind=Value(TAG), key=F("tag"), name=F("tag__name"), slug=F("tag__slug"), total=Sum("points"))
        .values_list(*columns)
        .order_by()
    )
    categories = (
        CategoryExpertise.objects.filter(
            member=member, category__access__in=accesses, category__kind=Category.Kind.QUESTIONS, points__gt=0
        )
        .annotate(kind=Value(CATEGORY), key=F("category"), name=Value(""), slug=Value(""), total=F("points"))
        .values_list(*columns)
        .order_by()
    )
    areas = Areas()
    known = []
    for kind, key, name, slug, total in tags.union(categories, all=True):
        if kind == TAG:
            known.append(KnownTag(pk=key, name=name, slug=slug, points=total))
        else:
            areas.categories[key] = total
    known.sort(key=lambda tag: (-tag.points, tag.name))
    areas.tags = {tag.pk: tag for tag in known[:AREA_TAGS]}
    return areas


def waiting_questions() -> QuerySet[Thread]:
    """Questions still waiting for a first answer, for anyone: visible, open, not solved and
    unanswered (forum.selectors.unanswered: no visible reply from anyone but the asker).
    /answer/ and the invitation rounds (answering/rounds.py) both start from these."""
    questions = Thread.objects.filter(
        category__kind=Category.Kind.QUESTIONS,
        visibility=Visibility.VISIBLE,
        is_locked=False,
        accepted_answer__isnull=True,
    )
    return unanswered(questions)


def open_questions(member):
    """The questions `member` could answer now, whatever they know (see the module's docstring)."""
    readable = waiting_questions().filter(category__access__in=permissions.readable_accesses(member))
    return readable.exclude(author=member)


def ranked_questions(member, areas: Areas) -> list[tuple[int, int]]:
    """(thread id, score) of the open questions in the member's areas, best first, at most MATCHES."""
    matches = [Q(category_id__in=list(areas.categories))] if areas.categories else []
    score = _points_by(areas.categories, "category_id")
    if areas.tags:
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Thread),
            object_id=OuterRef("pk"),
            tag_id__in=list(areas.tags),
        ).order_by()
        points = {pk: tag.points for pk, tag in areas.tags.items()}
        tag_points = tagged.values("object_id").annotate(total=Sum(_points_by(points, "tag_id"))).values("total")
        matches.append(Exists(tagged))
        score = score + Coalesce(Subquery(tag_points), 0)
    ranked = (
        open_questions(member)
        .filter(reduce(operator.or_, matches))
        .annotate(match=score)
        .order_by("-match", "-created_at", "-pk")
        .values_list("pk", "match")
    )
    return list(ranked[:MATCHES])


def _points_by(points: dict[int, int], column: str):
    """The points of the row's `column` value (a tag or a category id), 0 when the member has none there."""
    whens = [When(**{column: key}, then=Value(value)) for key, value in points.items()]
    if not whens:
        return Value(0)
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _matches(keys: list[tuple[int, int]], areas: Areas) -> list[Match]:
    """The page's rows, in the ranking's order (two queries: the threads, then their tags)."""
    if not keys:
        return []
    threads = with_tags(Thread.objects.select_related("category", "author")).in_bulk([pk for pk, _ in keys])
    rows = []
    for pk, score in keys:
        thread = threads.get(pk)
        if thread is None:  # deleted between the two queries
            continue
        known = [areas.tags[tag.pk] for tag in thread.tag_list if tag.pk in areas.tags]
        known.sort(key=lambda tag: (-tag.points, tag.name))
        rows.append(
            Match(
                thread=thread,
                score=score,
                known_tags=known,
                knows_category=thread.category_id in areas.categories,
            )
        )
    return rows
