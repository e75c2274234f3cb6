"""Git trailers in commit messages, following git's own trailer-block rules. Pure."""

from __future__ import annotations

import re

_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s?(.*)$")
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")


def _block(lines: list[str], comment: str = "#") -> list[str]:
    """The lines of the last paragraph when git would treat it as the trailer block, else []."""
    body = [ln for ln in lines if not ln.startswith(comment)]
    while body and not body[-1].strip():
        body.pop()
    start = len(body)
    while start > 0 and body[start - 1].strip():
        start -= 1
    if start == 0:  # the subject paragraph is never a trailer block
        return []
    para = body[start:]
    trailer_like = [ln for ln in para if _TRAILER.match(ln) or ln.startswith("(cherry picked from commit ")]
    continuation = [ln for ln in para if ln[:1] in (" ", "\t")]
    if len(trailer_like) + len(continuation) == len(para):
        return para
    generated = any(ln.startswith(_GIT_GENERATED) for ln in para)
    if generated and len(trailer_like) * 4 >= len(para):
        return para
    return []


def parse(message: str, comment: str = "#") -> list[tuple[str, str]]:
    """(key, value) pairs of the message's trailer block, in order, repeated keys kept."""
    pairs: list[tuple[str, str]] = []
    for line in _block(message.split("\n"), comment):
        match = _TRAILER.match(line)
        if match:
            pairs.append((match.group(1), match.group(2).strip()))
        elif line[:1] in (" ", "\t") and pairs:
            key, value = pairs[-1]
            pairs[-1] = (key, f"{value} {line.strip()}")
    return pairs


def incident_ids(message: str) -> list[str]:
    """The values of every `Incident:` trailer, in order, without duplicates."""
    seen: list[str] = []
    for key, value in parse(message):
        if key.lower() == "incident" and value and value not in seen:
            seen.append(value)
    return seen
