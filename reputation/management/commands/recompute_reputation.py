from django.core.management.base import BaseCommand
from django.db import transaction

from profiles.models import Member
from reputation.ledger import mismatched_members


class Command(BaseCommand):
    help = (
        "Compare each member's reputation with the sum of their ledger and repair it; "
        "with --check only report (exit 1 if any differ)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report differences; exit 1 if there are any.")

    def handle(self, *args, check, **options):
        with transaction.atomic():
            wrong = list(mismatched_members())
            for member, cached, ledger in wrong:
                self.stdout.write(f"{member.username}: profile says {cached}, ledger says {ledger}")
                if not check:
                    Member.objects.filter(pk=member.pk).update(reputation=ledger)
        if not wrong:
            self.stdout.write(self.style.SUCCESS("Every reputation matches its ledger."))
        elif check:
            self.stderr.write(f"{len(wrong)} member(s) differ from their ledger.")
            raise SystemExit(1)
        else:
            self.stdout.write(self.style.SUCCESS(f"Repaired {len(wrong)} member(s)."))
