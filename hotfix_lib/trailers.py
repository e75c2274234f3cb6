"""Git trailers in commit messages, following git's own trailer-block rules (trailer.c). Pure.

Messages are handled as bytes: a non-UTF-8 or CRLF message comes back byte-for-byte except for the lines
added. Internally bytes are decoded with surrogateescape, which maps every byte sequence to a string and back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]?(.*)$")
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
SCISSORS = "------------------------ >8 ------------------------"
# git's choices for core.commentChar=auto, in its order of preference
_AUTO_COMMENT_CHARS = "#;@!$%^&|:"


def _decode(message: bytes) -> str:
    return message.decode("utf-8", "surrogateescape")


def _encode(message: str) -> bytes:
    return message.encode("utf-8", "surrogateescape")


def resolve_comment(configured: str | None, message: bytes) -> str | None:
    """The comment string git will strip from this message, or None when it strips none.

    git removes comment lines only when it runs an editor (or is told `--cleanup=strip`); with `-m`/`-F`
    a line starting with `#` is part of the message. An editor session is recognisable by the help text
    git writes with the comment string (`# Please enter the commit message ...`) or the `-v` scissors line.
    With core.commentChar=auto git picks a character no line starts with; the help text shows which.
    """
    text = _decode(message)
    candidates = _AUTO_COMMENT_CHARS if configured == "auto" else (configured or "#",)
    for char in candidates:
        if re.search(rf"^{re.escape(char)} (Please enter the commit message|{re.escape(SCISSORS)})", text, re.M):
            return char
    return None


def _strip_eol(line: str) -> str:
    return line.rstrip("\r\n")


def _is_comment(line: str, comment: str | None) -> bool:
    return comment is not None and line.startswith(comment)


def _is_blank(line: str) -> bool:
    return not line.strip()


def _content_end(lines: list[str], comment: str | None) -> int:
    """Index just past the message proper: before the scissors line and trailing comments/blank lines."""
    scissors = f"{comment} {SCISSORS}"
    cut = len(lines)
    if comment is not None:
        cut = next((i for i, ln in enumerate(lines) if _strip_eol(ln) == scissors), cut)
    end = cut
    while end > 0 and (_is_blank(lines[end - 1]) or _is_comment(lines[end - 1], comment)):
        end -= 1
    return end


def _block_range(lines: list[str], end: int, comment: str | None) -> tuple[int, int] | None:
    """(start, end) of the trailer block in lines[:end], or None; the subject paragraph never counts."""
    start = end
    while start > 0 and not _is_blank(lines[start - 1]):
        start -= 1
    first_content = next((i for i in range(end) if not _is_blank(lines[i]) and not _is_comment(lines[i], comment)), end)
    if start <= first_content:
        return None
    para = [_strip_eol(ln) for ln in lines[start:end] if not _is_comment(ln, comment)]
    trailers = sum(1 for ln in para if _TRAILER.match(ln) or ln.startswith(_GIT_GENERATED[1]))
    continuation = sum(1 for ln in para if ln[:1] in (" ", "\t"))
    others = len(para) - trailers - continuation
    if trailers and others == 0:
        return start, end
    generated = any(ln.startswith(_GIT_GENERATED) for ln in para)
    if generated and trailers * 3 >= others:
        return start, end
    return None


def _pairs(lines: Sequence[str], comment: str | None) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for raw in lines:
        line = _strip_eol(raw)
        if _is_comment(line, comment):
            continue
        match = _TRAILER.match(line)
        if match:
            pairs.append((match.group(1), match.group(2).strip()))
        elif line[:1] in (" ", "\t") and pairs:
            key, value = pairs[-1]
            pairs[-1] = (key, f"{value} {line.strip()}")
    return pairs


def parse(message: str | bytes, comment: str | None = None) -> list[tuple[str, str]]:
    """(key, value) pairs of the message's trailer block, in order, repeated keys kept."""
    text = _decode(message) if isinstance(message, bytes) else message
    lines = text.splitlines(keepends=True)
    end = _content_end(lines, comment)
    block = _block_range(lines, end, comment)
    return _pairs(lines[block[0]:block[1]], comment) if block else []


def incident_ids(message: str | bytes, comment: str | None = None) -> list[str]:
    """The values of every `Incident:` trailer, in order, without duplicates."""
    seen: list[str] = []
    for key, value in parse(message, comment):
        if key.lower() == "incident" and value and value not in seen:
            seen.append(value)
    return seen


def has_content(message: bytes, comment: str | None = None) -> bool:
    """Whether the message has any line that is neither blank nor a comment (above the scissors).

    An empty message must stay empty so that git still aborts the commit.
    """
    lines = _decode(message).splitlines(keepends=True)
    return _content_end(lines, comment) > 0


def _wanted(existing: list[tuple[str, str]], new: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The new trailers not already there. A key already present is the user's (or an earlier run's) and is
    left alone; `Incident` is the exception, as one commit can belong to several incidents."""
    have_keys = {k.lower() for k, _ in existing}
    have_pairs = {(k.lower(), v) for k, v in existing}
    wanted = []
    for key, value in new:
        if (key.lower(), value) in have_pairs:
            continue
        if key.lower() in have_keys and key.lower() != "incident":
            continue
        wanted.append((key, value))
        have_pairs.add((key.lower(), value))
    return wanted


def add(message: bytes, new: Sequence[tuple[str, str]], comment: str | None = None) -> bytes:
    """The message with the `new` trailers merged into its trailer block (or a new block).

    Idempotent, never reorders or duplicates, leaves everything else byte-for-byte. An empty message is
    returned unchanged.
    """
    text = _decode(message)
    lines = text.splitlines(keepends=True)
    end = _content_end(lines, comment)
    if end == 0:
        return message
    block = _block_range(lines, end, comment)
    existing = _pairs(lines[block[0]:block[1]], comment) if block else []
    wanted = _wanted(existing, new)
    if not wanted:
        return message
    eol = "\r\n" if any(ln.endswith("\r\n") for ln in lines) else "\n"
    added = [f"{k}: {v}{eol}" for k, v in wanted]
    if block:
        # after the last real trailer line of the block (comments inside it stay after, as git does)
        at = block[1]
        while at > block[0] and _is_comment(lines[at - 1], comment):
            at -= 1
        head = lines[:at]
        if not head[-1].endswith("\n"):
            head[-1] += eol
        return _encode("".join([*head, *added, *lines[at:]]))
    head = lines[:end]
    if not head[-1].endswith("\n"):
        head[-1] += eol
    return _encode("".join([*head, eol, *added, *lines[end:]]))


def ensure_subject_prefix(message: bytes, prefix: str, comment: str | None = None) -> bytes:
    """Prefix the subject (the first content line) with `prefix` unless it already starts with it."""
    lines = _decode(message).splitlines(keepends=True)
    for i, line in enumerate(lines):
        if _is_blank(line) or _is_comment(line, comment):
            continue
        if line.startswith(prefix):
            return message
        lines[i] = prefix + line
        return _encode("".join(lines))
    return message
