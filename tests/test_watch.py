"""`hotfix-hooks watch` against a real HTTP server on 127.0.0.1 that answers 200, answers 500, or hangs;
and a port where nothing listens."""

from __future__ import annotations

import base64
import json
import os
import pty
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pygit2
import pytest

from hotfix_lib import incident_store
from hotfix_lib.incident import Incident
from tests.gitutil import git, hotfix_hooks

ROLLBACK = "To fix: hotfix-hooks rollback --dry-run, then hotfix-hooks rollback --yes"


class Health:
    def __init__(self) -> None:
        self.hanging = threading.Event()  # set once a request to /hang is being held
        self.release = threading.Event()
        self.authorization: list[str] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        health = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                health.authorization.append(self.headers.get("Authorization", ""))
                if self.path.startswith("/hang"):
                    health.hanging.set()
                    health.release.wait(60)
                code = 500 if self.path.startswith("/fail") else 302 if self.path.startswith("/moved") else 200
                try:
                    self.send_response(code)
                    if code == 302:
                        self.send_header("Location", "https://admin:pw@login.example/sso?token=abc")
                    self.end_headers()
                    self.wfile.write(b"status\n")
                except OSError:
                    pass  # the client gave up on /hang long ago

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib honours proxy variables; the local server must be reached directly."""
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def health() -> Iterator[Health]:
    server = Health()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def refused() -> str:
    """A port nobody listens on: bound to learn a free number, then closed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/health"


def declare(work: Path, incident_id: str, branch: str) -> None:
    incident_store.create(pygit2.Repository(str(work)), Incident(
        id=incident_id, severity=2, commander="Dana", description="checkout errors", ticket=None,
        base="production", branch=branch, started_at="2026-01-01T00:00:00Z",
    ))


def timeline(work: Path, incident_id: str) -> list[dict[str, object]]:
    record = incident_store.load(pygit2.Repository(str(work)), incident_id)
    assert record is not None
    assert all(e.kind == "watch" for e in record.events)
    return [dict(e.data) for e in record.events]


def without_latency(events: list[dict[str, object]]) -> list[dict[str, object]]:
    for e in events:
        assert e["latency_ms"] is None or isinstance(e["latency_ms"], int)
    return [{k: v for k, v in e.items() if k != "latency_ms"} for e in events]


def test_every_round_passes_on_the_incident_branch(repo: Path, health: Health) -> None:
    git(repo, "switch", "-q", "-c", "hotfix/INC-7-checkout")
    declare(repo, "INC-7", "hotfix/INC-7-checkout")
    declare(repo, "INC-8", "hotfix/INC-8-other")
    result = hotfix_hooks(repo, "watch", "--url", health.url("/ok"), "--checks", "3", "--interval", "0")
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    for n, line in enumerate(lines[:3], start=1):
        assert re.fullmatch(rf"round {n}/3  {health.url('/ok')}  ok  HTTP 200 OK  [0-9]+ ms", line), line
    assert lines[3:] == ["All 3 health checks passed (3 round(s), 1 URL(s)); recorded on the timeline of INC-7."]
    assert without_latency(timeline(repo, "INC-7")) == [
        {"url": health.url("/ok"), "round": n, "status": 200, "ok": True, "reason": "HTTP 200 OK"} for n in (1, 2, 3)
    ]
    assert all(isinstance(e["latency_ms"], int) for e in timeline(repo, "INC-7"))
    assert timeline(repo, "INC-8") == []


def test_500_timeout_and_refused_fail_with_reasons_and_name_the_rollback(
    repo: Path, health: Health, refused: str
) -> None:
    declare(repo, "INC-7", "hotfix/INC-7-checkout")  # the only active incident: recorded there from `main` too
    urls = [health.url("/ok"), health.url("/fail"), health.url("/hang"), refused]
    args = [a for url in urls for a in ("--url", url)]
    result = hotfix_hooks(repo, "watch", *args, "--checks", "2", "--interval", "0", "--timeout", "0.5")
    assert result.returncode == 1
    assert result.stderr == (
        f"hotfix-hooks: 6 of 8 health checks failed (first: round 1 {health.url('/fail')}: HTTP 500 Internal "
        f"Server Error); recorded on the timeline of INC-7. {ROLLBACK}\n"
    )
    per_round: list[dict[str, object]] = [
        {"url": health.url("/ok"), "status": 200, "ok": True, "reason": "HTTP 200 OK"},
        {"url": health.url("/fail"), "status": 500, "ok": False, "reason": "HTTP 500 Internal Server Error"},
        {"url": health.url("/hang"), "status": None, "ok": False, "reason": "no answer within 0.5s (timeout)"},
        {"url": refused, "status": None, "ok": False, "reason": "connection refused"},
    ]
    events = timeline(repo, "INC-7")
    assert without_latency(events) == [{**e, "round": n} for n in (1, 2) for e in per_round]
    assert [e["latency_ms"] is None for e in events[:4]] == [False, False, True, True]
    assert [line.split("  ")[2] for line in result.stdout.splitlines()] == ["ok", "FAILED", "FAILED", "FAILED"] * 2


def test_a_tls_error_is_a_failure(repo: Path, health: Health) -> None:
    https = health.url("/ok").replace("http://", "https://")
    result = hotfix_hooks(repo, "watch", "--url", https, "--checks", "1", "--interval", "0", "--timeout", "5")
    assert result.returncode == 1
    assert re.fullmatch(rf"round 1/1  {https}  FAILED  TLS error: [a-z ]+  -\n", result.stdout), result.stdout
    assert result.stderr.startswith(f"hotfix-hooks: 1 of 1 health checks failed (first: round 1 {https}: TLS error")


