from django.core.management.base import BaseCommand

from conversations.counters import recount_all


class Command(BaseCommand):
    help = "Recompute each conversation's message count and each member's unread conversations from the rows."

    def handle(self, *args, **options):
        recount_all()
        self.stdout.write(self.style.SUCCESS("Conversation counters recomputed."))
