"""The ledger and the badges moved from profiles to reputation without touching their tables.

A database migrated before the move (profiles.0002) keeps its rows: the migrations that
follow change only Django's state and the content types, so the same rows are read and
written through the reputation app's models afterwards.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from profiles.models import Member
from reputation.models import BadgeAward, ReputationEntry

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = ("profiles", "0002_badgeaward_reputationentry")


@pytest.fixture
def rows_written_before_the_move():
    """Back to profiles.0002 (reputation unapplied), a gain, its reversal and a badge written
    through that state's models, then forward to the latest migrations."""
    executor = MigrationExecutor(connection)
    executor.migrate([("reputation", None)])
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    member = old.get_model("profiles", "Member").objects.create(username="ada", email="ada@example.com")
    entry = old.get_model("profiles", "ReputationEntry")
    gain = entry.objects.create(member=member, reason="reply_helpful", amount=10)
    entry.objects.create(member=member, reason="reply_helpful", amount=-10, reverses=gain)
    old.get_model("profiles", "BadgeAward").objects.create(member=member, badge="supporter")
    executor = MigrationExecutor(connection)  # reloads which migrations are applied
    executor.migrate(executor.loader.graph.leaf_nodes())
    return Member.objects.get(username="ada")


def test_ledger_and_badges_written_before_the_move_are_read_through_the_reputation_app(rows_written_before_the_move):
    ada = rows_written_before_the_move

    gain = ReputationEntry.objects.get(member=ada, amount=10)
    assert gain.reversed_by.amount == -10
    assert list(ada.badge_awards.values_list("badge", flat=True)) == ["supporter"]


def test_rows_written_after_the_move_go_into_the_same_tables(rows_written_before_the_move):
    ada = rows_written_before_the_move

    ReputationEntry.objects.create(member=ada, reason="answer_accepted", amount=15)
    BadgeAward.objects.create(member=ada, badge="solver")

    assert ada.reputation_entries.count() == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT badge FROM profiles_badgeaward ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["supporter", "solver"]


def test_the_content_types_follow_the_models(rows_written_before_the_move):
    labels = ContentType.objects.filter(model__in=["reputationentry", "badgeaward"]).values_list("app_label", flat=True)

    assert set(labels) == {"reputation"}
