import time

from django.core.management.base import BaseCommand

from answering.services import invite_answerers


class Command(BaseCommand):
    help = "Invite the members who know a question's tags to answer it, once it has waited its category's delays."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, every --every seconds.")
        parser.add_argument("--every", type=int, default=60, help="Seconds between runs with --loop (5 at least).")

    def handle(self, *args, loop, every, **options):
        while True:
            count = invite_answerers()
            if count or not loop:
                self.stdout.write(f"{count} member(s) invited to answer.")
            if not loop:
                return
            time.sleep(max(5, every))
