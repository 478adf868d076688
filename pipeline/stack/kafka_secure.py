"""The local Kafka's SASL_SSL listener: SCRAM-SHA-512 over TLS, every action checked by ACLs.

* TLS: a CA and a broker certificate (SAN 127.0.0.1 and localhost) made once per stack
  home with the JDK's `keytool`, so nothing beyond the JDK is needed.
* Users `shipper`, `indexer` and `alerter` with random passwords, made once and kept in
  `secure/client.json` (mode 0600) beside the CA file; tests and operators read them there.
* ACLs on name prefixes, so the default names and per-test names (`logpipe.events.t-...`)
  are both covered: the shipper writes the events topic; the indexer and the alerter read
  it with their groups; the indexer writes the dead-letter topic; the alerter writes the
  alerts topic and its state topic (and reads both back).

Users and ACLs are put through the Admin API on the open PLAINTEXT listener
(`pipeline/stack/services/kafka/SecureSetup.java`), once per formatted storage.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import secrets
import shutil
import subprocess
from pathlib import Path

from pipeline.stack.procs import StackError

log = logging.getLogger(__name__)

MECHANISM = "SCRAM-SHA-512"
USERS = ("shipper", "indexer", "alerter")
# (user, resource type, name prefix, operations)
GRANTS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("shipper", "TOPIC", "logpipe.events", ("WRITE", "DESCRIBE", "CREATE")),
    ("indexer", "TOPIC", "logpipe.events", ("READ", "DESCRIBE")),
    ("indexer", "GROUP", "logpipe-index", ("READ",)),
    ("indexer", "TOPIC", "logpipe.deadletter", ("WRITE", "DESCRIBE", "CREATE")),
    ("alerter", "TOPIC", "logpipe.events", ("READ", "DESCRIBE")),
    ("alerter", "GROUP", "logpipe-alert", ("READ",)),
    ("alerter", "TOPIC", "logpipe.alerts", ("READ", "WRITE", "DESCRIBE", "CREATE")),
    ("alerter", "TOPIC", "logpipe.signatures", ("READ", "WRITE", "DESCRIBE", "CREATE")),
)


class SecureListener:
    def __init__(self, home: Path, port: int, plaintext_port: int) -> None:
        self.dir = home / "secure"
        self.port = port
        self.plaintext_port = plaintext_port
        self.ca_file = self.dir / "ca.pem"
        self.keystore = self.dir / "broker.p12"
        self.client_file = self.dir / "client.json"
        self.granted_file = self.dir / "granted"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _secrets(self) -> dict[str, str]:
        """Passwords of the keystore and the users, made on first use and kept in a 0600 file."""
        path = self.dir / "secrets.json"
        if path.exists():
            return json.loads(path.read_text())
        values = {name: secrets.token_urlsafe(18) for name in ("keystore", *USERS)}
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(values, f)
        return values

    def template_values(self) -> dict[str, object]:
        return {"secure_port": self.port, "keystore": self.keystore,
                "keystore_password": self._secrets()["keystore"]}

    async def prepare(self, java: Path) -> None:
        """Makes the CA and broker certificate if missing, and writes the client file."""
        values = self._secrets()
        if not (self.keystore.exists() and self.ca_file.exists()):
            await asyncio.to_thread(self._make_certificates, java.parent / "keytool", values["keystore"])
        client = {"bootstrap": self.address, "plaintext_bootstrap": f"127.0.0.1:{self.plaintext_port}",
                  "security_protocol": "SASL_SSL", "sasl_mechanism": MECHANISM, "ssl_cafile": str(self.ca_file),
                  "users": {u: values[u] for u in USERS}}
        fd = os.open(self.client_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(client, f, indent=2)

    def _make_certificates(self, keytool: Path, password: str) -> None:
        work = self.dir / "work"
        work.mkdir(parents=True, exist_ok=True)
        for old in work.iterdir():
            old.unlink()
        ca, broker = str(work / "ca.p12"), str(work / "broker.p12")
        common = ["-storepass", password, "-noprompt"]
        pair = ["-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650", "-storetype", "PKCS12"]
        steps = [
            [*pair, "-alias", "ca", "-dname", "CN=logpipe local CA", "-ext", "bc:c",
             "-ext", "ku:c=keyCertSign,cRLSign", "-keystore", ca],
            [*pair, "-alias", "broker", "-dname", "CN=localhost", "-keystore", broker],
            ["-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", str(work / "ca.pem")],
            ["-certreq", "-alias", "broker", "-keystore", broker, "-file", str(work / "broker.csr")],
            ["-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-infile", str(work / "broker.csr"),
             "-outfile", str(work / "broker.pem"), "-validity", "3650", "-ext", "san=ip:127.0.0.1,dns:localhost",
             "-ext", "ku:c=digitalSignature", "-ext", "eku=serverAuth"],
            ["-importcert", "-alias", "ca", "-file", str(work / "ca.pem"), "-keystore", broker],
            ["-importcert", "-alias", "broker", "-file", str(work / "broker.pem"), "-keystore", broker],
        ]
        fast = ["-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"]  # short-lived JVMs: start time is the cost
        pairs = [subprocess.Popen([str(keytool), *fast, *args, *common], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for args in steps[:2]]  # independent
        results = [(args, p.communicate(timeout=120)[0], p.returncode) for args, p in zip(steps[:2], pairs)]
        for args in steps[2:]:
            proc = subprocess.run([str(keytool), *fast, *args, *common], capture_output=True, text=True, timeout=120)
            results.append((args, proc.stdout + proc.stderr, proc.returncode))
            if proc.returncode != 0:
                break
        for args, output, returncode in results:
            if returncode != 0:
                raise StackError(f"keytool {args[0]} failed in {work}:\n{output}")
        os.chmod(work / "broker.p12", 0o600)  # the broker's private key
        os.replace(work / "broker.p12", self.keystore)
        os.replace(work / "ca.pem", self.ca_file)
        shutil.rmtree(work)  # the CA's private key included: nothing is signed after this
        log.info("made a CA (%s) and a broker certificate for %s", self.ca_file, self.address)

    def spec(self) -> str:
        values = self._secrets()
        lines = [f"user {u} {values[u]}" for u in USERS]
        for user, kind, prefix, operations in GRANTS:
            lines += [f"allow User:{user} {kind} PREFIXED {prefix} {op}" for op in operations]
        return "\n".join(lines) + "\n"

    async def grant(self, java: Path, classpath: str, logs_dir: Path, log4j_config: Path, cluster_id: str) -> bool:
        """Puts users and ACLs into the broker unless this storage already has these; True if it ran."""
        spec = self.spec()
        stamp = f"{cluster_id} {hashlib.sha256(spec.encode()).hexdigest()}"
        if self.granted_file.exists() and self.granted_file.read_text() == stamp:
            return False
        if not (java.parent / "javac").exists():  # the source launcher compiles SecureSetup.java in memory
            raise StackError(f"{java} is a JRE: the Kafka users and ACLs are set by a Java source file, which "
                             "needs a JDK (Debian: openjdk-17-jdk-headless); or point JAVA_HOME at a JDK")
        spec_file = self.dir / "spec.txt"
        fd = os.open(spec_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(spec)
        source = Path(__file__).resolve().parent / "services" / "kafka" / "SecureSetup.java"
        argv = [str(java), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath,
                f"-Dlog4j2.configurationFile={log4j_config}", f"-Dkafka.logs.dir={logs_dir / 'setup'}",
                str(source), f"127.0.0.1:{self.plaintext_port}", str(spec_file)]
        try:
            proc = await asyncio.to_thread(subprocess.run, argv, capture_output=True, text=True, timeout=180)
        finally:
            spec_file.unlink(missing_ok=True)
        if proc.returncode != 0:
            raise StackError(f"setting up Kafka users and ACLs failed (see {logs_dir / 'setup'}):\n"
                             f"{proc.stdout}{proc.stderr[-3000:]}")
        self.granted_file.write_text(stamp)
        log.info("Kafka users %s and their ACLs are set", ", ".join(USERS))
        return True
