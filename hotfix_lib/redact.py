"""Credentials never leave the process: URLs are shown and stored without user, password or token."""

from __future__ import annotations

import re
import urllib.parse

# query parameters that carry secrets in the wild (GitLab, GitHub, signed URLs, ...)
_SECRET_PARAMS = re.compile(r"(token|secret|password|passwd|pwd|key|signature|sig|auth|credential)", re.I)


def url(text: str) -> str:
    """`https://user:tok@host/x.git?access_token=t` -> `https://host/x.git?access_token=REDACTED`.

    scp-like (`git@host:x.git`) and local paths are returned unchanged: they carry no secret.
    """
    if "://" not in text:
        return text
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        return re.sub(r"//[^/@]*@", "//", text)
    netloc = parts.netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        query = "&".join(
            f"{k}={'REDACTED' if _SECRET_PARAMS.search(k) else urllib.parse.quote(v, safe='')}" for k, v in pairs
        )
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def text(message: str) -> str:
    """Redact every URL found inside free text (error messages from git, for instance)."""
    return re.sub(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"]+", lambda m: url(m.group(0)), message)
