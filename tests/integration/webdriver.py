"""Just enough of the W3C WebDriver protocol (plain HTTP + JSON) to drive the headless
Chromium of the system through its chromedriver: open a page, run a script, read text.

    with Browser(tmp_path) as b:
        b.open("http://127.0.0.1:8765/")
        b.wait_for(lambda: "events" in b.text(), timeout_s=20)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable

from pipeline.stack.ports import reserve_free
from tests.conftest import assert_served_by

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,2000"]


class Browser:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.reservation = reserve_free()  # no other run is given the port while this driver has it
        self.port = self.reservation.port
        self.driver: subprocess.Popen | None = None
        self.session = ""

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.load(r)["value"]

    def __enter__(self) -> "Browser":
        driver = shutil.which("chromedriver")
        assert driver, "chromedriver is missing: make system-deps"
        self.driver = subprocess.Popen([driver, f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                if self._call("GET", "/status")["ready"]:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "chromedriver did not answer"
            time.sleep(0.2)
        assert_served_by(self.driver.pid, self.port)
        args = CHROMIUM_ARGS + [f"--user-data-dir={self.tmp / 'chromium-profile'}"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"args": args}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.session:
                self._call("DELETE", f"/session/{self.session}")
        finally:
            if self.driver is not None:
                self.driver.terminate()
                self.driver.wait(10)
            self.reservation.release()

    def open(self, url: str) -> None:
        self._call("POST", f"/session/{self.session}/url", {"url": url})

    def run(self, script: str, *args: Any) -> Any:
        return self._call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": list(args)})

    def text(self) -> str:
        return self.run("return document.body.innerText")

    def wait_for(self, cond: Callable[[], bool], timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while not cond():
            assert time.monotonic() < deadline, f"page did not get there in {timeout_s} s:\n{self.text()[:3000]}"
            time.sleep(0.3)
