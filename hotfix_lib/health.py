"""One HTTP health check: a single GET, no retries, no redirects followed, every failure with a reason.

Only the standard library (urllib). Credentials in a URL are sent as HTTP basic auth and never shown:
everything this module returns carries the redacted URL.
"""

from __future__ import annotations

import base64
import dataclasses
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

from hotfix_lib import redact
from hotfix_lib.errors import HotfixError

USER_AGENT = "hotfix-hooks-watch"


@dataclasses.dataclass(frozen=True)
class Check:
    url: str  # redacted
    round: int
    status: int | None
    latency_ms: int | None
    ok: bool
    reason: str

    def data(self) -> dict[str, object]:
        """The `watch` timeline event (and one `--json` line)."""
        return dataclasses.asdict(self)

    def line(self, rounds: int) -> str:
        latency = f"{self.latency_ms} ms" if self.latency_ms is not None else "-"
        verdict = "ok" if self.ok else "FAILED"
        return f"round {self.round}/{rounds}  {self.url}  {verdict}  {self.reason}  {latency}"


def validate(url: str) -> None:
    """Refuse what is not an http(s) URL up front (a file:// or typo must not count as a check)."""
    try:
        parts = urllib.parse.urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:  # a port that is not a number, or out of range
        usable = False
    if not usable:
        raise HotfixError(f"health URL {redact.url(url)!r} is not an http:// or https:// URL with a host",
                          "pass --url https://host/health (or fix health_urls in .hotfix-hooks.yaml)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is reported, not followed: a health URL that moved is a misconfiguration to see."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def probe(url: str, round_no: int, timeout: float) -> Check:
    shown = redact.url(url)
    req = request(url)
    opener = urllib.request.build_opener(_NoRedirect())
    started = time.monotonic()

    def failed(reason: str, status: int | None = None, timed: bool = False) -> Check:
        latency = _ms(started) if timed else None
        return Check(shown, round_no, status, latency, False, redact.text(reason))

    try:
        with opener.open(req, timeout=timeout) as response:
            status = response.status
            reason = f"HTTP {status} {response.reason}".rstrip()
    except urllib.error.HTTPError as e:
        with e:
            extra = f" to {redact.url(e.headers.get('Location', '?'))}" if 300 <= e.code < 400 else ""
            return failed(f"HTTP {e.code} {e.reason}{extra}".rstrip(), e.code, timed=True)
    except urllib.error.URLError as e:
        return failed(_reason(e.reason, timeout))
    except (OSError, http.client.HTTPException) as e:
        return failed(_reason(e, timeout))
    if not 200 <= status < 300:
        return failed(reason, status, timed=True)
    return Check(shown, round_no, status, _ms(started), True, reason)


def request(url: str, method: str = "GET", body: bytes | None = None,
            content_type: str | None = None) -> urllib.request.Request:
    """A request whose URL carries no credentials: user:password@ becomes a basic-auth header."""
    parts = urllib.parse.urlsplit(url)
    headers = {"User-Agent": USER_AGENT}
    if content_type:
        headers["Content-Type"] = content_type
    if parts.username is not None or parts.password is not None:
        user = urllib.parse.unquote(parts.username or "")
        password = urllib.parse.unquote(parts.password or "")
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        parts = parts._replace(netloc=parts.netloc.rpartition("@")[2])
    return urllib.request.Request(urllib.parse.urlunsplit(parts), data=body, headers=headers, method=method)


def _reason(error: object, timeout: float) -> str:
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g}s (timeout)"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS error: certificate verify failed: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {str(error.reason or error).lower().replace('_', ' ')}"
    if isinstance(error, socket.gaierror):
        return f"cannot resolve the host ({error.strerror})"
    if isinstance(error, OSError) and error.strerror:
        return f"connection failed: {error.strerror}"
    if isinstance(error, http.client.HTTPException):
        return f"bad HTTP answer: {type(error).__name__}"
    return f"connection failed: {error}"


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
