"""Local helper processes: finding Java and Maven, spawning detached servers, stopping them.

Blocking calls (fork/exec, waitpid, file reads) run in threads so the callers'
event loop stays free.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from pipeline.stack.errors import StackError  # noqa: F401  (raised here and named by the stack's modules)


@dataclass
class ServiceStatus:
    name: str
    version: str | None
    pid: int | None
    address: str
    health: str  # "up", "green"/"yellow", "starting", "down", or "foreign" (another service answers on its port)


def find_java(min_major: int, env: dict[str, str] | None = None) -> Path:
    """The `java` binary of a JDK with at least `min_major`.

    Looks at ES_JAVA_HOME / JAVA_HOME, the `java` on PATH, then /usr/lib/jvm/*.
    """
    env = dict(os.environ if env is None else env)
    candidates: list[Path] = []
    for var in ("ES_JAVA_HOME", "JAVA_HOME") if min_major >= 21 else ("JAVA_HOME",):
        if env.get(var):
            candidates.append(Path(env[var]) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)))
    jvm_root = Path("/usr/lib/jvm")
    if jvm_root.is_dir():
        candidates.extend(sorted(jvm_root.glob("*/bin/java"), reverse=True))
    seen: list[str] = []
    for java in candidates:
        if not java.is_file() or str(java) in seen:
            continue
        seen.append(str(java))
        major = java_major(java)
        if major is not None and major >= min_major:
            return java
    raise StackError(
        f"no Java {min_major}+ found (looked at {', '.join(seen) or 'JAVA_HOME, PATH, /usr/lib/jvm'}); "
        f"install a JDK {min_major} or newer, or point JAVA_HOME at one"
    )


def java_major(java: Path) -> int | None:
    """The major version of a `java` binary, from its `release` file or `-version`."""
    release = java.parent.parent / "release"
    text = ""
    if release.is_file():
        text = release.read_text(errors="replace")
    else:
        proc = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
        text = proc.stderr + proc.stdout
    m = re.search(r'version "?(\d+)(?:\.(\d+))?', text) or re.search(r'JAVA_VERSION="(\d+)(?:\.(\d+))?', text)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2)) if major == 1 and m.group(2) else major


def find_maven() -> str:
    mvn = shutil.which("mvn")
    if not mvn:
        raise StackError("Maven (`mvn`) is not on PATH; install Maven 3.8+ (Debian package `maven`)")
    return mvn


async def run_maven(pom: Path, *args: str, timeout_s: float = 900) -> str:
    """Runs `mvn -q -B -f POM ARGS...`; raises StackError with Maven's own output on failure."""
    mvn = find_maven()
    proc = await asyncio.create_subprocess_exec(
        mvn, "-q", "-B", "-f", str(pom), *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout_s)
    except TimeoutError:
        proc.kill()
        raise StackError(f"mvn {' '.join(args)} on {pom} did not finish within {timeout_s:.0f}s") from None
    text = out.decode(errors="replace")
    if proc.returncode != 0:
        raise StackError(f"mvn {' '.join(args)} on {pom} failed (exit {proc.returncode}):\n{text[-4000:]}")
    return text


def _spawn(argv: list[str], log_path: Path, env: dict[str, str], cwd: Path, user: str | None) -> int:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env, cwd=str(cwd), start_new_session=True, user=user,
        )
    return proc.pid


async def spawn(argv: list[str], log_path: Path, env: dict[str, str], cwd: Path, user: str | None = None) -> int:
    """Starts a detached process (its own session, so it outlives this command); returns its pid."""
    return await asyncio.to_thread(_spawn, argv, log_path, env, cwd, user)


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours counts as gone
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def gone(proc: psutil.Process) -> bool:
    """The process has ended: no longer running, or a zombie (a child of ours is reaped here;
    another's zombie waits for its parent, but it is gone all the same)."""
    try:
        if not proc.is_running():  # also when its pid now names a younger process
            return True
        if proc.status() != psutil.STATUS_ZOMBIE:
            return False
    except psutil.NoSuchProcess:
        return True
    try:
        os.waitpid(proc.pid, os.WNOHANG)
    except ChildProcessError:
        pass  # not our child: its parent reaps it
    return True


async def terminate(proc: psutil.Process, timeout_s: float = 60.0, kill_wait_s: float = 30.0) -> bool:
    """SIGTERM (the servers' clean shutdown hooks), SIGKILL after `timeout_s`. True if it had to kill.
    psutil checks the process is still the one `proc` was made for before each signal."""
    for sig, wait_s in ((signal.SIGTERM, timeout_s), (signal.SIGKILL, kill_wait_s)):
        try:
            proc.send_signal(sig)
        except psutil.NoSuchProcess:
            return sig == signal.SIGKILL
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if gone(proc):
                return sig == signal.SIGKILL
            await asyncio.sleep(0.2)
    raise StackError(f"pid {proc.pid} is still running {kill_wait_s:.0f}s after SIGKILL")


def render(template: Path, **values: object) -> str:
    """Fills `${name}` placeholders of a service file; an unknown placeholder is an error."""
    text = template.read_text()

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values:
            if key.startswith("sys:"):
                return m.group(0)
            raise StackError(f"{template}: placeholder ${{{key}}} has no value")
        return str(values[key])

    return re.sub(r"\$\{([A-Za-z_:.]+)\}", sub, text)


async def port_open(host: str, port: int, timeout_s: float = 1.0) -> bool:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
    except (OSError, TimeoutError):
        return False
    writer.close()
    await writer.wait_closed()
    return True
