"""A local single-node Elasticsearch from Elastic's official test distribution on Maven Central.

The distribution (`org.elasticsearch.distribution.integ-test-zip`) carries the official
`bin/elasticsearch` launcher, `lib/` and the transport and x-pack core modules, but no
JDK and no `rest-root` module: `GET /` answers 405, so readiness and the version come
from `_cluster/health` and `_nodes/_local`. Elasticsearch refuses to run as root; when
started by root it runs as the system user `logpipe`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import pwd
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import psutil

from pipeline.stack.pid_owner import forget
from pipeline.stack.ports import listener
from pipeline.stack.procs import ServiceStatus, StackError, find_java, pid_alive, port_open, render, run_maven, spawn
from pipeline.stack.service import LocalService

log = logging.getLogger(__name__)

RUN_AS = "logpipe"
MAIN_CLASS = "org.elasticsearch.bootstrap.Elasticsearch"


def _user_can_write(user: str, path: Path) -> bool:
    probe = subprocess.run(["runuser", "-u", user, "--", "test", "-w", str(path)], capture_output=True)
    return probe.returncode == 0


def _ensure_system_user(user: str) -> None:
    try:
        pwd.getpwnam(user)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
                       check=True, capture_output=True)


def _unpack(zip_path: Path, dest: Path) -> Path:
    """Unpacks the distribution keeping the files' modes; returns the ES home folder."""
    with zipfile.ZipFile(zip_path) as zf:
        top = zf.namelist()[0].split("/")[0]
        for info in zf.infolist():
            target = zf.extract(info, dest)
            mode = info.external_attr >> 16
            if mode:
                os.chmod(target, mode & 0o7777)
    return dest / top


