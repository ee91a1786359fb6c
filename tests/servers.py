"""Real servers for the tests that need one: free ports, manage.py subprocesses, throwaway
PostgreSQL databases, and waiting for a daphne to answer. Shared by the browser tests
(tests/e2e/) and the multi-process tests, with no browser library needed to import it."""

import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable  # the venv's python: `make test` and `make test-e2e` run pytest with .venv/bin/python
SERVER_START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_manage(env: dict, *args: str, input: str | None = None, check: bool = True, timeout: float = 120):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} exited with {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}",
            pytrace=False,
        )
    return result


class PostgresDatabase:
    """A throwaway database on the server the outer DATABASE_URL points at."""

    def __init__(self, outer_url: str):
        self.outer_url = outer_url
        self.name = f"agora_e2e_{secrets.token_hex(4)}"
        parts = urlsplit(outer_url)
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def _execute(self, sql: str):
        import psycopg
        from psycopg import sql as pgsql

        # Connect to the maintenance database: the outer one may not exist yet.
        admin_url = urlunsplit(urlsplit(self.outer_url)._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(pgsql.SQL(sql).format(pgsql.Identifier(self.name)))

    def create(self):
        self._execute("CREATE DATABASE {}")

    def drop(self):
        self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def wait_until_serving(process, url: str, log_path: Path) -> bool:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own loopback URL)
                return True
        except urllib.error.HTTPError:
            return True  # it answered, even if not with 200
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    pytest.fail(f"daphne did not answer {url} within {SERVER_START_TIMEOUT}s:\n{log_path.read_text()}", pytrace=False)
