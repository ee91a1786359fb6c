from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo import content
from demo.seed import Options, is_seeded, seed_forum


class Command(BaseCommand):
    help = "Fill an empty forum with the Lumio demo community (French and English). Does nothing if content exists."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=40, help="Generated members beyond the named cast.")
        parser.add_argument("--threads", type=int, default=60, help="Generated threads beyond the curated ones.")
        parser.add_argument("--replies", type=int, default=6, help="Average replies per generated thread.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for a repeatable community.")
        parser.add_argument(
            "--big-thread", type=int, default=0, help="Add a thread with this many replies (benchmarks)."
        )
        parser.add_argument("--prolific-member", type=int, default=0, help="Add a member with this many posts.")
        parser.add_argument("--skip-index", action="store_true", help="Leave the search index to rebuild_index.")

    def handle(self, *args, **options):
        names = ("members", "threads", "replies", "seed", "big_thread", "prolific_member")
        chosen = Options(**{name: options[name] for name in names})
        if min(chosen.members, chosen.threads, chosen.replies) < 0:
            raise CommandError("--members, --threads and --replies cannot be negative.")
        if is_seeded():
            self.stdout.write("The forum already has content: nothing added.")
        else:
            seed_forum(chosen, self.stdout)
            # Bulk-written posts bypass the index queue: index everything once.
            if not options["skip_index"]:
                call_command("rebuild_index", stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.stdout.write(f"\nDemo log-ins (the password for all is {content.PASSWORD}):")
        for username, _name, role, title, _language in content.PEOPLE[:4]:
            self.stdout.write(f"  {username:<8} {role}{', ' + title if title else ''}")
        self.stdout.write("  alice, bruno, chloe, … kenji: members")
