"""A local single-node Apache Kafka (KRaft, broker + controller) from Maven artifacts.

A PLAINTEXT client listener on `port`, open to all; with `secure=True` (as `logpipe stack up`
has it) also SASL_SSL on `secure_port` (`pipeline.stack.kafka_secure`: its CA, users and
ACLs). Private brokers of tests and benchmarks leave it out and start as fast as before."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import subprocess
import time
from pathlib import Path

from pipeline.stack.kafka_secure import SecureListener
import psutil

from pipeline.stack.pid_owner import record_start
from pipeline.stack.ports import listener
from pipeline.stack.procs import ServiceStatus, StackError, find_java, port_open, render, run_maven, spawn
from pipeline.stack.service import LocalService
from sinks.closing import close_within

log = logging.getLogger(__name__)


class KafkaService(LocalService):
    name = "kafka"
    title = "Kafka"

    def __init__(self, services_dir: Path, home: Path, port: int = 9092, controller_port: int = 9093,
                 secure_port: int | None = None, heap_mb: int = 512, secure: bool = False):
        super().__init__(services_dir, home, port, heap_mb)
        self.controller_port = controller_port
        self.data_dir = home / "data"
        self.logs_dir = home / "logs"
        self.pid_file = home / "kafka.pid"
        self.classpath_file = home / "classpath.txt"
        self.properties = home / "server.properties"
        self.secure: SecureListener | None = None
        if secure:
            self.secure = SecureListener(home, port + 2 if secure_port is None else secure_port, port)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def prepare(self) -> None:
        """Resolves the broker's classpath with Maven (cached after the first run) and writes its config."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.logs_dir.mkdir(exist_ok=True)
        pom_mtime = self.pom.stat().st_mtime
        if not self.classpath_file.exists() or self.classpath_file.stat().st_mtime < pom_mtime:
            await run_maven(self.pom, "dependency:build-classpath", f"-Dmdep.outputFile={self.classpath_file}")
        secure_listener = secure_settings = ""
        if self.secure is not None:
            await self.secure.prepare(find_java(17))
            secure_listener = f",SASL_SSL://{self.secure.address}"
            secure_settings = render(self.templates / "secure.properties", **self.secure.template_values())
        self.properties.write_text(render(
            self.templates / "server.properties",
            port=self.port, controller_port=self.controller_port, data_dir=self.data_dir,
            secure_listener=secure_listener, secure_settings=secure_settings,
        ))
        os.chmod(self.properties, 0o600)  # it holds the keystore's password
        if not (self.data_dir / "meta.properties").exists():
            await self._format_storage()

    async def _format_storage(self) -> None:
        java = find_java(17)
        cp = self.classpath_file.read_text().strip()
        base = [str(java), "-cp", cp, f"-Dlog4j2.configurationFile={self.templates / 'log4j2.properties'}",
                f"-Dkafka.logs.dir={self.logs_dir}", "kafka.tools.StorageTool"]
        cluster_id = (await asyncio.to_thread(
            subprocess.run, base + ["random-uuid"], capture_output=True, text=True, timeout=120)).stdout.strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{22}", cluster_id):
            raise StackError(f"kafka StorageTool random-uuid gave no cluster id: {cluster_id!r}")
        proc = await asyncio.to_thread(
            subprocess.run, base + ["format", "-t", cluster_id, "-c", str(self.properties)],
            capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise StackError(f"formatting Kafka storage in {self.data_dir} failed:\n{proc.stdout}{proc.stderr}")
        log.info("formatted Kafka storage in %s (cluster id %s)", self.data_dir, cluster_id)

    def cluster_id(self) -> str:
        try:
            text = (self.data_dir / "meta.properties").read_text()
        except FileNotFoundError:
            return ""
        m = re.search(r"^cluster\.id=(\S+)", text, re.M)
        return m.group(1) if m else ""

    def version(self) -> str | None:
        try:
            cp = self.classpath_file.read_text()
        except FileNotFoundError:
            return None
        m = re.search(r"kafka_2\.13-([\w.\-]+?)\.jar", cp)
        return m.group(1) if m else None

    def command_marks(self) -> tuple[str, ...]:
        return ("kafka.Kafka", str(self.properties))

    async def start(self) -> int:
        if self.pid():
            return self.pid()  # type: ignore[return-value]
        for port in (self.port, self.controller_port, *([self.secure.port] if self.secure else [])):
            if await port_open("127.0.0.1", port):
                raise StackError(f"port {port} is taken by another process ({listener(port)}); "
                                 "stop it or choose another port")
        java = find_java(17)
        cp = self.classpath_file.read_text().strip()
        argv = [str(java), f"-Xms{self.heap_mb}m", f"-Xmx{self.heap_mb}m", "-XX:+UseG1GC",
                "-Djava.awt.headless=true", f"-Dkafka.logs.dir={self.logs_dir}",
                f"-Dlog4j2.configurationFile={self.templates / 'log4j2.properties'}",
                "-cp", cp, "kafka.Kafka", str(self.properties)]
        pid = await spawn(argv, self.logs_dir / "stdout.log", dict(os.environ), self.home)
        self.pid_file.write_text(str(pid))
        record_start(self.pid_file, psutil.Process(pid))
        return pid

    async def answering_cluster_id(self) -> str | None:
        """The cluster id of whatever broker answers a metadata request on this port, or None."""
        if not await port_open("127.0.0.1", self.port):
            return None
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(bootstrap_servers=self.address, request_timeout_ms=3000)
        try:
            await asyncio.wait_for(admin.start(), 5)
            return str((await asyncio.wait_for(admin.describe_cluster(), 5)).get("cluster_id") or "")
        except Exception as exc:  # not ready yet: any client error means "no answer"; logged for the record
            log.debug("kafka metadata request failed: %r", exc)
            return None
        finally:
            await close_within(admin.close(), "the kafka metadata client")

    async def healthy(self) -> bool:
        """A metadata request answers (not just an open port), from this very broker: the
        cluster id its storage was formatted with, not another broker's on the same port."""
        answered = await self.answering_cluster_id()
        return answered is not None and answered == self.cluster_id()

    def _foreign(self, answered: str) -> str:
        return (f"{self.address} answers as Kafka cluster {answered!r}, not this broker's {self.cluster_id()!r} "
                f"({self.data_dir}): another broker holds the port ({listener(self.port)}); it is not used")

    async def wait_ready(self, timeout_s: float) -> None:
        """Until this broker answers; another broker answering on its port fails at once."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            answered = await self.answering_cluster_id()
            if answered is not None and answered != self.cluster_id():
                raise StackError(self._foreign(answered))
            if answered is not None:
                return
            if not self.pid():
                raise StackError(f"Kafka exited during start; see {self.logs_dir / 'server.log'} and stdout.log")
            await asyncio.sleep(0.5)
        raise StackError(f"Kafka did not answer within {timeout_s:.0f}s; see {self.logs_dir / 'server.log'}")

    async def set_up_secure_listener(self, timeout_s: float = 15) -> None:
        """Users and ACLs for the SASL_SSL listener, once Kafka answers (after Elasticsearch started too,
        so the two JVMs do not compete). A broker started by an earlier version has no such listener:
        it keeps running as it is (a warning says how to get the listener), nothing fails."""
        if self.secure is None:
            return
        give_up = time.monotonic() + timeout_s
        while not await port_open("127.0.0.1", self.secure.port):
            if time.monotonic() >= give_up:
                log.warning("Kafka (pid %s) has no SASL_SSL listener on %s: it was started with an earlier "
                            "config; `logpipe stack down` then `up` adds it", self.pid(), self.secure.address)
                return
            await asyncio.sleep(0.2)
        await self.secure.grant(find_java(17), self.classpath_file.read_text().strip(), self.logs_dir,
                                self.templates / "log4j2.properties", self.cluster_id())

    async def status(self) -> ServiceStatus:
        pid = self.pid()
        if not pid:
            health = "down"
        else:
            answered = await self.answering_cluster_id()
            health = "starting" if answered is None else "up" if answered == self.cluster_id() else "foreign"
        return ServiceStatus(self.name, self.version(), pid, self.address, health)

    async def secure_status(self) -> ServiceStatus | None:
        """The SASL_SSL listener: up when it accepts connections and its users and ACLs are set."""
        if self.secure is None:
            return None
        pid = self.pid()
        if not pid or not await port_open("127.0.0.1", self.secure.port):
            health = "down"
        else:
            health = "up" if self.secure.granted_file.exists() else "no users"
        return ServiceStatus("kafka-sasl_ssl", self.version(), pid, self.secure.address, health)
