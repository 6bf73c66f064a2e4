"""Why a batch run could not go on."""

from __future__ import annotations

__all__ = ["AnnotateError", "AnnotateUsageError", "AnnotateStopped"]


class AnnotateError(Exception):
    """The run could not go on (Hub unreachable, an extra not installed, output not writable)."""


class AnnotateUsageError(AnnotateError, ValueError):
    """The request itself is wrong (unknown field, no name column, an input that cannot be opened)."""


class AnnotateStopped(AnnotateError):
    """A signal (SIGTERM, SIGHUP) stopped the run after it cleaned up; ``exit_status`` is 128 + its number."""

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message)
        self.exit_status = 128 + signum
