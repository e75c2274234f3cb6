"""Trailer insertion, checked against git's own reading of the result (`git interpret-trailers --parse`)."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotfix_lib import trailers

OURS = [("Incident", "INC-1"), ("Severity", "1 (CRITICAL)"), ("Commander", "Ana")]
OURS_LINES = ["Incident: INC-1", "Severity: 1 (CRITICAL)", "Commander: Ana"]


def git_trailers(message: bytes) -> list[str]:
    proc = subprocess.run(["git", "interpret-trailers", "--parse"], input=message, capture_output=True, check=True)
    return proc.stdout.decode("utf-8", "replace").splitlines()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(b"Fix login\n", b"Fix login\n\nIncident: INC-1\nSeverity: 1 (CRITICAL)\nCommander: Ana\n",
                     id="subject only"),
        pytest.param(b"Fix login\n\nBody text.\n", b"Fix login\n\nBody text.\n\n" + b"\n".join(
            x.encode() for x in OURS_LINES) + b"\n", id="with body"),
        pytest.param(b"Fix\n\nSigned-off-by: A <a@x>\n",
                     b"Fix\n\nSigned-off-by: A <a@x>\nIncident: INC-1\nSeverity: 1 (CRITICAL)\nCommander: Ana\n",
                     id="merged into an existing block"),
        pytest.param(b"Fix", b"Fix\n\nIncident: INC-1\nSeverity: 1 (CRITICAL)\nCommander: Ana\n",
                     id="no final newline"),
        pytest.param(b"Key: looks like a trailer\n",
                     b"Key: looks like a trailer\n\nIncident: INC-1\nSeverity: 1 (CRITICAL)\nCommander: Ana\n",
                     id="the subject is never the trailer block"),
    ],
)
def test_add(message: bytes, expected: bytes) -> None:
    assert trailers.add(message, OURS) == expected
    assert git_trailers(expected)[-3:] == OURS_LINES


def test_comments_and_scissors_stay_below_the_trailers() -> None:
    scissors = b"# ------------------------ >8 ------------------------\n"
    message = (b"Fix login\n\n# Please enter the commit message for your changes.\n#\n" + scissors +
               b"diff --git a/x b/x\nKey: not a trailer\n")
    comment = trailers.resolve_comment(None, message)
    result = trailers.add(message, OURS, comment)
    assert result == (b"Fix login\n\nIncident: INC-1\nSeverity: 1 (CRITICAL)\nCommander: Ana\n\n"
                      b"# Please enter the commit message for your changes.\n#\n" + scissors +
                      b"diff --git a/x b/x\nKey: not a trailer\n")


def test_custom_comment_char_and_auto() -> None:
    message = b"Fix\n\n; Please enter the commit message for your changes.\n"
    assert trailers.resolve_comment(";", message) == ";"
    assert trailers.resolve_comment("auto", message) == ";"
    assert trailers.add(message, [("Incident", "INC-1")], ";") == (
        b"Fix\n\nIncident: INC-1\n\n; Please enter the commit message for your changes.\n")


def test_without_an_editor_hash_lines_are_content() -> None:
    assert trailers.resolve_comment(None, b"#123 fix login\n") is None
    assert trailers.add(b"#123 fix login\n", [("Incident", "INC-1")], None) == b"#123 fix login\n\nIncident: INC-1\n"


def test_an_empty_message_stays_empty_so_git_still_aborts() -> None:
    message = b"\n# Please enter the commit message for your changes.\n"
    assert trailers.add(message, OURS, "#") == message
    assert not trailers.has_content(message, "#")


def test_crlf_and_non_utf8_come_back_byte_for_byte() -> None:
    message = b"Caf\xe9 fix\r\n\r\nCorps \xff\xfe\r\n"
    result = trailers.add(message, [("Incident", "INC-1")])
    assert result == message + b"\r\nIncident: INC-1\r\n"


def test_hand_edited_trailers_are_left_alone_and_a_second_incident_is_added() -> None:
    message = b"Fix\n\nIncident: INC-1\nSeverity: 2 (HIGH)\n"
    assert trailers.add(message, OURS) == b"Fix\n\nIncident: INC-1\nSeverity: 2 (HIGH)\nCommander: Ana\n"
    assert trailers.add(message, [("Incident", "INC-2")]) == message + b"Incident: INC-2\n"


def test_subject_prefix() -> None:
    assert trailers.ensure_subject_prefix(b"Fix\n", "hotfix(INC-1): ") == b"hotfix(INC-1): Fix\n"
    assert trailers.ensure_subject_prefix(b"hotfix(INC-1): Fix\n", "hotfix(INC-1): ") == b"hotfix(INC-1): Fix\n"
    for subject in (b"fixup! Fix\n", b"squash! Fix\n", b"amend! Fix\n", b"hotfix(INC-2): Fix\n"):
        assert trailers.ensure_subject_prefix(subject, "hotfix(INC-1): ") == subject
    assert trailers.ensure_subject_prefix(b"hotfix: Fix\n", "hotfix(INC-1): ") == b"hotfix(INC-1): hotfix: Fix\n"


def test_parse_and_incident_ids() -> None:
    message = "Fix\n\nbody\n\nIncident: INC-1\nSigned-off-by: A <a@b>\nIncident: INC-2\n"
    assert trailers.incident_ids(message) == ["INC-1", "INC-2"]
    assert trailers.incident_ids("Incident: INC-1\n") == []


_lines = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=30),
        st.sampled_from(["", "# comment", "Signed-off-by: A <a@b>", "Incident: INC-9", "Key: v", "  cont"]),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(_lines, st.sampled_from([None, "#"]))
def test_adding_twice_equals_adding_once_and_every_line_survives(lines: list[str], comment: str | None) -> None:
    message = "\n".join(lines).encode("utf-8", "surrogateescape")
    once = trailers.add(message, OURS, comment)
    assert trailers.add(once, OURS, comment) == once
    original = [ln for ln in message.split(b"\n") if not (comment and ln.startswith(comment.encode()))]
    result = once.split(b"\n")
    at = 0
    for line in original:  # every non-comment line of the original, in order
        at = result.index(line, at) + 1


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    out = trailers.add(data, OURS, trailers.resolve_comment("auto", data))
    assert out.startswith(data[: max(0, len(data) - 2)]) or trailers.has_content(data)
    trailers.parse(data)


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(b"Fix\n\n  indented first\nNote: x\n", id="indented lines above any trailer are not trailers"),
        pytest.param(b"Fix\n\n\tcont\n  cont\nA: b\nKey : v\n", id="leading continuation lines make it prose"),
        pytest.param(b"Fix\n\nbody\n\tfile.c\nConflicts:\n", id="old-style Conflicts block is not the message"),
        pytest.param(b"Fix\n\nbody\n\nConflicts:\n\tfile.c\n", id="Conflicts block with paths"),
        pytest.param(b"Fix\n\n-x: dash token\n", id="git accepts a token starting with a dash"),
        pytest.param(b"Fix\n\nprose\nSigned-off-by: A <a@b>\n  more\nnot one\n", id="25 percent rule"),
    ],
)
def test_added_trailers_are_what_git_reads_back(message: bytes) -> None:
    """git decides what the trailer block is; whatever add() touched must be read back by git in full."""
    out = trailers.add(message, OURS)
    parsed = git_trailers(out)
    assert parsed[-3:] == OURS_LINES
    assert [f"{k}: {v}" for k, v in trailers.parse(out)] == parsed


_trailerish = st.sampled_from([
    "", "Fix it", "body text", "A: b", "Key : v", "-x: y", "  cont", "\tcont", "Signed-off-by: Q <q@x>",
    "(cherry picked from commit 0123abc)", "Conflicts:", "\tfile.c", "x:", ": y", "Incident: INC-1", "# note",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_trailerish, min_size=1, max_size=9))
def test_git_reads_back_every_added_trailer_and_agrees_on_the_block(lines: list[str]) -> None:
    message = ("Subject\n\n" + "\n".join(lines) + "\n").encode()
    out = trailers.add(message, [("Incident", "INC-9")], "#")
    parsed = git_trailers(out)
    assert "Incident: INC-9" in parsed
    assert [k.lower() for k, _ in trailers.parse(out, "#")] == [ln.split(":", 1)[0].strip().lower() for ln in parsed]


def test_a_translated_or_merge_help_text_marks_an_editor_session() -> None:
    german = b"\n# Bitte geben Sie eine Commit-Beschreibung ein.\n#\n# Auf Branch x\n"
    assert trailers.resolve_comment(None, german) is None
    assert trailers.resolve_comment(None, german, ["Bitte geben Sie eine Commit-Beschreibung"]) == "#"
    assert not trailers.has_content(german, "#")
    merge = b"Merge branch 'side'\n# Please enter a commit message to explain why this merge is necessary,\n"
    assert trailers.resolve_comment(None, merge) == "#"
    assert trailers.has_comment_lines(None, german)
    assert not trailers.has_comment_lines(None, b"Fix\n\nbody\n")
