import time

from django.core.management.base import BaseCommand

from forum.services import notify_target_breaches


class Command(BaseCommand):
    help = "Notify staff, once per thread, of questions that passed their category's response target."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--every", type=int, default=60)

    def handle(self, *args, loop, every, **options):
        while True:
            count = notify_target_breaches()
            if count or not loop:
                self.stdout.write(f"{count} thread(s) past their target.")
            if not loop:
                return
            time.sleep(max(5, every))
