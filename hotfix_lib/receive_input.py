"""What git tells a server's pre-receive hook on stdin, parsed strictly. Pure.

One line per ref: `<old oid> SP <new oid> SP <ref name> LF` (the order differs from pre-push). A new ref has the
zero oid as old oid, a deleted ref the zero oid as new oid.
"""

from __future__ import annotations

import re

from hotfix_lib.errors import HotfixError
from hotfix_lib.push_rules import RefUpdate

_OID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_FIX = "report this as a bug with the output of `git --version` on the server"


def parse(data: bytes) -> list[RefUpdate]:
    text = data.decode("utf-8", errors="surrogateescape")
    if text and not text.endswith("\n"):
        raise HotfixError("pre-receive input is truncated (no newline at the end)", _FIX)
    updates = []
    for number, raw in enumerate(text.splitlines(), start=1):
        fields = raw.split(" ")
        if len(fields) != 3 or not all(_OID.fullmatch(oid) for oid in fields[:2]) or not fields[2]:
            raise HotfixError(f"pre-receive input line {number} is not '<old oid> <new oid> <ref>': {_shown(raw)}",
                              _FIX)
        old, new, ref = fields
        if len(old) != len(new):
            raise HotfixError(f"pre-receive input line {number} mixes object name lengths: {_shown(raw)}", _FIX)
        updates.append(RefUpdate(ref=ref, old=old, new=new))
    return updates


def one(args: list[str]) -> RefUpdate:
    """The `update` hook's arguments: `<ref name> <old oid> <new oid>`."""
    if len(args) != 3 or not all(_OID.fullmatch(oid) for oid in args[1:]) or not args[0]:
        raise HotfixError(f"the update hook expects '<ref> <old oid> <new oid>', got {_shown(' '.join(args))}", _FIX)
    return RefUpdate(ref=args[0], old=args[1], new=args[2])


def _shown(text: str) -> str:
    text = text.encode("utf-8", errors="backslashreplace").decode("ascii", errors="backslashreplace")
    return repr(text if len(text) <= 200 else text[:200] + "...")
