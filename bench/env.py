"""A throwaway Agora installation for one benchmark run: its own folder, database, index and server."""

import contextlib
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int, field: str = "VmHWM") -> float:
    """Peak (VmHWM) or current (VmRSS) resident memory of a process, in MB, from /proc."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) / 1024 if match else 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, in seconds, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_descriptors(pid: int) -> int:
    """File descriptors a process holds (sockets, files, pipes), from /proc."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def tcp_connections_to(pid: int, port: int) -> int:
    """Established TCP connections of a process whose far end is `port` (e.g. Redis's), from /proc.

    Counted on the process's side, so other clients of the same server are not counted.
    """
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    count = 0
    for table in ("tcp", "tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                # state 01: established
                count += fields[3] == "01" and remote_port == port and fields[9] in inodes
    return count


def raise_open_file_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit (servers it starts inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 16)
    if soft < wanted:
        with contextlib.suppress(ValueError, OSError):  # the kernel's own ceiling is lower
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def start_daphne(application: str, env: dict, timeout: float = 30) -> tuple[subprocess.Popen, str]:
    """Start a daphne process serving an ASGI application (module:attribute) on a loopback port.

    Returns the process and its address once its /healthz answers 200.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), application],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.2)
    stop_daphne(server)
    raise RuntimeError(f"daphne did not start {application}")


def stop_daphne(*servers: subprocess.Popen):
    """Stop daphne processes: all asked at once, then each waited for (killed after 10 s)."""
    for server in servers:
        server.send_signal(signal.SIGTERM)
    for server in servers:
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@contextlib.contextmanager
def bare_django(timeout: float = 30):
    """A daphne serving the bare Django project (bench/bare) for the duration; yields its address.

    The same Python, Django and daphne as the site, none of its settings.
    """
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    server, url = start_daphne("bench.bare.asgi:application", {**env, "PYTHONPATH": str(ROOT)}, timeout=timeout)
    try:
        yield url
    finally:
        stop_daphne(server)


class Site:
    """Environment variables, manage.py and a daphne process for one temporary site."""

    def __init__(self, keep: bool = False):
        self.folder = Path(tempfile.mkdtemp(prefix="agora-bench-"))
        self.keep = keep
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "VAR_DIR": str(self.folder),
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{self.folder / 'db.sqlite3'}",
            "SEARCH_PATH": str(self.folder / "whoosh"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "POSTING_LIMITS": "false",
            "RATE_LIMITS": "false",
            # The API's pages are timed as a visitor too, far more often than an address may.
            "API_ANONYMOUS_REQUESTS_PER_MINUTE": str(10**9),
            "EMAIL_URL": "memory://",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        self.servers: list[subprocess.Popen] = []
        self.urls: list[str] = []

    def manage(self, *args, check=True, capture=True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            check=check,
            text=True,
            capture_output=capture,
        )

    def python(self, module: str, *args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "-m", module, *args], env=self.env, cwd=ROOT, check=True, text=True, capture_output=True
        )

    def start_server(self, timeout: float = 30) -> str:
        """Start one more daphne process on a loopback port; returns its address."""
        server, url = start_daphne("config.asgi:application", self.env, timeout=timeout)
        self.servers.append(server)
        self.urls.append(url)
        return url

    @property
    def url(self) -> str:
        return self.urls[0]

    def server_memory(self) -> tuple[float, float]:
        """(current, peak) resident memory of the largest server process in MB."""
        if not self.servers:
            return 0.0, 0.0
        return (
            max(rss_mb(server.pid, "VmRSS") for server in self.servers),
            max(rss_mb(server.pid, "VmHWM") for server in self.servers),
        )

    def stop_server(self):
        """Stop every daphne process this site started."""
        stop_daphne(*self.servers)
        self.servers, self.urls = [], []

    def close(self):
        self.stop_server()
        if not self.keep:
            shutil.rmtree(self.folder, ignore_errors=True)
