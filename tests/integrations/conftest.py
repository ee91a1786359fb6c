"""A real HTTP endpoint in a thread (http.server) that checks each delivery's signature with the
README's own example, and answers as a test asks: a status, or no answer in time."""

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.servers import ROOT, free_port

# Short enough to keep the time-out tests fast, long enough for a loaded machine's loopback.
TIMEOUT_MS = 250


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    signed: bool

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    text: str = "ok"
    delay: float = 0.0  # seconds before answering


@dataclass
class Receiver:
    """The endpoint: answers from `answers` in turn (then 200), records what came, signed or not."""

    port: int
    secrets: dict = field(default_factory=dict)  # path -> the webhook's secret
    answers: list = field(default_factory=list)
    received: list = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                secret = receiver.secrets.get(self.path, "")
                signed = verify(secret, self.headers.get("Agora-Signature", ""), body)
                receiver.received.append(Received(self.path, dict(self.headers), body, signed))
                answer = receiver.answers.pop(0) if receiver.answers else Answer()
                if not signed:
                    answer = Answer(401, "bad signature")
                time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.end_headers()
                    self.wfile.write(answer.text.encode())
                except OSError:
                    pass  # the worker gave up waiting: that is the test

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def reset(self):
        self.secrets.clear()
        self.answers.clear()
        self.received.clear()

    def events(self, path=None) -> list[str]:
        return [r.payload["event"] for r in self.received if path is None or r.path == path]


def readme_verifier():
    """The README's `verify`, as a receiver copies it: the endpoint checks signatures with it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [code] = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "def verify(" in block]
    namespace = {}
    exec(code, namespace)  # noqa: S102 (our own README's example)
    return namespace["verify"]


verify = readme_verifier()


@pytest.fixture(scope="module")
def _server():
    receiver = Receiver(free_port()).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def receiver(_server):
    _server.reset()
    yield _server
    _server.reset()


@pytest.fixture(autouse=True)
def _fast_webhooks(settings):
    settings.WEBHOOK_TIMEOUT_MS = TIMEOUT_MS
    settings.WEBHOOK_RETRY_SECONDS = 60
    settings.WEBHOOK_MAX_ATTEMPTS = 5


@pytest.fixture
def make_webhook(admin_member, receiver):
    """A webhook made as an admin makes it (integrations.services), pointed at the receiver,
    which learns its secret."""
    from integrations import services
    from integrations.models import STAFF_EVENTS, SUBSCRIBABLE, Webhook

    every = [value for value, _label in SUBSCRIBABLE]

    def make(name="desk", *, events=None, staff_level=False, url=None, active=True):
        """`events` None: every event the webhook's level may take."""
        if events is None:
            events = [event for event in every if staff_level or event not in STAFF_EVENTS]
        webhook = Webhook(
            name=name, url=url or f"{receiver.url}/{name}", events=events, staff_level=staff_level, is_active=active
        )
        services.save_webhook(webhook=webhook, by=admin_member)
        receiver.secrets[f"/{name}"] = webhook.secret
        return webhook

    return make
