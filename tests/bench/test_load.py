"""The HTTP load counts only 2xx answers as successes, with wrk and with its asyncio fallback.

A small standard-library server answers each path with a fixed status, so the counts are known.
"""

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load
from bench.env import free_port

STATUSES = {"/ok": 200, "/moved": 302, "/missing": 404, "/broken": 500}


class Answers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as daphne answers

    def do_GET(self):
        status = STATUSES[self.path.split("?")[0]]
        body = b"ok" if status == 200 else b"no"
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


CLIENTS = [
    pytest.param(load.python_client, id="asyncio client"),
    pytest.param(load.wrk, id="wrk", marks=pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")),
]


@pytest.mark.parametrize("client", CLIENTS)
def test_only_2xx_answers_are_successes(server, client):
    measured = client(f"{server}/ok", connections=2, seconds=1)
    assert measured.rate > 0
    assert measured.statuses.keys() == {"200"}
    assert measured.failures == 0


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("path", ["/moved", "/missing", "/broken"])
def test_a_redirect_or_an_error_is_a_failure(server, client, path):
    measured = client(f"{server}{path}", connections=2, seconds=1)
    answered = sum(measured.statuses.values())
    assert answered > 0
    assert measured.statuses == {str(STATUSES[path]): answered}
    assert measured.failures >= answered


def test_a_refused_connection_is_a_failure():
    closed = load.python_client(f"http://127.0.0.1:{free_port()}/ok", connections=1, seconds=1)  # nobody listens
    assert closed.rate == 0
    assert closed.failures > 0
