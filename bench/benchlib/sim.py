"""rosterd-sim as a child process, and its control API (sim/README.md).

Listing pages are pre-rendered (`--prerender`, `POST .../prerender`) before anything is
measured, so that the simulator only sends cached bytes while rosterd, the floor or
the dump for sqlite-utils fetch them; stats() lets the suite check that no page was
rendered during a measurement.
"""

import http.client
import json
import os
import signal
import subprocess
import time
from pathlib import Path


class SimError(RuntimeError):
    pass


class Simulator:
    def __init__(self, binary: Path, work_dir: Path, tenants, *, threads=128, latency_ms=0, prerender=None,
                 cache_limit_mb=None, name="sim"):
        self.binary = binary
        self.work_dir = work_dir
        self.tenants_spec = tenants  # NAME:VENDOR:USERS[:SEED]
        self.threads = threads
        self.latency_ms = latency_ms
        self.prerender_size = prerender
        self.cache_limit_mb = cache_limit_mb
        self.name = name
        self.process = None
        self.port = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout_s=900):
        port_file = self.work_dir / f"{self.name}.port"
        port_file.unlink(missing_ok=True)
        argv = [str(self.binary), "--port", "0", "--port-file", str(port_file), "--fixed-clock",
                "--threads", str(self.threads), "--latency-ms", str(self.latency_ms)]
        if self.cache_limit_mb:
            argv += ["--cache-limit-mb", str(self.cache_limit_mb)]
        if self.prerender_size:
            argv += ["--prerender", str(self.prerender_size)]
        for spec in self.tenants_spec:
            argv += ["--tenant", spec]
        log = open(self.work_dir / f"{self.name}.log", "wb")
        self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + timeout_s
        while not port_file.exists():
            if self.process.poll() is not None:
                raise SimError(f"rosterd-sim exited with {self.process.returncode}; see {self.work_dir}/{self.name}.log")
            if time.monotonic() > deadline:
                self.stop()
                raise SimError("rosterd-sim did not start in time")
            time.sleep(0.05)
        self.port = int(port_file.read_text().strip())

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    @property
    def pid(self):
        return self.process.pid

    def request(self, method, path, body=None, timeout_s=600):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout_s)
        try:
            payload = None if body is None else json.dumps(body)
            connection.request(method, path, body=payload, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise SimError(f"{method} {path}: HTTP {response.status}: {data[:300]!r}")
        return json.loads(data)

    def tenants(self):
        return {t["name"]: t for t in self.request("GET", "/_sim/tenants")}

    def prerender(self, tenant, page_size):
        return self.request("POST", f"/_sim/tenants/{tenant}/prerender", {"page_size": page_size})["pages"]

    def churn(self, tenant, count):
        return self.request("POST", f"/_sim/tenants/{tenant}/churn", {"count": count})["changed"]

    def stats(self, tenant):
        return self.request("GET", f"/_sim/tenants/{tenant}/stats")

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
