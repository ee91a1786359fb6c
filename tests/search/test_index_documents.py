"""What the index holds: one document per visible post, carrying its thread's title, category, tags and flags."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from haystack import connections

from forum import services
from moderation import actions
from search.models import SearchDocument
from search.postgres import LISTS, STORED, PostgresSearchBackend, tsquery


def stored_documents() -> dict[int, dict]:
    """The stored fields of every document, by post id, read back as haystack reads them (booleans, dates)."""
    backend = connections["default"].get_backend()
    if isinstance(backend, PostgresSearchBackend):
        return {row["django_id"]: row for row in SearchDocument.objects.values("id", "django_id", *STORED)}
    return {
        int(fields["django_id"]): {name: backend._to_python(value) for name, value in fields.items()}
        for fields in backend.searcher().all_stored_fields()
    }


def matching(field: str, value) -> set[int]:
    """Post ids whose document has `value` in `field` (for fields indexed without being stored)."""
    backend = connections["default"].get_backend()
    if isinstance(backend, PostgresSearchBackend):
        return _matching_rows(field, value)
    query = backend.parser.parse(f"{field}:{backend._from_python(value)}")
    return {int(hit["django_id"]) for hit in backend.searcher().search(query, limit=None)}


def _matching_rows(field: str, value) -> set[int]:
    """matching() on PostgreSQL: a text field is the part of the tsvector weighted as that field."""
    if field in {"title", "text"}:
        weight = "a" if field == "title" else "b"
        sql, params = tsquery("plainto_tsquery", value)
        found = RawSQL(f"ts_filter(document, '{{{weight}}}') @@ {sql}", params, output_field=BooleanField())  # noqa: S611
        rows = SearchDocument.objects.filter(found)
    elif field in LISTS:
        rows = SearchDocument.objects.filter(**{f"{field}__contains": [value]})
    else:
        rows = SearchDocument.objects.filter(**{field: value})
    return set(rows.values_list("django_id", flat=True))


@pytest.fixture
def answered(make_thread, questions, member, other_member, staff_member, make_member):
    thread = make_thread(
        category=questions,
        author=member,
        title="Motion sensor misses the cat",
        body="The motion sensor never notices the cat.",
        tags=["sensors", "pets"],
        replies=[(other_member, "Lower the sensor by a metre."), (staff_member, "Sensitivity is in the app.")],
    )
    answer = thread.posts.get(author=other_member)
    services.accept_answer(post=answer, by=member)
    services.cast_vote(post=answer, voter=make_member("fan"))
    return thread


def test_each_visible_post_is_a_document_with_its_threads_fields(answered, index_now, questions):
    index_now()
    documents = stored_documents()
    opening, answer, official = answered.posts.order_by("created_at", "pk")

    assert set(documents) == {opening.pk, answer.pk, official.pk}
    everyone = {opening.pk, answer.pk, official.pk}
    for post in (opening, answer, official):
        document = documents[post.pk]
        assert document["id"] == f"forum.post.{post.pk}"
        assert document["thread_id"] == answered.pk
        assert post.pk in matching("author_id", post.author_id)
    assert matching("category_id", questions.pk) == everyone
    assert matching("staff_only", False) == everyone
    assert matching("tags", "pets") == everyone == matching("tags", "sensors")
    assert matching("solved", True) == everyone
    assert matching("official", True) == everyone
    assert matching("is_thread", True) == {opening.pk}
    assert documents[answer.pk]["votes"] == 1
    assert documents[opening.pk]["votes"] == 0


@pytest.mark.parametrize("how", ["the queue", "rebuild_index"])
def test_the_opening_post_alone_holds_its_threads_title_in_a_field_of_its_own(answered, index_now, how):
    """The field ranking weighs more (search_indexes.TITLE_BOOST), written alike by both paths."""
    if how == "the queue":
        index_now()
    else:
        call_command("rebuild_index", stdout=StringIO())
    opening = answered.posts.get(is_opening=True)

    assert matching("title", "motion") == matching("title", "cat") == {opening.pk}
    assert matching("title", "sensor") == {opening.pk}
    assert matching("text", "sensor") == {opening.pk, answered.posts.get(body__startswith="Lower the sensor").pk}


def test_a_staff_only_categorys_posts_are_marked(make_thread, staff_category, staff_member, index_now):
    thread = make_thread(category=staff_category, author=staff_member, title="Roadmap draft", body="Internal notes.")
    index_now()

    assert matching("staff_only", True) == {thread.posts.get().pk}


def test_hidden_and_deleted_posts_and_hidden_threads_are_not_in_the_index(
    make_thread, discussion, member, other_member, moderator, index_now
):
    thread = make_thread(
        category=discussion,
        author=member,
        title="Scenes and routines",
        body="How do you organise scenes?",
        replies=[(other_member, "Rude reply."), (other_member, "Spam reply."), (member, "Fine reply.")],
    )
    gone = make_thread(category=discussion, author=other_member, title="Whole thread hidden", body="Nothing good.")
    opening, rude, spam, fine = thread.posts.order_by("created_at", "pk")
    actions.hide_post(post=rude, by=moderator, reason="rude")
    actions.delete_post(post=spam, by=moderator, reason="spam")
    actions.hide_post(post=gone.posts.get(), by=moderator, reason="off topic")
    index_now()

    assert set(stored_documents()) == {opening.pk, fine.pk}


def test_html_entities_of_the_rendered_text_are_not_words(search_page, make_thread, discussion, member, index_now):
    """A post's "R&D" renders as "R&amp;D": the index must hold what the reader reads, not "amp"."""
    make_thread(category=discussion, author=member, title="Lab notes", body="R&D says 2 < 3 and 4 > 1.")
    amp = make_thread(category=discussion, author=member, title="Guitar amp hum", body="My amp hums near the hub.")
    index_now()

    assert search_page(q="amp").titles == [amp.title]
    assert search_page(q="lt").titles == []
    assert search_page(q="gt").titles == []
    assert search_page(q="says").titles == ["Lab notes"]
