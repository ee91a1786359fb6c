from django.core.management.base import BaseCommand
from django.db import transaction

from profiles.models import Member
from reputation.idea_credits import idea_credits_out_of_step, settle_idea_credits
from reputation.ledger import mismatched_members


class Command(BaseCommand):
    help = (
        "Compare the ideas' credits in the ledger with the ideas' statuses and each member's reputation "
        "with the sum of their ledger, and repair both; with --check only report (exit 1 if any differ)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report differences; exit 1 if there are any.")

    def handle(self, *args, check, **options):
        with transaction.atomic():
            credits = idea_credits_out_of_step()
            for credit in credits:
                self.stdout.write(self._describe(credit))
            if not check:
                settle_idea_credits(credits)
            wrong = list(mismatched_members())
            for member, cached, ledger in wrong:
                self.stdout.write(f"{member.username}: profile says {cached}, ledger says {ledger}")
                if not check:
                    Member.objects.filter(pk=member.pk).update(reputation=ledger)
        self._conclude(credits, wrong, check=check)

    def _describe(self, credit) -> str:
        gain = f"{credit.username}: {credit.entry.reason} {credit.entry.amount:+d}"
        if credit.owed:
            return f"{gain} owed by the idea “{credit.title}”, not in the ledger"
        return f"{gain} in the ledger, no longer owed by the idea “{credit.title}”"

    def _conclude(self, credits, wrong, *, check):
        if not credits and not wrong:
            self.stdout.write(self.style.SUCCESS("Every reputation matches its ledger."))
        elif check:
            if credits:
                self.stderr.write(f"{len(credits)} idea credit(s) differ from their ideas.")
            if wrong:
                self.stderr.write(f"{len(wrong)} member(s) differ from their ledger.")
            raise SystemExit(1)
        else:
            if credits:
                self.stdout.write(self.style.SUCCESS(f"Settled {len(credits)} idea credit(s)."))
            if wrong:
                self.stdout.write(self.style.SUCCESS(f"Repaired {len(wrong)} member(s)."))
