"""Problems found in the office's input, reported together and never as tracebacks."""
from __future__ import annotations

import errno
from dataclasses import dataclass, replace


ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass(frozen=True, order=True)
class Problem:
    """The one kind of diagnostic, the build's and `check`'s: the file and line, the field it is
    about (or ''), what is wrong, how to fix it, and how serious it is (a build stops at errors)."""

    path: str
    line: int
    field: str
    message: str
    fix: str = ""
    severity: str = ERROR

    @classmethod
    def finding(cls, path: str, line: int, severity: str, message: str, fix: str = "") -> Problem:
        """Return what `check` says of a text as a whole (no one field)."""
        return cls(path, line, "", message, fix, severity)

    def _what(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        return f"{text} ({self.fix})" if self.fix else text

    def __str__(self) -> str:
        """As `check` lists it, with how serious it is: path:line: severity: field: message (fix)."""
        return f"{self.path}:{self.line}: {self.severity}: {self._what()}"

    def reported(self) -> str:
        """As a stopped build reports it (every one an error): path:line: field: message (fix)."""
        return f"{self.path}:{self.line}: {self._what()}"


class BuildFailed(Exception):
    """Raised with every problem of a run, so they can all be shown at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s)")

    def report(self, outcome: str = "nothing was changed") -> str:
        """Return the problems as lines for the terminal, closing with their count and `outcome`."""
        lines = [p.reported() for p in self.problems]
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


def from_problems(problems: list[Problem], severity: str = ERROR) -> list[Problem]:
    """Return problems with the given severity (a build's are errors)."""
    return [replace(p, severity=severity) for p in problems]
