"""`build.py serve`: a save rebuilds, a broken save shows its problems, the next good save recovers."""
import asyncio
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import FIXTURES, PROJECT
from htmlcheck import tree_bytes


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


@contextlib.contextmanager
def _previewing(content, log, env=None):
    """Run `build.py serve` on `content` while in the block; yield the running Preview."""
    port = free_port()
    with log.open("w") as sink:
        process = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--content", str(content),
                                    "--port", str(port)], stdout=sink, stderr=subprocess.STDOUT, env=env)
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


@pytest.fixture
def preview(fixture_site, tmp_path):
    """A preview of its own, for a test that edits the content."""
    with _previewing(fixture_site(), tmp_path / "serve.log") as running:
        yield running


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory):
    """One preview for the tests that only ask it things."""
    content = tmp_path_factory.mktemp("shared") / "content"
    shutil.copytree(FIXTURES / "bilingual", content)
    with _previewing(content, content.parent / "serve.log") as running:
        yield running


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
    # The system said the file changed (watchfiles): the preview did not fall back to polling.
    assert "Looking for saves every" not in preview.log.read_text(encoding="utf-8")


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the generator with templates/ and assets/ of its own, and a content folder:
    a preview that removed the wrong folder on its way out removes the copy's."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(PROJECT / "build.py", root)
    for name in ("sitegen", "templates", "assets"):
        shutil.copytree(PROJECT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURES / "bilingual", root / "content")
    return root


def project_files(root) -> dict:
    return {path: data for path, data in tree_bytes(root).items() if "__pycache__" not in path}


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_the_preview_removes_its_own_folder_and_nothing_else(project_copy, tmp_path, stop):
    temp, port, log = tmp_path / "tmp", free_port(), tmp_path / "serve.log"
    temp.mkdir()
    before = project_files(project_copy)
    with log.open("w") as sink:
        process = subprocess.Popen([sys.executable, "build.py", "serve", "--port", str(port)], cwd=project_copy,
                                   env={**os.environ, "TMPDIR": str(temp)}, stdout=sink, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: fetch(f"http://127.0.0.1:{port}/zh/index.html")[0] == 200, what="the preview to start")
        assert [p.name.startswith("booklet-preview-") for p in temp.iterdir()] == [True]
        process.send_signal(stop)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert list(temp.iterdir()) == []
    assert project_files(project_copy) == before
    assert "Preview stopped." in log.read_text(encoding="utf-8")
    assert "Traceback" not in log.read_text(encoding="utf-8")


