"""Seed, then rebuild the index, reporting counts, speed and each step's peak memory.

Run inside the benchmark's site environment; prints one JSON line last.
"""

import io
import json
import os
import re
import resource
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from forum.models import Post  # noqa: E402


def main():
    args = sys.argv[1:]
    options = dict(zip(args[::2], args[1::2], strict=True))
    call_command(
        "seed_demo",
        members=int(options["--members"]),
        threads=int(options["--threads"]),
        replies=int(options["--replies"]),
        big_thread=int(options["--big-thread"]),
        prolific_member=int(options["--prolific-member"]),
        stdout=io.StringIO(),
        skip_index=True,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    # The rebuild in its own process, so that its memory is its own.
    output = subprocess.run(
        [sys.executable, "manage.py", "rebuild_index"], check=True, text=True, capture_output=True
    ).stdout
    rebuild_seconds = time.perf_counter() - start
    indexed = int(re.search(r"Indexed ([\d,]+) posts in", output).group(1).replace(",", ""))
    rebuild_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "posts": Post.objects.count(),
                "peak_mb": round(peak_mb, 1),
                "rebuild": {
                    "posts": indexed,
                    "seconds": round(rebuild_seconds, 1),
                    "posts_per_s": round(indexed / rebuild_seconds),
                    "peak_mb": round(rebuild_peak, 1),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
