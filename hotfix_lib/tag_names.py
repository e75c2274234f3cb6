"""Names and messages of the tags that keep production recoverable. Pure: no git."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence

from hotfix_lib import redact


def stamp(when: datetime.datetime | None = None) -> str:
    """The `{time}` of a tag name: UTC, second precision, sortable, valid in a ref name."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    return when.astimezone(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")


def candidates(base: str, limit: int = 100) -> Iterator[str]:
    """`base`, then `base-2`, `base-3`, ...: two tags taken in the same second never share a name."""
    yield base
    for n in range(2, limit + 1):
        yield f"{base}-{n}"


def glob_of(template: str) -> re.Pattern[str]:
    """Every name the template produces, with or without a collision suffix."""
    parts = re.split(r"{\w*}", template)
    return re.compile(r".+?".join(re.escape(p) for p in parts) + r"(?:-[0-9]+)?")


def sort_key(name: str) -> tuple[str, int]:
    """Orders `x-2` after `x` and `x-10` after `x-9` (tags of one second, taken in that order)."""
    match = re.fullmatch(r"(.*?)-([0-9]{1,4})", name)
    if match and re.search(r"[0-9]{8}-[0-9]{6}$", match.group(1)):
        return match.group(1), int(match.group(2))
    return name, 1


def backup_message(
    branch: str, remote: str, url: str, old: str, new: str, incidents: Sequence[str], pusher: str
) -> str:
    return (
        f"Backup of {branch} before a push\n\n"
        f"Remote: {redact.url(remote)}\n"
        f"URL: {redact.url(url)}\n"
        f"Old: {old}\n"
        f"New: {new}\n"
        f"Incidents: {', '.join(incidents) if incidents else 'none'}\n"
        f"Pusher: {pusher}\n"
    )
