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


def test_parse_and_incident_ids() -> None:
    message = "Fix\n\nbody\n\nIncident: INC-1\nSigned-off-by: A <a@b>\nIncident: INC-2\n"
    assert trailers.incident_ids(message) == ["INC-1", "INC-2"]
    assert trailers.incident_ids("Incident: INC-1\n") == []


_lines = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=30),
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
