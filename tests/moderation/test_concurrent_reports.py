"""One member files ten reports at the same moment, each on its own database connection.

With a limit of three a day, exactly three are filed and seven refused: the
daily limit cannot be overrun by reports that arrive together.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from forum import services
from moderation.models import Report
from moderation.reports import file_report
from tests.conftest import all_at_once, require_service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replies(discussion, make_member):
    asker, answerer = make_member("asker"), make_member("answerer")
    thread = services.start_thread(category=discussion, author=asker, title="Which cable?", body="Which one?")
    return [services.post_reply(thread=thread, author=answerer, body=f"Reply {n}") for n in range(10)]


def report_all_at_once(reporter, posts) -> list[BaseException]:
    return all_at_once(
        [lambda post=post: file_report(reporter=reporter, reason=Report.Reason.SPAM, post=post) for post in posts]
    )


@pytest.mark.postgres
def test_reports_sent_together_cannot_overrun_the_daily_limit_on_postgresql(settings, replies, make_member):
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://...")
    settings.REPORTS_PER_DAY = 3
    settings.AUTO_HIDE_REPORTS = 100
    reporter = make_member("watcher")

    errors = report_all_at_once(reporter, replies)

    assert Report.objects.filter(reporter=reporter).count() == 3
    assert len(errors) == 7 and all(isinstance(error, PermissionDenied) for error in errors), errors
