"""Problems found in the office's input, reported together and never as tracebacks."""
from __future__ import annotations

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

    def report(self) -> str:
        """Return the problems as lines for the terminal, with a closing count."""
        lines = [str(p) for p in self.problems]
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines.append(f"Build stopped: {len(self.problems)} {noun} found; site/ was left as it was.")
        return "\n".join(lines)
