"""Response targets: which questions count towards the answered-within-target share, and which made it."""

import operator
from collections import defaultdict
from datetime import datetime, timedelta
from functools import reduce

from django.db.models import Count, F, Q

from forum.models import Category


def target_conditions(categories: list[Category], now: datetime) -> tuple[Q, Q] | None:
    """(counted, within): conditions on a question for the answered-within-target share; None without targets.

    One term per distinct target (a handful), so the comparison stays a plain datetime + interval.
    """
    by_target = defaultdict(list)
    for category in categories:
        if category.response_target_hours is not None:
            by_target[category.response_target_hours].append(category.pk)
    if not by_target:
        return None
    within_terms, counted_terms = [], []
    for target_hours, ids in by_target.items():
        target = timedelta(hours=target_hours)
        answered = Q(first_official_at__lte=F("created_at") + target) | Q(accepted_at__lte=F("created_at") + target)
        within = Q(category_id__in=ids) & answered
        within_terms.append(within)
        counted_terms.append(within | Q(category_id__in=ids, no_response_needed="", created_at__lte=now - target))
    return reduce(operator.or_, counted_terms), reduce(operator.or_, within_terms)


def target_columns(targets) -> dict:
    """The two counts of the share, as aggregates over questions; none when no category has a target."""
    if targets is None:
        return {}
    counted, within = targets
    return {"target_counted": Count("pk", filter=counted), "within_target": Count("pk", filter=within)}
