"""Benchmark: seconds from saving a case to the browser's reload message and its page fetched
again, in `build.py serve`.

Run: python bench/edit_to_reload.py. Starts the preview on the real content and on a
1,000-case corpus, connects as a browser would (the livereload WebSocket), saves one
case several times and reports the median. Compare the two rows, not the seconds alone.
"""
from __future__ import annotations

import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tornado.websocket import websocket_connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SAVES = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the preview did not start")


def fetch_page(port: int, case: Path) -> bytes:
    """Return the saved case's page, as the reloading browser asks for it (CASE.LANG.md)."""
    slug, lang = case.name[:-len(".md")].rsplit(".", 1)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{lang}/cases/{slug}.html", timeout=60) as page:
        return page.read()


async def measure(port: int, case: Path) -> list[float]:
    connection = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    await connection.write_message(json.dumps({"command": "hello", "protocols": []}))
    await connection.read_message()
    await connection.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/"}))
    try:  # the greeting reload of a new server
        while True:
            await asyncio.wait_for(connection.read_message(), timeout=2)
    except asyncio.TimeoutError:
        pass
    times, text = [], case.read_text(encoding="utf-8")
    for n in range(SAVES):
        started = time.perf_counter()
        # Added to the last paragraph: a new one would not match the translation's, and the
        # preview would show that problem instead of the page.
        case.write_text(text.rstrip("\n") + f"第{n}次修改。\n", encoding="utf-8")
        while json.loads(await connection.read_message()).get("command") != "reload":
            pass
        # Until the browser has the page again: the preview may make it when it is asked for.
        await asyncio.get_running_loop().run_in_executor(None, fetch_page, port, case)
        times.append(time.perf_counter() - started)
        await asyncio.sleep(0.5)
    case.write_text(text, encoding="utf-8")
    return times


def run(label: str, content: Path) -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--content", str(content),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(port)
        case = sorted((content / "cases").glob("*.zh.md"))[0]
        times = asyncio.run(measure(port, case))
        print(f"{label:<26} median {statistics.median(times):6.2f} s   "
              f"min {min(times):6.2f} s   max {max(times):6.2f} s   ({SAVES} saves)")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real"
        make_corpus(real, 5)
        run("real content (5 cases)", real)
        run("corpus of 1000 cases", make_corpus(Path(tmp) / "corpus", 1000))


if __name__ == "__main__":
    main()
