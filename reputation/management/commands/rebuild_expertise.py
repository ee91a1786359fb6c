from django.core.management.base import BaseCommand
from django.db import transaction

from reputation import expertise


class Command(BaseCommand):
    help = (
        "Recompute every member's expertise rows (per category and per tag) from the ledger and the "
        "threads' current tags and categories; with --check only report differences (exit 1 if any). "
        "Run it when the site is quiet: a point earned meanwhile on a row being rebuilt can be lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report differences; exit 1 if there are any.")

    def handle(self, *args, check, **options):
        with transaction.atomic():
            found = expertise.differences()
            for difference in found:
                self.stdout.write(self._describe(difference))
            if found and not check:
                expertise.rebuild()
        if not found:
            self.stdout.write(self.style.SUCCESS("Every expertise row matches the ledger."))
        elif check:
            self.stderr.write(f"{len(found)} expertise row(s) differ from the ledger.")
            raise SystemExit(1)
        else:
            self.stdout.write(self.style.SUCCESS(f"Rebuilt the expertise rows: {len(found)} differed."))

    def _describe(self, difference) -> str:
        member, category, tag = difference.key
        where = f"member {member}, category {category}" + ("" if tag is None else f", tag {tag}")
        return f"{where}: rows say {self._standing(difference.stored)}, ledger says {self._standing(difference.truth)}"

    def _standing(self, standing) -> str:
        return (
            "nothing"
            if standing is None
            else f"{standing.points} points, last {standing.last_earned_at:%Y-%m-%d %H:%M}"
        )
