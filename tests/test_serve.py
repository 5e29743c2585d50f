"""`build.py serve`: a save rebuilds, a broken save shows its problems, the next good save recovers."""
import asyncio
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import PROJECT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(condition, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = condition()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


class Preview:
    def __init__(self, content, port, log):
        self.content, self.port, self.log = content, port, log

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def page(self, path: str) -> str:
        return fetch(self.url(path))[1]

    def rebuilds(self) -> int:
        return self.log.read_text(encoding="utf-8").count("Rebuilt in")

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.content / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def preview(fixture_site, tmp_path):
    content, port, log = fixture_site(), free_port(), tmp_path / "serve.log"
    with log.open("w") as sink:
        process = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--content", str(content),
                                    "--port", str(port)], stdout=sink, stderr=subprocess.STDOUT)
    try:
        running = Preview(content, port, log)
        wait_for(lambda: fetch(running.url("zh/index.html"))[0] == 200, what="the preview to start")
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_save_rebuilds_the_page(preview):
    assert "第二段。" in preview.page("zh/cases/full-pair.html")
    preview.edit("cases/full-pair.zh.md", "第二段。", "第二段改过了。")
    wait_for(lambda: "第二段改过了。" in preview.page("zh/cases/full-pair.html"), what="the new text")


def test_a_broken_save_shows_the_problems_and_a_good_one_recovers(preview):
    preview.edit("cases/full-pair.zh.md", "order: 1", "order: first")
    page = wait_for(lambda: (lambda p: p if "内容有误" in p else None)(preview.page("zh/cases/full-pair.html")),
                    what="the problems page")
    assert "cases/full-pair.zh.md:7</code> <strong>order</strong>: expected a whole number" in page
    assert "livereload.js" in page  # it reloads by itself when the content is mended
    assert "内容有误" in preview.page("en/index.html")  # every page says so, not the last good site
    preview.edit("cases/full-pair.zh.md", "order: first", "order: 1")
    wait_for(lambda: "完整的一对" in preview.page("zh/cases/full-pair.html")
             and "内容有误" not in preview.page("zh/cases/full-pair.html"), what="the page to come back")


def test_a_burst_of_saves_gives_one_rebuild(preview):
    before = preview.rebuilds()
    for n in range(10):
        preview.edit("cases/full-pair.zh.md", "第二段", f"第二段{n}")
        time.sleep(0.01)
    wait_for(lambda: preview.rebuilds() > before, what="a rebuild")
    time.sleep(1.5)
    assert preview.rebuilds() == before + 1
    assert "第二段9876543210" in preview.page("zh/cases/full-pair.html")


def test_drafts_and_the_status_page_are_in_the_preview(preview):
    assert "草稿" in preview.page("zh/cases/draft-case.html")
    status = preview.page("_status.html")
    assert "not reviewed" in status and "missing" in status
    assert fetch(preview.url("no/such/page.html"))[0] == 404


def test_the_open_browser_is_told_to_reload(preview):
    from tornado.websocket import websocket_connect

    async def listen() -> dict:
        connection = await websocket_connect(f"ws://127.0.0.1:{preview.port}/livereload")
        await connection.write_message(json.dumps({"command": "hello", "protocols": []}))
        await connection.read_message()
        await connection.write_message(json.dumps({"command": "info", "url": preview.url("zh/index.html")}))
        # livereload greets a new server's browsers with one reload: let it pass first.
        try:
            while True:
                await asyncio.wait_for(connection.read_message(), timeout=1.5)
        except asyncio.TimeoutError:
            pass
        preview.edit("cases/full-pair.zh.md", "第二段。", "第二段，刚改。")
        while True:
            message = json.loads(await asyncio.wait_for(connection.read_message(), timeout=15))
            if message.get("command") == "reload":
                return message

    assert asyncio.run(listen())["command"] == "reload"
    assert "第二段，刚改。" in preview.page("zh/cases/full-pair.html")
