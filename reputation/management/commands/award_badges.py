from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reputation import badges


class Command(BaseCommand):
    help = "Award every badge its holders qualify for (back-fills a rule added later) and recount badge totals."

    def add_arguments(self, parser):
        parser.add_argument("--badge", action="append", help="Only this badge (slug); may be repeated.")

    def handle(self, *args, badge, **options):
        unknown = [slug for slug in badge or [] if slug not in badges.BY_SLUG]
        if unknown:
            raise CommandError(f"Unknown badge(s): {', '.join(unknown)}. Known: {', '.join(badges.BY_SLUG)}")
        chosen = [badges.BY_SLUG[slug] for slug in badge] if badge else list(badges.CATALOGUE)
        with transaction.atomic():
            awarded = badges.award(chosen, None)
            badges.recount_badges()
        self.stdout.write(self.style.SUCCESS(f"Awarded {len(awarded)} badge(s)."))
