"""The demo's ideas: a category of ideas in every status, with votes, the team's notes and a
merged duplicate, in French and English, written through the ideas' services."""

import io

from demo.seed import Options, seed_forum
from forum.models import Category, Thread
from ideas.models import Idea, IdeaVote, Status


def test_the_demo_has_ideas_in_every_status_with_votes_and_a_merged_duplicate(db):
    seed_forum(Options(members=6, threads=12, replies=2), stream=io.StringIO())

    ideas = Idea.objects.select_related("thread__category")
    assert {idea.status for idea in ideas} == set(Status.values)
    assert all(idea.thread.category.kind == Category.Kind.IDEAS for idea in ideas)
    in_ideas = Thread.objects.filter(category__kind=Category.Kind.IDEAS)
    assert ideas.count() == in_ideas.count()  # generated threads there are ideas too
    for idea in ideas.exclude(votes=0):
        assert idea.votes == IdeaVote.objects.filter(idea=idea).count()

    duplicate = ideas.get(status=Status.DUPLICATE)
    assert duplicate.merged_into.thread.title == "Des scènes qui suivent le coucher du soleil"
    assert duplicate.votes == 0 and duplicate.merged_into.votes == 4  # 2 + 3 voters, Bruno in both: once
    answered = ideas.exclude(status__in=[Status.NEW, Status.DUPLICATE])
    assert all(idea.status_changes.exists() for idea in answered)
    titles = set(ideas.values_list("thread__title", flat=True))
    assert "Sunrise alarm that slowly brightens the bedroom" in titles
    assert "Regrouper les lampes par pièce dans l’application" in titles
