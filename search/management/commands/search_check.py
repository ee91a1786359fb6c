from django.core.management.base import BaseCommand
from haystack import connections

from search.search_indexes import indexable_posts


class Command(BaseCommand):
    help = "Compare the search index with the database; list differences and exit 1 if there are any."

    def handle(self, *args, **options):
        indexed = connections["default"].get_backend().indexed_votes()
        expected = dict(indexable_posts().values_list("pk", "score"))
        missing = sorted(set(expected) - set(indexed))
        extra = sorted(set(indexed) - set(expected))
        stale = sorted(pk for pk in set(expected) & set(indexed) if indexed[pk] != expected[pk])
        for label, ids in (
            ("missing from the index", missing),
            ("in the index but not visible", extra),
            ("out of date in the index", stale),
        ):
            if ids:
                shown = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
                self.stdout.write(f"{len(ids)} post(s) {label}: {shown}")
        if missing or extra or stale:
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"The index matches the database ({len(expected):,} posts)."))
