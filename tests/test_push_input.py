"""Parsing what git writes to a pre-push hook's stdin: every shape git produces, and garbage refused clearly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotfix_lib import push_input
from hotfix_lib.errors import HotfixError
from hotfix_lib.push_input import PushLine

A, B, Z = "a" * 40, "b" * 40, "0" * 40


def test_update_new_ref_and_delete() -> None:
    data = (f"refs/heads/production {B} refs/heads/production {A}\n"
            f"HEAD~ {B} refs/heads/new {Z}\n"
            f"(delete) {Z} refs/heads/old {A}\n").encode()
    lines = push_input.parse(data)
    assert lines == [
        PushLine("refs/heads/production", B, "refs/heads/production", A),
        PushLine("HEAD~", B, "refs/heads/new", Z),
        PushLine("(delete)", Z, "refs/heads/old", A),
    ]
    assert [(u.creates, u.deletes) for u in (line.update for line in lines)] == [
        (False, False), (True, False), (False, True)]


def test_empty_push_has_no_lines() -> None:
    assert push_input.parse(b"") == []


def test_sha256_lengths() -> None:
    z64 = "0" * 64
    assert push_input.parse(f"main {'c' * 64} refs/heads/main {z64}\n".encode(), hash_len=64)[0].update.creates


@pytest.mark.parametrize(("data", "error"), [
    (f"main {A} refs/heads/main {A}".encode(),
     f"pre-push input is truncated (no newline after 'main {A} refs/heads/main {A}')"),
    (f"main {A} refs/heads/main\n".encode(),
     f"pre-push input line 1 is not '<local ref> <local oid> <remote ref> <remote oid>': 'main {A} refs/heads/main'"),
    (f"main {A} refs/heads/main {A[:-1]}\n".encode(),
     f"pre-push input line 1 has '{A[:-1]}' where an object name of 40 hex digits belongs"),
    (f"main {A}  main {A}\n".encode(),
     f"pre-push input line 1 is not '<local ref> <local oid> <remote ref> <remote oid>': 'main {A}  main {A}'"),
    (b"\xff\xfe garbage\n",
     "pre-push input line 1 is not '<local ref> <local oid> <remote ref> <remote oid>': '\\\\udcff\\\\udcfe garbage'"),
    (f"main {'g' * 40} refs/heads/main {A}\n".encode(),
     f"pre-push input line 1 has '{'g' * 40}' where an object name of 40 hex digits belongs"),
])
def test_garbage_is_a_clear_error(data: bytes, error: str) -> None:
    with pytest.raises(HotfixError) as caught:
        push_input.parse(data)
    assert caught.value.message == error
    assert caught.value.fix is not None
    assert "git push --no-verify" in caught.value.fix


def test_wrong_hash_length_for_the_repository() -> None:
    with pytest.raises(HotfixError, match="an object name of 64 hex digits belongs"):
        push_input.parse(f"main {A} refs/heads/main {A}\n".encode(), hash_len=64)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_fail_cleanly(data: bytes) -> None:
    try:
        push_input.parse(data)
    except HotfixError as e:
        message = e.message
    else:
        message = "pre-push input parsed"
    assert message.startswith("pre-push input")
