"""A PostgreSQL server for the benchmark: scripts/pg-cluster.sh in the work directory,
with PostgreSQL's durability settings kept (fsync and synchronous commit on, as a
production server runs), a Unix socket, no TCP. Each tool gets a database of its own."""

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "pg-cluster.sh"


class PostgresServer:
    def __init__(self, directory: Path):
        self.directory = directory

    def __enter__(self):
        env = dict(os.environ, PG_CLUSTER_DURABLE="1")
        subprocess.run([str(SCRIPT), "start", str(self.directory)], check=True, env=env, stdout=subprocess.DEVNULL)
        return self

    def __exit__(self, *exc):
        subprocess.run([str(SCRIPT), "remove", str(self.directory)], check=False)

    def uri(self, database="rosterd"):
        return f"postgresql:///{database}?host={self.directory}&user=rosterd"

    def sql(self, statement, database="rosterd"):
        out = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", self.uri(database),
                              "-c", statement], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"psql {database}: {statement}: {out.stderr.strip()}")
        return out.stdout.strip()

    def rows(self, statement, database="rosterd"):
        """The rows of a query, each a list of text values (None for NULL)."""
        out = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-F", "\x1f", "-R", "\x1e",
                              "-P", "null=\x1d", self.uri(database), "-c", statement],
                             check=True, capture_output=True, text=True)
        records = [r for r in out.stdout.rstrip("\n").split("\x1e") if r]
        return [[None if v == "\x1d" else v for v in r.split("\x1f")] for r in records]

    def recreate(self, database):
        self.sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        self.sql(f"CREATE DATABASE {database}")

    def size(self, database):
        return int(self.sql(f"SELECT pg_database_size('{database}')"))

    def server_cpu_seconds(self):
        """CPU time of every server process so far (its children included)."""
        total = 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"postgres" not in cmdline:
                    continue
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / ticks
            except (OSError, IndexError, ValueError):
                continue
        return total
