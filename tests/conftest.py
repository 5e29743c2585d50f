"""Shared helpers: fixture sites copied to tmp_path, builds, and tools that CI must have."""
from __future__ import annotations

import atexit
import contextlib
import importlib.util
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import sitegen
from sitegen.errors import BuildFailed

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
PROJECT = TESTS.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# A bug in the generator shows its traceback in tests (the command line hides it from the office).
os.environ["BOOKLET_DEBUG"] = "1"
# The build cache of the tests' builds, in one place of its own rather than beside each site.
os.environ.setdefault("BOOKLET_CACHE", tempfile.mkdtemp(prefix="booklet-test-cache-"))
atexit.register(shutil.rmtree, os.environ["BOOKLET_CACHE"], True)


def need(tool: str, found: bool, why: str) -> None:
    """Skip a test when a tool is missing on a laptop; fail it in CI, where it must be installed."""
    if found:
        return
    message = f"{tool} is not available: {why}"
    if IN_CI:
        pytest.fail(f"{message} (CI must install it: see .ci/run)")
    pytest.skip(message)


@pytest.fixture
def fixture_site(tmp_path):
    """Return a function that copies a fixture content folder into tmp_path and returns its path."""
    def copy(name: str = "bilingual") -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target
    return copy


def build_to(content: Path, out: Path):
    """Build `content` into `out` and return (site, outputs)."""
    return sitegen.build(sitegen.Paths(content=content, out=out))


_CLI = None  # build.py, loaded once as a module


def run_main(*argv: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run build.py's main() in this process, as the command line does, and return its exit code
    and what it printed: the commands' tests without a Python started for each (one test per
    command still runs build.py itself)."""
    global _CLI
    if _CLI is None:
        spec = importlib.util.spec_from_file_location("build_cli", PROJECT / "build.py")
        _CLI = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_CLI)
    out, err, handlers = io.StringIO(), io.StringIO(), {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    stdin_was = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = _CLI.main(list(argv))
    finally:
        sys.stdin = stdin_was
        for stop, handler in handlers.items():
            signal.signal(stop, handler)
    return subprocess.CompletedProcess(["build.py", *argv], code, out.getvalue(), err.getvalue())


def problems_of(content: Path) -> list[str]:
    """Return the problem lines a build of `content` reports (and assert that it fails)."""
    with pytest.raises(BuildFailed) as failure:
        sitegen.load_site(content)
    return [p.reported() for p in failure.value.problems]
