import time

from django.core.management.base import BaseCommand
from whoosh.index import LockError

from search.queue import apply_pending


class Command(BaseCommand):
    help = "Apply queued search index updates: the single index writer when several processes serve the site."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Apply what is queued, then stop.")
        parser.add_argument("--every", type=float, default=1.0, help="Seconds between checks when idle.")

    def handle(self, *args, once, every, **options):
        while True:
            try:
                applied = apply_pending(wait=5)
            except LockError:
                applied = 0
                self.stderr.write("The index is locked by another writer; retrying.")
            if applied:
                self.stdout.write(f"Applied {applied} index update(s).")
                continue
            if once:
                return
            time.sleep(every)
