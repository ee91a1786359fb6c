import sys
import time

from django.core.management.base import BaseCommand
from haystack import connections

from search.models import IndexTask
from search.queue import all_documents, apply_all, indexable_count, settle


class Command(BaseCommand):
    help = "Rebuild the search index from the database into a fresh index, then swap it in (with progress)."

    def add_arguments(self, parser):
        parser.add_argument("--noinput", "--no-input", action="store_true", help="Accepted for haystack compatibility.")

    def handle(self, *args, **options):
        start_time = time.perf_counter()
        # The changes queued (committed) before the rebuild reads the database will be in it.
        queued = list(IndexTask.objects.only("pk", "created_at"))
        total = indexable_count()
        backend = connections["default"].get_backend()
        tty = sys.stdout.isatty()
        step = max(1, total // (100 if tty else 10))

        def progress(count):
            if count % step == 0 or count == total:
                line = f"Indexed {count:,} / {total:,} posts"
                self.stdout.write(f"\r{line}" if tty else line, ending="" if tty else "\n")

        count = backend.rebuild(all_documents(), progress=progress)
        elapsed = time.perf_counter() - start_time
        self.stdout.write("")
        # Changes queued or renewed since the rebuild started stay queued, and are applied now.
        settle(queued)
        apply_all()
        rate = count / elapsed if elapsed else 0
        self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} posts in {elapsed:.1f} s ({rate:,.0f} posts/s)."))