class ElasticsearchService(LocalService):
    name = "elasticsearch"
    title = "Elasticsearch"

    def __init__(self, services_dir: Path, home: Path, port: int = 9200, transport_port: int = 9300,
                 heap_mb: int = 1024):
        super().__init__(services_dir, home, port, heap_mb)
        self.transport_port = transport_port
        self.user: str | None = RUN_AS if os.geteuid() == 0 else None
        self._launcher_pid: int | None = None  # `bin/elasticsearch -d`, while it starts the node

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def runtime(self) -> Path:
        """Where the distribution, data and logs really live: the state dir, or where its link
        points when root runs the stack from a folder the service user cannot enter. Every
        path the service itself opens is given from here, never through the link."""
        return self.home.resolve()

    @property
    def pid_file(self) -> Path:
        return self.home / "es.pid"

    async def prepare(self) -> None:
        self.home.parent.mkdir(parents=True, exist_ok=True)
        if self.user:
            await asyncio.to_thread(_ensure_system_user, self.user)
            await asyncio.to_thread(self._place_runtime_for_user)
        else:
            self.home.mkdir(parents=True, exist_ok=True)
        dist = self.home / "dist"
        marker = dist / ".version"
        wanted = self._pom_version()
        if not marker.exists() or marker.read_text().strip() != wanted:
            zips = self.home / "artifacts"
            await run_maven(self.pom, "dependency:copy-dependencies", f"-DoutputDirectory={zips}",
                            "-DincludeTypes=zip")
            zip_path = next(zips.glob(f"elasticsearch-{wanted}.zip"), None)
            if zip_path is None:
                raise StackError(f"Maven gave no elasticsearch-{wanted}.zip in {zips}")
            if dist.exists():
                await asyncio.to_thread(shutil.rmtree, dist)
            unpacked = await asyncio.to_thread(_unpack, zip_path, self.home / "unpack")
            unpacked.rename(dist)
            shutil.rmtree(self.home / "unpack", ignore_errors=True)
            marker.write_text(wanted)
        for sub in ("data", "logs"):
            (self.home / sub).mkdir(exist_ok=True)
        (dist / "config" / "elasticsearch.yml").write_text(render(
            self.templates / "elasticsearch.yml", port=self.port, transport_port=self.transport_port,
            data_dir=self.runtime / "data", logs_dir=self.runtime / "logs"))
        if self.user:
            await asyncio.to_thread(subprocess.run, ["chown", "-R", self.user, str(self.home.resolve())], check=True)

    def _place_runtime_for_user(self) -> None:
        """Root runs ES as `logpipe`; if that user cannot reach the state dir (e.g. under /root),
        the service folder lives under /var/lib/logpipe and the state dir links to it."""
        if self.home.is_symlink() or self.home.exists():
            return
        self.home.parent.mkdir(parents=True, exist_ok=True)
        if _user_can_write(self.user, self.home.parent) or self._parent_traversable():
            self.home.mkdir()
            return
        digest = hashlib.sha1(str(self.home.resolve()).encode()).hexdigest()[:10]
        target = Path("/var/lib/logpipe") / f"elasticsearch-{digest}"
        if target.exists():  # left by an earlier state dir at this path, which is gone: not ours to reuse
            shutil.rmtree(target)
        target.mkdir(parents=True)
        os.chmod(target.parent, 0o755)
        self.home.symlink_to(target)
        log.info("Elasticsearch state for %s lives in %s (the service user cannot enter the state dir)",
                 self.home, target)

    def _parent_traversable(self) -> bool:
        probe = subprocess.run(["runuser", "-u", self.user, "--", "test", "-x", str(self.home.parent.resolve())],
                               capture_output=True)
        return probe.returncode == 0

    def _pom_version(self) -> str:
        import re

        m = re.search(r"<elasticsearch.version>([^<]+)<", self.pom.read_text())
        if not m:
            raise StackError(f"{self.pom} names no elasticsearch.version")
        return m.group(1)

    def command_marks(self) -> tuple[str, ...]:
        return (MAIN_CLASS, f"-Des.path.home={self.runtime / 'dist'}")

    async def start(self) -> int | None:
        if self.pid():
            return self.pid()
        for port in (self.port, self.transport_port):
            if await port_open("127.0.0.1", port):
                raise StackError(f"port {port} is taken by another process ({listener(port)}); "
                                 "stop it or choose another port")
        java = find_java(21)
        env = dict(os.environ)
        env["ES_JAVA_HOME"] = str(java.parent.parent)
        env["ES_JAVA_OPTS"] = f"-Xms{self.heap_mb}m -Xmx{self.heap_mb}m"
        env.pop("JAVA_HOME", None)
        dist = self.runtime / "dist"
        forget(self.pid_file)
        argv = [str(dist / "bin" / "elasticsearch"), "-d", "-p", str(self.pid_file.resolve())]
        self._launcher_pid = await spawn(argv, self.runtime / "logs" / "launcher.log", env, dist, user=self.user)
        return None  # the daemon writes its pid file once it runs

    async def _health(self) -> dict | None:
        from elasticsearch import AsyncElasticsearch

        es = AsyncElasticsearch(self.url, request_timeout=3, max_retries=0)
        try:
            return (await es.cluster.health(wait_for_status="yellow", timeout="2s")).body
        except Exception as exc:  # not ready yet: any client error means "no health"; logged for the record
            log.debug("elasticsearch health request failed: %r", exc)
            return None
        finally:
            await es.close()

    async def answering_node(self) -> tuple[int, str] | None:
        """(pid, node name) of whatever node answers on this port, or None."""
        if not await port_open("127.0.0.1", self.port):
            return None
        from elasticsearch import AsyncElasticsearch

        es = AsyncElasticsearch(self.url, request_timeout=3, max_retries=0)
        try:
            nodes = (await es.nodes.info(node_id="_local", metric="process")).body["nodes"]
            node = next(iter(nodes.values()))
            return int(node["process"]["id"]), str(node.get("name", "?"))
        except Exception as exc:  # not ready yet: any client error means "no answer"; logged for the record
            log.debug("elasticsearch nodes info failed: %r", exc)
            return None
        finally:
            await es.close()

    def is_own(self, pid: int) -> bool:
        """The process is this service's node: the one its pid file names, or one whose command line
        carries its marks (before it has written its pid file)."""
        if pid == self.pid():
            return True
        try:
            command = " ".join(psutil.Process(pid).cmdline())
        except psutil.Error:
            return False  # gone, another user's we may not inspect, or not on this machine at all
        return all(mark in command for mark in self.command_marks())

    def _foreign(self, node: tuple[int, str]) -> str:
        pid, name = node
        return (f"{self.url} answers as Elasticsearch node {name!r} (pid {pid}), not the one of {self.home}: "
                f"another node holds the port ({listener(self.port)}); it is not used")

    async def healthy(self) -> bool:
        """Green or yellow, and the node answering is this service's, not another on its port."""
        node = await self.answering_node()
        if node is None or not self.is_own(node[0]):
            return False
        health = await self._health()
        return health is not None and health.get("status") in ("green", "yellow")

    async def version(self) -> str | None:
        from elasticsearch import AsyncElasticsearch

        marker = self.home / "dist" / ".version"
        if not self.pid():
            return marker.read_text().strip() if marker.exists() else None

        es = AsyncElasticsearch(self.url, request_timeout=3, max_retries=0)
        try:
            nodes = (await es.nodes.info(node_id="_local", metric="_none")).body["nodes"]
            return next(iter(nodes.values()))["version"]
        except Exception as exc:  # a node that does not answer has no version to show
            log.debug("elasticsearch nodes info failed: %r", exc)
            return marker.read_text().strip() if marker.exists() else None
        finally:
            await es.close()

    async def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        started = time.monotonic()
        while time.monotonic() < deadline:
            node = await self.answering_node()
            if node is not None and not self.is_own(node[0]):
                raise StackError(self._foreign(node))
            if node is not None and await self.healthy():
                return
            # the launcher runs until the node has started (slow on a busy machine): only its end without a
            # running node means the start failed
            if time.monotonic() - started > 15 and not self.pid() and not pid_alive(self._launcher_pid):
                raise StackError(f"Elasticsearch is not running; see {self.home / 'logs'}")
            await asyncio.sleep(0.5)
        raise StackError(f"Elasticsearch did not answer within {timeout_s:.0f}s; see {self.home / 'logs'}")

    async def status(self) -> ServiceStatus:
        pid = self.pid()
        health = "down"
        if pid:
            node = await self.answering_node()
            h = await self._health() if node is not None else None
            health = "foreign" if node is not None and not self.is_own(node[0]) else h["status"] if h else "starting"
        return ServiceStatus(self.name, await self.version(), pid, self.url, health)
