"""Incident IDs, description slugs and hotfix branch names. Pure: strings in, strings out."""

from __future__ import annotations

import re
import unicodedata

from hotfix_lib.errors import HotfixError

MAX_SLUG = 48
MAX_ID = 64
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"


def slugify(text: str, max_len: int = MAX_SLUG) -> str:
    """Lower-case ASCII words joined by `-`, accents folded, at most `max_len` characters cut at a word boundary.

    May return "" (a description of only punctuation or emoji); callers fall back to the ID alone.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", folded)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_len:
            if not slug:  # a single over-long word: cutting it is the only way to keep something
                slug = word[:max_len]
            break
        slug = candidate
    return slug


def validate_incident_id(incident_id: str, pattern: str) -> None:
    if not incident_id:
        raise HotfixError("the incident ID is empty", "pass one such as INC-123")
    if len(incident_id) > MAX_ID or re.fullmatch(pattern, incident_id) is None:
        shown = incident_id if len(incident_id) <= 40 else incident_id[:40] + "..."
        raise HotfixError(
            f"invalid incident ID {shown!r}: it must match {pattern!r} (e.g. INC-123)",
            "pass an ID such as INC-123, or set incident_pattern in .hotfix-hooks.yaml",
        )
    # The ID becomes part of a branch and a ref name; a custom pattern must not let unsafe characters in.
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", incident_id) is None or ".." in incident_id:
        raise HotfixError(
            f"invalid incident ID {incident_id!r}: only letters, digits, '.', '_' and '-' can be used in a branch name"
        )


def branch_name(incident_id: str, description: str, prefix: str = "hotfix/") -> str:
    slug = slugify(description)
    return f"{prefix}{incident_id}-{slug}" if slug else f"{prefix}{incident_id}"


def _well_formed(prefix: str, pattern: str) -> re.Pattern[str]:
    return re.compile(f"{re.escape(prefix)}(?P<id>(?:{pattern}))(?:-{_SLUG})?")


def incident_of_branch(branch: str, prefix: str, pattern: str) -> str | None:
    """The incident ID of a correctly named hotfix branch, else None."""
    if not branch.startswith(prefix):
        return None
    match = _well_formed(prefix, pattern).fullmatch(branch)
    return match.group("id") if match else None


def looks_like_hotfix(branch: str, prefix: str) -> bool:
    """A branch someone meant as a hotfix branch: its first component starts with the prefix word."""
    word = prefix.rstrip("/").lower()
    return branch.lower().startswith(word)


def misnamed_error(branch: str, prefix: str, pattern: str) -> HotfixError | None:
    """The refusal for a branch that looks like a hotfix branch but is not named `<prefix><ID>[-<slug>]`."""
    if not looks_like_hotfix(branch, prefix) or incident_of_branch(branch, prefix, pattern):
        return None
    suggestion = suggest_name(branch, prefix, pattern)
    if suggestion:
        fix = f"git branch -m {branch} {suggestion}"
        expected = suggestion
    else:
        example = f"{prefix}INC-123-short-description"
        fix = f"git branch -m {branch} {prefix}<INCIDENT-ID>-<slug> (e.g. {example}), or hotfix-hooks start"
        expected = f"{prefix}<INCIDENT-ID>-<slug>"
    return HotfixError(f"branch '{branch}' looks like a hotfix branch but is misnamed; expected {expected}", fix)


def suggest_name(branch: str, prefix: str, pattern: str) -> str | None:
    """Best guess at the intended name: the first token matching the ID pattern (case-folded) plus the rest."""
    word = prefix.rstrip("/")
    rest = branch[len(word):] if branch.lower().startswith(word.lower()) else branch
    rest = re.sub(r"^[a-z]*[/_-]+", "", rest, flags=re.IGNORECASE) if rest[:1].isalpha() else rest.lstrip("/-_")
    for candidate in (rest, rest.upper()):
        match = re.match(f"(?:{pattern})", candidate)
        if match and match.group(0):
            incident_id = match.group(0)
            if candidate is not rest:
                incident_id = rest[: len(incident_id)].upper()
            slug = slugify(rest[len(incident_id):])
            name = f"{prefix}{incident_id}-{slug}" if slug else f"{prefix}{incident_id}"
            return name if incident_of_branch(name, prefix, pattern) else None
    return None