def raw_request(port: int, path: str, headers: dict | None = None, method: str = "GET"):
    """Return the response (status, headers, body) to a request written exactly as given."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.putrequest(method, path, skip_host=bool(headers and "Host" in headers))
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    answer = response.status, dict(response.getheaders()), response.read()
    connection.close()
    return answer


def raw_get(port: int, path: str, headers: dict | None = None) -> int:
    return raw_request(port, path, headers)[0]


@pytest.mark.parametrize("path", ["/%00", "/zh/%00.html", "/" + "a" * 5000, "/../../etc/passwd",
                                  "/%2e%2e/%2e%2e/etc/passwd", "/zh/" + "x/" * 400 + "y.html"])
def test_odd_paths_are_not_found_not_errors(shared_preview, path):
    assert raw_get(shared_preview.port, path) == 404
    assert "Traceback" not in shared_preview.log.read_text(encoding="utf-8")


@pytest.mark.parametrize("host, status", [("127.0.0.1:{port}", 200), ("localhost:{port}", 200),
                                          ("[::1]:{port}", 200), ("evil.example:{port}", 403),
                                          ("127.0.0.1.evil.example", 403), ("", 403), ("localhost:99999x", 403),
                                          ("localhost:70000", 403)])
def test_the_preview_answers_only_to_loopback_names(shared_preview, host, status):
    assert raw_get(shared_preview.port, "/zh/index.html", {"Host": host.format(port=shared_preview.port)}) == status


@pytest.mark.parametrize("origin, allowed", [("http://127.0.0.1:{port}", True), ("http://localhost:{port}", True),
                                             ("http://evil.example", False), ("null", False)])
def test_the_reload_socket_accepts_only_loopback_pages(shared_preview, origin, allowed):
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    async def connect() -> bool:
        request = HTTPRequest(f"ws://127.0.0.1:{shared_preview.port}/livereload",
                              headers={"Origin": origin.format(port=shared_preview.port)})
        try:
            connection = await websocket_connect(request)
        except HTTPClientError as error:
            assert error.code == 403
            return False
        connection.close()
        return True

    assert asyncio.run(connect()) is allowed


def test_a_port_in_use_is_one_clear_line(project_copy):
    before = project_files(project_copy)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "build.py", "serve", "--port", str(port)], cwd=project_copy,
                                capture_output=True, text=True, timeout=60)
    assert project_files(project_copy) == before
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Stopped: Port {port} is already in use by another program (stop that program, or preview on "
        f"another port: python build.py serve --port {port + 1})"]


@pytest.mark.parametrize("port", ["99999", "-1", "0", "65536", "http"])
def test_a_port_out_of_range_is_refused(project_copy, port):
    result = subprocess.run([sys.executable, "build.py", "serve", "--port", port], cwd=project_copy,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"argument --port: '{port}' is not a port: use a number from 1 to 65535, e.g. 8000" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_preview_that_cannot_be_written_shows_why_and_recovers(fixture_site, tmp_path, monkeypatch):
    from sitegen import Paths
    from sitegen.serve import Preview
    import errno
    import pathlib
    preview = Preview(Paths(content=fixture_site()), tmp_path / "preview")
    real_write = pathlib.Path.write_bytes

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(pathlib.Path, "write_bytes", full)
    preview.start()
    assert [p.reported() for p in preview.problems] == [
        f"{tmp_path}/preview:1: preview: cannot be written: the disk is full (free some disk space and save again)"]
    monkeypatch.setattr(pathlib.Path, "write_bytes", real_write)
    preview.rebuild()
    assert preview.problems == [] and (tmp_path / "preview/index.html").is_file()
    preview.freshen("zh/index.html")  # a page is made when the browser asks for it
    assert (tmp_path / "preview/zh/index.html").is_file()


def test_head_other_methods_and_folders_without_a_slash(shared_preview):
    status, headers, body = raw_request(shared_preview.port, "/zh/index.html", method="HEAD")
    assert (status, body) == (200, b"") and headers["Content-Type"] == "text/html; charset=utf-8"
    assert raw_request(shared_preview.port, "/zh/index.html", method="POST")[0] == 405
    status, headers, _ = raw_request(shared_preview.port, "/zh")
    assert (status, headers["Location"]) == (301, "/zh/")
    assert "Traceback" not in shared_preview.log.read_text(encoding="utf-8")
    assert "Uncaught exception" not in shared_preview.log.read_text(encoding="utf-8")


def test_a_port_that_needs_administrator_rights_is_one_line(fixture_site, monkeypatch):
    import errno
    from sitegen import Paths
    from sitegen.errors import Fault
    from sitegen import serve as serving

    def refused(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(serving._PreviewServer, "serve", refused)
    with pytest.raises(Fault) as fault:
        serving.serve(Paths(content=fixture_site()), 80)
    assert fault.value.report() == ("Port 80 cannot be opened: permission denied (ports below 1024 need administrator "
                                    "rights; use one above, e.g. python build.py serve --port 8000)")


def test_a_booklet_is_rendered_when_it_is_asked_for(preview):
    """The big pages are left out of a rebuild and made when the browser asks for them."""
    assert "完整的一对" in preview.page("zh/booklet.html")
    preview.edit("cases/full-pair.zh.md", "第二段。", "第二段，为印刷版改过。")
    wait_for(lambda: "为印刷版改过" in preview.page("zh/cases/full-pair.html"), what="the case page")
    # (the booklet keeps a line's last characters together: 为印刷<span class="keep">版改过。</span>)
    assert "为印刷" in preview.page("zh/booklet.html") and "为印刷" in preview.page("booklet.html")


def test_a_broken_status_template_shows_its_problem_not_an_error(fixture_site, tmp_path):
    """The status page is made when asked for: a slip in its template is shown, and the
    preview goes on."""
    import sitegen
    from sitegen.serve import Preview
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    (templates / "status.html").write_text("{{ no_such_thing.at_all }}", encoding="utf-8")
    preview = Preview(sitegen.Paths(content=fixture_site(), templates=templates), tmp_path / "out")
    preview.start()
    page = preview.status_page().decode("utf-8")
    assert "UndefinedError" in page and "no_such_thing" in page
    assert preview.problems == [] and "内容有误" not in _ask(preview, "/zh/index.html")
    assert (tmp_path / "out/zh/index.html").is_file()


def _ask(preview, path: str) -> str:
    """Return the preview's answer to a browser's GET of `path` (its WSGI app, called directly)."""
    answer = b"".join(preview.app({"REQUEST_METHOD": "GET", "PATH_INFO": path}, lambda status, headers: None))
    return answer.decode("utf-8")


def test_a_page_is_made_when_asked_for_and_a_slip_in_its_template_is_shown(fixture_site, tmp_path):
    """A save renders no page: the one the browser asks for is made then, and a slip in its
    template is shown on it, not in a traceback alone."""
    import sitegen
    from sitegen.serve import Preview
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    content = fixture_site()
    preview = Preview(sitegen.Paths(content=content, templates=templates), tmp_path / "out")
    preview.start()
    assert not (tmp_path / "out/zh/cases/full-pair.html").exists()
    assert "完整的一对" in _ask(preview, "/zh/cases/full-pair.html")
    made = (tmp_path / "out/zh/cases/full-pair.html").stat().st_mtime_ns
    assert "完整的一对" in _ask(preview, "/zh/cases/full-pair.html")
    preview.rebuild({str(content / "cases/zh-only.zh.md")})  # nothing changed
    assert "完整的一对" in _ask(preview, "/zh/cases/full-pair.html")
    assert (tmp_path / "out/zh/cases/full-pair.html").stat().st_mtime_ns == made  # not made again
    (templates / "case.html").write_text("{{ no_such_thing.at_all }}", encoding="utf-8")
    preview.rebuild({str(templates / "case.html")})
    page = _ask(preview, "/zh/cases/full-pair.html")
    assert "UndefinedError" in page and "no_such_thing" in page
    assert "内容有误" not in _ask(preview, "/zh/index.html")  # a page of another template is fine
    answered = []
    preview.app({"REQUEST_METHOD": "GET", "PATH_INFO": "/en"}, lambda status, headers: answered.append(status))
    assert answered == ["301 Moved Permanently"]  # a folder whose index.html is not made yet


PREVIEW_EDITS = st.lists(st.sampled_from(["zh-body", "en-body", "title", "theme", "figure", "add", "remove",
                                          "move", "break", "undo"]), min_size=1, max_size=5)


def _edit_content(content, edit: str, n: int, originals: dict) -> set:
    """Make one edit to a copy of the bilingual fixture; return the paths it touched (absolute)."""
    zh, en = content / "cases/full-pair.zh.md", content / "cases/full-pair.en.md"
    themes, only = content / "themes.yaml", content / "cases/zh-only.zh.md"
    if edit == "zh-body":
        zh.write_text(zh.read_text(encoding="utf-8").rstrip("\n") + f"第{n}句。\n", encoding="utf-8")
        return {zh}
    if edit == "en-body":
        en.write_text(en.read_text(encoding="utf-8").rstrip("\n") + f" Sentence {n}.\n", encoding="utf-8")
        return {en}
    if edit == "title":
        zh.write_text(zh.read_text(encoding="utf-8").replace("title: ", f"title: 第{n}版", 1), encoding="utf-8")
        return {zh}
    if edit == "theme":
        themes.write_text(themes.read_text(encoding="utf-8").replace("{en: Alliances", f"{{en: Alliances {n}", 1),
                          encoding="utf-8")
        return {themes}
    if edit == "figure":
        zh.write_text(zh.read_text(encoding="utf-8").replace("value: ", f"value: {n + 1}", 1), encoding="utf-8")
        return {zh}
    if edit == "add":
        added = content / f"cases/added-{n}.zh.md"
        added.write_text(f"---\ntitle: 新增{n}\nlead: 导语。\nsummary: 新增的案例。\nareas: [north]\n"
                         f"themes: [alliances]\norder: {10 + n}\n---\n新增案例的正文。\n", encoding="utf-8")
        return {added}
    if edit == "remove" and only.exists():
        only.unlink()
        return {only}
    if edit == "move" and only.exists():  # into a folder of its own: the folder is listed again
        moved = content / "cases/moved/zh-only.zh.md"
        moved.parent.mkdir(exist_ok=True)
        only.rename(moved)
        return {only, moved}
    if edit == "break":
        zh.write_text(zh.read_text(encoding="utf-8").replace("order: 1", "order: first", 1), encoding="utf-8")
        return {zh}
    if edit == "undo":
        touched = {p for p in content.rglob("*") if p.is_file() and p not in originals}
        for path in touched:
            path.unlink()
        for path, text in originals.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return touched | set(originals)
    return set()


def _preview_tree(preview) -> dict:
    """Return what a preview serves: its folder with every page asked for, or its problems."""
    if preview.problems:
        return {"problems": preview.problems}
    for path in preview.made.paths:
        preview.freshen(path)
    return tree_bytes(preview.out)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "6")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=PREVIEW_EDITS, told=st.booleans())
def test_a_preview_after_any_saves_shows_what_a_fresh_one_shows(tmp_path_factory, edits, told):
    """Each save re-reads only the files said to have changed (by the system, or found by
    comparing snapshots when it cannot say) and recalls the rest: the pages must be those a
    preview started afresh on the same content shows."""
    import sitegen
    from sitegen.cache import Recall
    from sitegen.serve import Preview, changed_between
    root = tmp_path_factory.mktemp("saves")
    content = root / "content"
    shutil.copytree(FIXTURES / "bilingual", content)
    site_file = content / "site.yaml"  # small lists and volumes, so that they come in parts
    site_file.write_text(site_file.read_text(encoding="utf-8") + "list_page_size: 1\nbooklet_volume_size: 2\n",
                         encoding="utf-8")
    originals = {p: p.read_text(encoding="utf-8") for p in content.rglob("*") if p.suffix in (".md", ".yaml")}
    paths = sitegen.Paths(content=content, cache=root / "cache")
    saved = Preview(paths, root / "saved")
    saved.start()
    for n, edit in enumerate(edits):
        _preview_tree(saved)  # every page asked for since the last save: made from that content
        touched = _edit_content(content, edit, n, originals)
        if told:  # as the system tells it
            saved.rebuild({str(path) for path in touched})
        else:  # as found by comparing snapshots
            state = saved.snapshot()
            saved.rebuild(changed_between(saved._built, state))
            saved._built = state
    shown = _preview_tree(saved)
    Recall.forget_all()
    fresh = Preview(paths, root / "fresh")
    fresh.start()
    assert shown == _preview_tree(fresh)


def test_a_save_told_in_a_form_not_recognised_reads_everything_again(fixture_site, tmp_path):
    """The system may write a saved file's path otherwise than the preview lists it (another
    case, a short name): the content is then read again whole, never left as it was."""
    import sitegen
    from sitegen.serve import Preview
    content = fixture_site()
    preview = Preview(sitegen.Paths(content=content), tmp_path / "out")
    preview.start()
    case = content / "cases/full-pair.zh.md"
    for n, told in enumerate([str(content).upper() + "/cases/full-pair.zh.md", str(content / "CASES/full-pair.zh.md")]):
        case.write_text(case.read_text(encoding="utf-8").replace("第二段", f"第二段{n}改", 1), encoding="utf-8")
        preview.rebuild({told})
        assert f"第二段{n}改" in _ask(preview, "/zh/cases/full-pair.html")


def test_where_the_system_cannot_say_the_preview_looks_for_saves_itself(fixture_site, tmp_path):
    """Without watchfiles (or with inotify's watches used up), saves are found by comparing
    the folders every POLL_SECONDS, and still shown."""
    broken = tmp_path / "no-watchfiles" / "watchfiles"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('no watches left')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(broken.parent), os.environ.get("PYTHONPATH", "")])}
    with _previewing(fixture_site(), tmp_path / "serve.log", env) as running:
        wait_for(lambda: "Looking for saves every" in running.log.read_text(encoding="utf-8"),
                 what="the preview to say it polls")
        running.edit("cases/full-pair.zh.md", "第二段。", "第二段，轮询看到了。")
        wait_for(lambda: "第二段，轮询看到了。" in running.page("zh/cases/full-pair.html"), what="the new text")
