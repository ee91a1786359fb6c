"""A redis-server of the test's own, on a free loopback port, that the test can stop and start again.

No data is kept (`--save "" --appendonly no`): a restart is an empty server on the same
port, as after a crash. Skips locally, and fails in CI, when redis-server is not installed.
"""

import shutil
import subprocess
import time

import redis

from tests.conftest import require_service
from tests.servers import free_port

START_TIMEOUT = 10


class RedisServer:
    def __init__(self):
        binary = shutil.which("redis-server")
        require_service("redis-server", binary is not None, "apt-get install redis-server")
        self.binary = binary
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [*command, "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + START_TIMEOUT
        try:
            while time.monotonic() < deadline:
                try:
                    if client.ping():
                        return self
                except redis.ConnectionError:
                    time.sleep(0.05)
        finally:
            client.close()
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port} within {START_TIMEOUT}s")

    def stop(self):
        """Stop it (as a crash would: no goodbye to the clients) and wait until it is gone."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None
