"""Benchmark: Lighthouse scores (mobile profile) of the home, a case, an index and the search page.

Run: python bench/lighthouse.py LIGHTHOUSE_BIN  e.g. after `npm install --no-save lighthouse@12.2.3`
in a scratch folder, pass its node_modules/.bin/lighthouse. Uses Debian's /usr/bin/chromium,
serves the built site on 127.0.0.1 under /showcase/, and prints the four category scores per page.
Targets: Accessibility, Best Practices and SEO 100; Performance 95 or more.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import sitegen  # noqa: E402

PAGES = ["zh/index.html", "en/index.html", "zh/cases/daishan-red-units.html", "en/cases/daishan-red-units.html",
         "zh/areas/index.html", "en/themes/index.html", "zh/search.html", "en/search.html"]
FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking --disable-component-update --disable-sync")


class _Handler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        return super().translate_path("/" + path[len("/showcase/"):] if path.startswith("/showcase/") else path)

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=3600")
        super().end_headers()

    def log_message(self, *args):
        pass


def main() -> None:
    lighthouse = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        sitegen.build(sitegen.Paths(out=site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        env = {**os.environ, "HOME": tmp, "CHROME_PATH": "/usr/bin/chromium"}
        print(f"{'page':<36} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}")
        for page in PAGES:
            report = Path(tmp) / "report.json"
            subprocess.run([lighthouse, f"http://127.0.0.1:{server.server_port}/showcase/{page}",
                            "--output=json", f"--output-path={report}", "--quiet", f"--chrome-flags={FLAGS}",
                            "--form-factor=mobile"], env=env, check=True, timeout=300)
            categories = json.loads(report.read_text())["categories"]
            scores = [round(categories[c]["score"] * 100) for c in
                      ("performance", "accessibility", "best-practices", "seo")]
            print(f"{page:<36} {scores[0]:>5} {scores[1]:>5} {scores[2]:>5} {scores[3]:>5}")
            failing = [a for a in json.loads(report.read_text())["audits"].values()
                       if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"]
            for audit in failing:
                print(f"    {audit['id']}: {audit['title']}")
        server.shutdown()


if __name__ == "__main__":
    main()
