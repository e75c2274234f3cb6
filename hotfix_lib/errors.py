from __future__ import annotations


class HotfixError(Exception):
    """A refusal or failure a user can act on.

    Raised deep, printed once by the entry point as one line on stderr, exit 1.
    ``fix`` is the exact command (or action) that resolves it.
    """

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        if self.fix:
            return f"{self.message}. To fix: {self.fix}"
        return self.message
