"""The reply burst counts a reply as posted only when the form answers as it does on success.

A small standard-library server plays the reply form: its page carries a CSRF cookie and
token; a post answers with whatever the thread's path asks for (a redirect to the new post,
a redirect elsewhere, a server error), so the counts are known.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from bench.replies import reply_burst

FORM = b'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="masked-token"></form>'


class ReplyForm(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as daphne answers
    posted = 0

    def do_GET(self):
        if "sessionid=good" not in self.headers.get("Cookie", ""):
            return self.answer(403, b"no")
        self.answer(200, FORM, ("Set-Cookie", "csrftoken=secret; Path=/"))

    def do_POST(self):
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        if form.get("csrfmiddlewaretoken") != ["masked-token"] or "csrftoken=secret" not in self.headers["Cookie"]:
            return self.answer(403, b"csrf")
        outcome = self.path.split("/")[2]
        if outcome == "posts":
            ReplyForm.posted += 1
            return self.answer(302, b"", ("Location", f"/p/{ReplyForm.posted}/"))
        if outcome == "login":
            return self.answer(302, b"", ("Location", "/accounts/login/?next=/"))
        self.answer(500, b"database is locked")

    def answer(self, status, body, *headers):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ReplyForm)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_redirect_to_the_new_post_is_a_posted_reply(server):
    burst = reply_burst(server, "/t/posts/1/", ["good", "good", "good"], seconds=0.5)

    assert burst["members"] == 3
    assert burst["posts"] > 0 and burst["failures"] == 0
    assert burst["statuses"] == {"302": burst["posts"]}
    assert burst["posts_per_s"] > 0 and 0 < burst["p50_ms"] <= burst["p95_ms"]


@pytest.mark.parametrize(("thread", "status"), [("/t/login/1/", "302 elsewhere"), ("/t/broken/1/", "500")])
def test_any_other_answer_is_a_failure_counted_by_status(server, thread, status):
    burst = reply_burst(server, thread, ["good", "good"], seconds=0.3)

    assert burst["posts"] == 0 and burst["posts_per_s"] == 0
    assert burst["failures"] > 0
    assert burst["statuses"] == {status: burst["failures"]}
    assert burst["p50_ms"] is None


def test_a_session_that_cannot_open_the_reply_form_stops_the_burst_before_it_starts(server):
    with pytest.raises(RuntimeError, match="no reply form"):
        reply_burst(server, "/t/posts/1/", ["good", "expired"], seconds=0.3)
