"""What git tells a pre-push hook on stdin, parsed strictly. Pure.

One line per ref: `<local ref> SP <local oid> SP <remote ref> SP <remote oid> LF`. A new remote ref has the
zero oid as remote oid; a delete has `(delete)` and the zero oid on the local side. Oids are all of the
repository's hash length (40 for SHA-1, 64 for SHA-256).
"""

from __future__ import annotations

import dataclasses
import re

from hotfix_lib.errors import HotfixError
from hotfix_lib.push_rules import RefUpdate

HASH_LENGTHS = (40, 64)
_HEX = re.compile(r"[0-9a-f]+")
_FIX = "report this as a bug with the output of `git --version`; to push anyway: git push --no-verify"


@dataclasses.dataclass(frozen=True)
class PushLine:
    local_ref: str
    local_oid: str
    remote_ref: str
    remote_oid: str

    @property
    def update(self) -> RefUpdate:
        return RefUpdate(ref=self.remote_ref, old=self.remote_oid, new=self.local_oid)


def parse(data: bytes, hash_len: int | None = None) -> list[PushLine]:
    """The lines of a pre-push stdin. `hash_len` None: whichever of 40/64 the first oid has, for every oid."""
    if not data:
        return []  # an empty push still runs the hook
    text = data.decode("utf-8", errors="surrogateescape")
    if not text.endswith("\n"):
        raise HotfixError(f"pre-push input is truncated (no newline after {_shown(text.rsplit(chr(10), 1)[-1])})",
                          _FIX)
    lines = []
    for number, raw in enumerate(text[:-1].split("\n"), start=1):
        fields = raw.split(" ")
        if len(fields) != 4 or not all(fields):
            raise HotfixError(
                f"pre-push input line {number} is not '<local ref> <local oid> <remote ref> <remote oid>': "
                f"{_shown(raw)}", _FIX,
            )
        local_ref, local_oid, remote_ref, remote_oid = fields
        for oid in (local_oid, remote_oid):
            hash_len = hash_len or len(oid)
            if len(oid) != hash_len or hash_len not in HASH_LENGTHS or not _HEX.fullmatch(oid):
                raise HotfixError(
                    f"pre-push input line {number} has {_shown(oid)} where an object name of "
                    f"{hash_len} hex digits belongs", _FIX,
                )
        lines.append(PushLine(local_ref, local_oid, remote_ref, remote_oid))
    return lines


def _shown(text: str) -> str:
    text = text.encode("utf-8", errors="backslashreplace").decode("ascii", errors="backslashreplace")
    return repr(text if len(text) <= 200 else text[:200] + "...")