def test_credentials_are_sent_but_never_shown_or_stored(repo: Path, health: Health) -> None:
    declare(repo, "INC-7", "main")
    secret_url = health.url("/fail?token=t0ken-value&region=eu").replace("//", "//deploy:s3cret@")
    result = hotfix_hooks(repo, "watch", "--url", secret_url, "--checks", "1", "--interval", "0")
    assert result.returncode == 1
    assert health.authorization == ["Basic " + base64.b64encode(b"deploy:s3cret").decode()]
    shown = health.url("/fail?token=REDACTED&region=eu")
    assert result.stdout.startswith(f"round 1/1  {shown}  FAILED  HTTP 500 Internal Server Error  ")
    assert shown in result.stderr
    assert timeline(repo, "INC-7")[0]["url"] == shown
    record = git(repo, "log", "-p", incident_store.ref_name("INC-7")).stdout
    for leak in ("s3cret", "t0ken-value", "deploy:"):
        assert leak not in result.stdout + result.stderr + record


def test_a_redirect_is_reported_not_followed(repo: Path, health: Health) -> None:
    result = hotfix_hooks(repo, "watch", "--url", health.url("/moved"), "--checks", "1", "--interval", "0")
    assert result.returncode == 1
    assert result.stdout.startswith(
        f"round 1/1  {health.url('/moved')}  FAILED  HTTP 302 Found to https://login.example/sso?token=REDACTED  "
    )
    assert len(health.authorization) == 1  # the login page was never asked


def test_json_lines_are_the_timeline_events(repo: Path, health: Health) -> None:
    declare(repo, "INC-7", "main")
    result = hotfix_hooks(repo, "watch", "--url", health.url("/ok"), "--checks", "2", "--interval", "0", "--json")
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == timeline(repo, "INC-7")
    assert all(line == json.dumps(json.loads(line), sort_keys=True) for line in lines)


def test_ctrl_c_stops_cleanly_and_records_how_far_it_got(repo: Path, health: Health) -> None:
    declare(repo, "INC-7", "main")
    proc = subprocess.Popen(
        [sys.executable, "-m", "hotfix_lib", "watch", "--url", health.url("/fail"), "--url", health.url("/hang"),
         "--checks", "3", "--interval", "0", "--timeout", "60"],
        cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert health.hanging.wait(30), "the watch never reached /hang"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err == (
        "hotfix-hooks: watch stopped by Ctrl-C after 0 of 3 rounds; recorded on the timeline of INC-7; 1 check(s) "
        "had failed: to roll back, hotfix-hooks rollback --dry-run, then hotfix-hooks rollback --yes\n"
    )
    assert without_latency(timeline(repo, "INC-7")) == [
        {"url": health.url("/fail"), "round": 1, "status": 500, "ok": False,
         "reason": "HTTP 500 Internal Server Error"},
        {"url": health.url("/hang"), "round": 1, "status": None, "ok": False,
         "reason": "stopped by Ctrl-C after 0 of 3 rounds"},
    ]
    assert out.splitlines()[1] == f"round 1/3  {health.url('/hang')}  FAILED  stopped by Ctrl-C after 0 of 3 rounds  -"


def test_a_terminal_gets_a_live_progress_line(repo: Path, health: Health) -> None:
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hotfix_lib", "watch", "--url", health.url("/ok"), "--checks", "2", "--interval", "0"],
        cwd=repo, stdout=terminal, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert proc.wait(30) == 0
    screen = b"".join(chunks).decode()
    assert f"\r\x1b[Kround 1/2: checking {health.url('/ok')} ...\r\x1b[Kround 1/2  {health.url('/ok')}  ok" in screen
    assert screen.endswith("All 2 health checks passed (2 round(s), 1 URL(s)).\r\n")


def test_health_urls_from_the_config_and_several_active_incidents(repo: Path, health: Health) -> None:
    (repo / ".hotfix-hooks.yaml").write_text(f"health_urls: ['{health.url('/ok')}']\n")
    declare(repo, "INC-7", "hotfix/INC-7-a")
    declare(repo, "INC-8", "hotfix/INC-8-b")
    result = hotfix_hooks(repo, "watch", "--checks", "1", "--interval", "0")
    assert result.returncode == 0
    assert result.stderr == (
        "hotfix-hooks: note: 2 active incidents (INC-7, INC-8); results are not recorded. "
        "Run watch on the incident's branch to record them.\n"
    )
    assert result.stdout.startswith(f"round 1/1  {health.url('/ok')}  ok  ")
    assert (timeline(repo, "INC-7"), timeline(repo, "INC-8")) == ([], [])


def test_nothing_to_watch(repo: Path) -> None:
    result = hotfix_hooks(repo, "watch")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "hotfix-hooks: no health URLs to watch. To fix: pass --url https://host/health, or set health_urls in "
        ".hotfix-hooks.yaml\n"
    )


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "localhost:8080/health", "https:///health", "http://host:port/health", "http://host:0/",
])
def test_only_http_urls_are_checked(repo: Path, url: str) -> None:
    result = hotfix_hooks(repo, "watch", "--url", url)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"hotfix-hooks: health URL {url!r} is not an http:// or https:// URL with a host. "
        "To fix: pass --url https://host/health (or fix health_urls in .hotfix-hooks.yaml)\n"
    )
