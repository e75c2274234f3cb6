"""Arbitrary bytes into every parser of outside input: a HotfixError (one line for the user) or a result, never
an unhandled exception."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotfix_lib import config, naming, push_input, push_rules, receive_input, redact, trailers
from hotfix_lib.errors import HotfixError

OID = st.sampled_from(["0" * 40, "a" * 40, "1" * 39, "f" * 64, "g" * 40, ""])
REF = st.sampled_from(["refs/heads/production", "refs/heads/hotfix/INC-1-x", "(delete)", "HEAD", "refs/tags/v1", ""])
# Lines that are almost right find more than pure noise does.
NEAR_LINES = st.lists(st.tuples(REF, OID, REF, OID).map(" ".join), max_size=4).map(lambda ls: "\n".join(ls))
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(st.one_of(st.binary(max_size=300), NEAR_LINES.map(str.encode), NEAR_LINES.map(lambda s: (s + "\n").encode())))
def test_pre_push_input_parser(data: bytes) -> None:
    try:
        lines = push_input.parse(data)
    except HotfixError:
        return
    for line in lines:
        assert len(line.local_oid) == len(line.remote_oid) in push_input.HASH_LENGTHS
        push_rules.refusals(line.update, "production", config.Config(), old_is_ancestor=None)


@FAST
@given(st.one_of(st.binary(max_size=300),
                 st.lists(st.tuples(OID, OID, REF).map(" ".join), max_size=4).map(lambda ls: "".join(
                     line + "\n" for line in ls).encode())))
def test_pre_receive_input_parser(data: bytes) -> None:
    try:
        updates = receive_input.parse(data)
    except HotfixError:
        return
    for update in updates:
        push_rules.refusals(update, "production", config.Config(), old_is_ancestor=None)


@FAST
@given(st.lists(st.text(max_size=12), max_size=4))
def test_update_hook_arguments(args: list[str]) -> None:
    with contextlib.suppress(HotfixError):
        receive_input.one(args)


MESSAGE_PARTS = st.sampled_from(["Incident: INC-1", "Fix it", "", "  continued", "# comment", "Signed-off-by: x",
                                 "(cherry picked from commit abc)", "Key:", "\r", "\x00", "é", "---"])


@FAST
@given(st.one_of(st.binary(max_size=500).map(lambda b: b.decode("utf-8", errors="surrogateescape")),
                 st.lists(MESSAGE_PARTS, max_size=12).map("\n".join)))
def test_trailer_and_message_code(message: str) -> None:
    pairs = trailers.parse(message)
    ids = trailers.incident_ids(message)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in pairs)
    assert len(ids) == len(set(ids))
    push_rules.lacks_incident(message, 1)
    naming.slugify(message)
    with contextlib.suppress(HotfixError):
        naming.validate_incident_id(message, config.Config().incident_pattern)


@FAST
@given(st.binary(max_size=400))
def test_config_parser(raw: bytes) -> None:
    with contextlib.suppress(HotfixError):
        config.parse(raw)


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


@FAST
@given(st.text(max_size=200))
def test_redaction_never_raises(text: str) -> None:
    redact.text(text)
    redact.url(text)


@FAST
@given(WORD, WORD, WORD, WORD)
def test_redaction_drops_userinfo_and_tokens(user: str, password: str, host: str, token: str) -> None:
    given_url = f"https://{user}:{password}@{host}.example/x.git?access_token={token}"
    assert redact.url(given_url) == f"https://{host}.example/x.git?access_token=REDACTED"
    shown = f"https://{host}.example/x.git?access_token=REDACTED"
    assert redact.text(f"fatal: '{given_url}' failed") == f"fatal: '{shown}' failed"


BRANCHY = st.one_of(st.text(max_size=60), st.from_regex(r"(?i)hot-?fix[/_-]?[a-z]{0,4}-?[0-9]{0,4}[-/_a-z0-9]{0,20}",
                                                        fullmatch=True))


@FAST
@given(BRANCHY)
def test_branch_naming_rules(branch: str) -> None:
    settings_ = config.Config()
    error = naming.misnamed_error(branch, settings_.branch_prefix, settings_.incident_pattern)
    if error is not None:
        assert "\n" not in str(error)
    suggestion = naming.suggest_name(branch, settings_.branch_prefix, settings_.incident_pattern)
    if suggestion is not None:
        assert naming.incident_of_branch(suggestion, settings_.branch_prefix, settings_.incident_pattern)


RAW_MESSAGES = st.one_of(
    st.binary(max_size=400),
    st.lists(MESSAGE_PARTS, max_size=12).map(lambda parts: "\n".join(parts).encode("utf-8", "surrogateescape")),
    st.lists(MESSAGE_PARTS, max_size=12).map(lambda parts: "\r\n".join(parts).encode("utf-8", "surrogateescape")),
)
STAMP = [("Incident", "INC-1"), ("Severity", "1 (CRITICAL)"), ("Commander", "Ana")]


@FAST
@given(RAW_MESSAGES, st.sampled_from([None, "#", ";", "auto"]))
def test_stamping_arbitrary_message_bytes(raw: bytes, configured: str | None) -> None:
    comment = trailers.resolve_comment(configured, raw)
    if not trailers.has_content(raw, comment):
        return
    once = trailers.add(raw, STAMP, comment)
    assert trailers.add(once, STAMP, comment) == once
    assert "INC-1" in trailers.incident_ids(once, comment)
    trailers.ensure_subject_prefix(once, "hotfix(INC-1): ", comment)


@pytest.mark.parametrize("separator", ["\f", "\v", "\x1c", "\x85", "\u2028"])
def test_only_lf_ends_a_line_as_in_git(separator: str) -> None:
    raw = f"Fix\n\nbody{separator}# not a comment\n".encode()
    assert trailers.add(raw, STAMP, "#") == raw + b"\nIncident: INC-1\nSeverity: 1 (CRITICAL)\nCommander: Ana\n"
