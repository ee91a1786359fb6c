"""The benchmark harness at a tiny scale, so that it keeps working. It asserts no speed."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_end_to_end_at_a_tiny_scale(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--scale", "tiny", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "thread page 1: queries" in result.stdout
    figures = json.loads((tmp_path / "latest-tiny.json").read_text())["figures"]
    assert figures["seed"]["posts"] > 0
    assert figures["pages"]["thread page 1"]["member"]["queries"] > 0
    assert figures["pages"]["answer"]["shown"] > 0  # /answer/ for the member with the most expertise
    assert figures["sockets"]["open_after_idle"] == figures["sockets"]["asked"]
    assert figures["notifications"]["received"] == figures["notifications"]["expected"]
    assert figures["throughput"]["trivial_rps"] > 0
    assert figures["reading"]["member home"]["rendered"]["queries"] > 0
    assert figures["reading"]["reading and posting"]["failed"] == []
    # Each page under load answered 200 to the member or visitor it was asked as (a redirect
    # would mean a wrong session or address), beside the bare project's /healthz.
    pages = figures["throughput"]["pages"]
    assert {"thread", "thread_member", "home_member", "category_member", "profile_member", "thread_miss"} <= set(pages)
    assert {"api_thread", "api_thread_member"} <= set(pages)  # the big thread through the JSON API
    assert figures["pages"]["api thread page 1"]["member"]["queries"] > 0
    assert all(page["statuses"].keys() == {"200"} for page in pages.values()), pages
    assert figures["bare"]["rate"] > 0
    assert figures["bare"]["failures"] == 0
    assert figures["replies"]["posts"] > 0
    assert figures["answering"]["round 1"]["queries"] > 0  # choosing whom to invite to answer
    assert "members replying at once" in result.stdout
    # Two daphne processes on Redis, when a Redis answers (the row says "skipped" otherwise).
    if "notifications_redis" in figures:
        redis = figures["notifications_redis"]
        assert redis["processes"] == 2
        assert redis["received"] == redis["expected"] > 0
    else:
        assert "skipped: no Redis" in result.stdout
    # Sockets on one daphne with Redis: Redis connections do not grow with the sockets.
    if "redis_sockets" in figures:
        held = figures["redis_sockets"]
        assert held["held"] == held["asked"] > 1
        assert held["redis_connections"] <= 4
        assert held["fds"] - held["fds_before"] >= held["held"] - 1
    else:
        assert "sockets held by one daphne with Redis" in result.stdout
