"""Members replying at once to one thread, through the reply form, against a running server.

    python -m bench.replies --url http://127.0.0.1:8000 --thread /t/slug/1/ --sessions KEY1,KEY2 --seconds 20

Each member (a session key) first opens the reply page once, for its CSRF cookie and token,
then posts replies back to back on one keep-alive connection until the time is up. A reply
counts as posted only when the server answers as the form does on success: a 302 to the new
post (/p/<id>/). Any other answer, or a broken connection, is a failure and its status is
counted (a "database is locked" would show here as a 500). The redirect is not followed:
the figure is the cost of the write, not of the thread page a browser loads next.

Only the standard library: one thread per member, each with its own http.client connection
(the client's work is a few microseconds per reply; the server's is the figure).
"""

import argparse
import http.client
import json
import re
import statistics
import threading
import time
import urllib.parse

POSTED = re.compile(r"^(https?://[^/]+)?/p/\d+/$")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COOKIE = re.compile(r"csrftoken=([^;]+)")
TIMEOUT = 60

BODY = (
    "Reply {n} from member {member}: I tried this **again** this morning, with the lamp on the "
    "*second* channel.\n\n- the scene starts\n- the colours hold for a while\n- then it drifts\n\n"
    "Does anyone else see that? ({stamp})"
)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else None


class Member:
    """One member's connection, CSRF pair and tallies."""

    def __init__(self, base_url: str, reply_path: str, session: str, index: int):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.reply_path, self.session, self.index = reply_path, session, index
        self.connection = None
        self.cookie = self.token = ""
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.posted = 0

    def _request(self, method, body=None, headers=None):
        """One request on the kept-alive connection (opened again if the server closed it)."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            self.connection.request(method, self.reply_path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response, content

    def prepare(self):
        """The CSRF cookie and the form's token, as a browser gets them from the reply page."""
        response, content = self._request("GET", headers={"Cookie": f"sessionid={self.session}"})
        token = TOKEN.search(content.decode())
        cookie = COOKIE.search(response.getheader("Set-Cookie", ""))
        if response.status != 200 or not token or not cookie:
            raise RuntimeError(f"member {self.index}: no reply form ({response.status}); is the session valid?")
        self.token, self.cookie = token.group(1), cookie.group(1)

    def post(self, n: int):
        form = {"csrfmiddlewaretoken": self.token, "body": BODY.format(n=n, member=self.index, stamp=time.time())}
        headers = {
            "Cookie": f"sessionid={self.session}; csrftoken={self.cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        start = time.perf_counter()
        try:
            response, _content = self._request("POST", urllib.parse.urlencode(form), headers)
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
        else:
            posted = response.status == 302 and POSTED.match(response.getheader("Location", ""))
            status = str(response.status) if posted or response.status != 302 else "302 elsewhere"
            if posted:
                self.posted += 1
                self.latencies.append((time.perf_counter() - start) * 1000)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def run(self, start: threading.Barrier, deadline: list[float]):
        start.wait()
        n = 0
        while time.monotonic() < deadline[0]:
            self.post(n)
            n += 1
        if self.connection is not None:
            self.connection.close()


def reply_burst(base_url: str, thread_url: str, sessions: list[str], *, seconds: float) -> dict:
    """len(sessions) members post replies to the thread at once for `seconds`; their figures.

    Latencies are of successful replies only; failures are counted by status.
    """
    reply_path = thread_url.rstrip("/") + "/reply/"
    members = [Member(base_url, reply_path, session, i) for i, session in enumerate(sessions)]
    for member in members:
        member.prepare()
    deadline = [0.0]
    start = threading.Barrier(len(members) + 1, action=lambda: deadline.__setitem__(0, time.monotonic() + seconds))
    threads = [threading.Thread(target=member.run, args=(start, deadline), daemon=True) for member in members]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies = [ms for member in members for ms in member.latencies]
    statuses: dict[str, int] = {}
    for member in members:
        for status, count in member.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    posted = sum(member.posted for member in members)
    return {
        "members": len(members),
        "seconds": round(elapsed, 1),
        "posts": posted,
        "posts_per_s": round(posted / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "failures": sum(statuses.values()) - posted,
        "statuses": dict(sorted(statuses.items())),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="The server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--thread", required=True, help="The thread's path, e.g. /t/slug/12/")
    parser.add_argument("--sessions", required=True, help="Session keys, comma-separated: one member each")
    parser.add_argument("--seconds", type=float, default=20)
    options = parser.parse_args()
    sessions = [key for key in options.sessions.split(",") if key]
    print(json.dumps(reply_burst(options.url, options.thread, sessions, seconds=options.seconds)))


if __name__ == "__main__":
    main()
