"""Problems found in the office's input, reported together and never as tracebacks."""
from __future__ import annotations

import errno
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, with where and what was expected."""

    path: str
    line: int
    field: str
    message: str
    expected: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.field}: {self.message}"
        return f"{text} ({self.expected})" if self.expected else text


class BuildFailed(Exception):
    """Raised with every problem of a run, so they can all be shown at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s)")

    def report(self, outcome: str = "nothing was changed") -> str:
        """Return the problems as lines for the terminal, closing with their count and `outcome`."""
        lines = [str(p) for p in self.problems]
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines.append(f"Stopped: {len(self.problems)} {noun} found; {outcome}.")
        return "\n".join(lines)


class Fault(Exception):
    """A fault of the machine, not of the content (a full disk, a taken port, no permission):
    reported as one plain line naming the place and what to do."""

    def __init__(self, what: str, fix: str):
        self.what, self.fix = what, fix
        super().__init__(self.report())

    def report(self) -> str:
        return f"{self.what} ({self.fix})"


_OS_REASONS = {
    errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied", errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only", errno.ENOTDIR: "a file stands where a folder should be",
    errno.EISDIR: "a folder stands where a file should be", errno.ENOENT: "it does not exist",
    errno.ENAMETOOLONG: "the name is too long", errno.ELOOP: "a symbolic link points to itself",
    errno.EEXIST: "something of that name is already there",
    errno.EBUSY: "it is in use (a disk mounted there, or a program holding it open)",
}


def os_reason(error: OSError) -> str:
    """Return why an operating-system call failed, in plain words."""
    return _OS_REASONS.get(error.errno, error.strerror or str(error))


ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass(frozen=True, order=True)
class Finding:
    """One thing `check` reports: where, how serious, what, and how to fix it."""

    path: str
    line: int
    severity: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}" + (f" ({self.fix})" if self.fix else "")


def from_problems(problems: list[Problem], severity: str = ERROR) -> list[Finding]:
    """Return problems as findings: the build's are errors."""
    return [Finding(p.path, p.line, severity, f"{p.field}: {p.message}", p.expected) for p in problems]
