from django.core.management.base import BaseCommand

from forum.counters import recount_all


class Command(BaseCommand):
    help = "Recompute scores, reply counts, last activity and category counts from the posts and votes."

    def handle(self, *args, **options):
        recount_all()
        self.stdout.write(self.style.SUCCESS("Forum counters recomputed."))
