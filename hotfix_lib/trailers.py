"""Git trailers in commit messages, following git's own trailer-block rules (trailer.c). Pure.

Messages are handled as bytes: a non-UTF-8 or CRLF message comes back byte-for-byte except for the lines
added. Internally bytes are decoded with surrogateescape, which maps every byte sequence to a string and back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# git's find_separator: a token of letters, digits and '-', optional blanks, then ':'
_TRAILER = re.compile(r"^([A-Za-z0-9-]+)[ \t]*:[ \t]?(.*)$")
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
SCISSORS = "------------------------ >8 ------------------------"
# git's choices for core.commentChar=auto, in its order of preference
_AUTO_COMMENT_CHARS = "#;@!$%^&|:"


def _decode(message: bytes) -> str:
    return message.decode("utf-8", "surrogateescape")


def _encode(message: str) -> bytes:
    return message.encode("utf-8", "surrogateescape")


# The openings of git's English editor help texts (commit, merge); git_messages finds translated ones.
_HELP_OPENINGS = ("Please enter the commit message", "Please enter a commit message to explain why this merge")


def resolve_comment(configured: str | None, message: bytes, help_openings: Sequence[str] = ()) -> str | None:
    """The comment string git will strip from this message, or None when it strips none.

    git removes comment lines only when it runs an editor (or is told `--cleanup=strip`); with `-m`/`-F`
    a line starting with `#` is part of the message. An editor session is recognisable by the help text
    git writes with the comment string (`# Please enter the commit message ...`, or its translation given
    in `help_openings`) or the `-v` scissors line. With core.commentChar=auto git picks a character no line
    starts with; the help text shows which.
    """
    text = _decode(message)
    candidates = _AUTO_COMMENT_CHARS if configured == "auto" else (configured or "#",)
    markers = "|".join(re.escape(m) for m in (*_HELP_OPENINGS, *help_openings, SCISSORS))
    for char in candidates:
        if re.search(rf"^{re.escape(char)} ({markers})", text, re.M):
            return char
    return None


def has_comment_lines(configured: str | None, message: bytes) -> bool:
    """Whether any line starts with a (possible) comment string: only then can it be an editor session."""
    candidates = _AUTO_COMMENT_CHARS if configured == "auto" else (configured or "#",)
    return any(line.startswith(tuple(candidates)) for line in _split(_decode(message)))


def _split(text: str) -> list[str]:
    """Lines with their ends, cut at LF only as git does (str.splitlines also cuts at \\f, \\x85, U+2028, ...)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _strip_eol(line: str) -> str:
    return line.rstrip("\r\n")


def _is_comment(line: str, comment: str | None) -> bool:
    return comment is not None and line.startswith(comment)


def _is_blank(line: str) -> bool:
    return not line.strip()


def _content_end(lines: list[str], comment: str | None) -> int:
    """Index just past the message proper: before the scissors line and the trailing run of comments, blank
    lines and an old-style `Conflicts:` block with its tab-indented paths (git's ignore_non_trailer)."""
    scissors = f"{comment} {SCISSORS}"
    cut = len(lines)
    if comment is not None:
        cut = next((i for i, ln in enumerate(lines) if _strip_eol(ln) == scissors), cut)
    tail: int | None = None
    in_conflicts = False
    for i in range(cut):
        line = lines[i]
        if _is_blank(line) or _is_comment(line, comment):
            tail = i if tail is None else tail
        elif _strip_eol(line) == "Conflicts:":
            in_conflicts = True
            tail = i if tail is None else tail
        elif in_conflicts and line.startswith("\t"):
            continue
        else:
            tail = None
            in_conflicts = False
    return cut if tail is None else tail


def _block_range(lines: list[str], end: int, comment: str | None) -> tuple[int, int] | None:
    """(start, end) of the trailer block in lines[:end], or None (git's find_trailer_start).

    The last paragraph is the block when all its lines are trailers, or when it has a git-generated one and
    at least 25 % trailers. An indented line continues the trailer above it; indented lines with no trailer
    above them count as non-trailers. The subject paragraph never counts.
    """
    first_content = next((i for i in range(end) if not _is_blank(lines[i]) and not _is_comment(lines[i], comment)), end)
    title_end = next((i for i in range(first_content, end) if _is_blank(lines[i])), end)
    trailers = others = continuation = 0
    recognized = False
    for i in range(end - 1, title_end - 1, -1):
        line = _strip_eol(lines[i])
        if _is_comment(line, comment):
            others += continuation
            continuation = 0
        elif _is_blank(line):
            others += continuation
            if (recognized and trailers * 3 >= others) or (trailers and not others):
                return i + 1, end
            return None
        elif line.startswith(_GIT_GENERATED):
            trailers += 1
            continuation = 0
            recognized = True
        elif _TRAILER.match(line):
            trailers += 1
            continuation = 0
        elif line[:1].isspace():
            continuation += 1
        else:
            others += 1 + continuation
            continuation = 0
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
    lines = _split(text)
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
    lines = _split(_decode(message))
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
    lines = _split(text)
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


# `git commit --fixup/--squash` subjects: `rebase --autosquash` matches what follows them, so they stay as they are.
_AUTOSQUASH = ("fixup! ", "squash! ", "amend! ")


def ensure_subject_prefix(message: bytes, prefix: str, comment: str | None = None) -> bytes:
    """Prefix the subject (the first content line) with `prefix` unless it already starts with it.

    Left alone as well: autosquash subjects, and a subject carrying the same kind of prefix for another
    incident (`hotfix(INC-1): ` cherry-picked onto INC-2's branch keeps its own).
    """
    lines = _split(_decode(message))
    stem = prefix[: prefix.find("(") + 1] if "(" in prefix else prefix
    for i, line in enumerate(lines):
        if _is_blank(line) or _is_comment(line, comment):
            continue
        if line.startswith((prefix, *_AUTOSQUASH)) or (line.startswith(stem) and "): " in line):
            return message
        lines[i] = prefix + line
        return _encode("".join(lines))
    return message
