"""Management commands that do one round of work: once (from cron), or every --every seconds."""

import time

from django.core.management.base import BaseCommand

MIN_EVERY = 5  # seconds: a loop never spins faster, whatever --every says


class PeriodicCommand(BaseCommand):
    """A subclass says what one round does (`run_once`, returning how many things it did) and how
    to say it (`report`, with `{count}`). A round that did nothing is silent in a loop."""

    report = "{count}"

    def run_once(self) -> int:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, every --every seconds.")
        parser.add_argument(
            "--every", type=int, default=60, help=f"Seconds between runs with --loop ({MIN_EVERY} at least)."
        )

    def handle(self, *args, loop, every, **options):
        while True:
            count = self.run_once()
            if count or not loop:
                self.stdout.write(self.report.format(count=count))
            if not loop:
                return
            time.sleep(max(MIN_EVERY, every))
