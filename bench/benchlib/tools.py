"""The programs the suite compares, each syncing one simulator listing into its own
database: rosterd (`rosterd sync`), the floor (bench/floor), `sqlite-utils upsert` of
the same records from newline-delimited JSON and, with `--baseline-build`, another
build's rosterd (the commit before a change); beside them the parse floor (the floor's
`--parse-only`), which fetches and parses the listing and writes nothing, in the
no-change scenario only. Each run is measured by the Meter and checked, so that a
table never shows the time of a run that did something else (a failed run, a resync
that rewrote everything, a churn that changed nothing).
"""

import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .measure import database_size, remove_database

SCENARIOS = ("initial", "nochange", "churn")

# rosterd's source type and the NDJSON primary key of each listing.
VENDOR_KEY = {"smartflo": "id", "class4": "user_id"}


@dataclass
class Listing:
    """One simulator listing as every tool sees it."""
    vendor: str
    users: int
    url: str          # the tenant base URL
    token: str        # the tenant's static token
    page_size: int
    churned: int      # users the churn scenario changes
    ndjson: Path      # the current listing's items, for sqlite-utils


def read_only(db_path: Path):
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)


def count_rows(db_path: Path, table: str):
    with read_only(db_path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


class Rosterd:
    scenarios = SCENARIOS

    def __init__(self, binary: Path, meter, work_dir: Path, name="rosterd"):
        self.name = name
        self.binary = binary
        self.meter = meter
        self.work_dir = work_dir
        self.db = None
        self.config = None

    def reset(self, listing: Listing):
        self.db = self.work_dir / f"{self.name}-{listing.vendor}-{listing.users}.db"
        self.config = self.work_dir / f"{self.name}-{listing.vendor}-{listing.users}.yaml"
        remove_database(self.db)
        self.config.write_text(
            f"database: {self.db}\n"
            "log_level: info\n"
            "sources:\n"
            "  - name: bench\n"
            f"    type: {listing.vendor}\n"
            f"    url: {listing.url}\n"
            f"    token: \"{listing.token}\"\n"
            f"    page_size: {listing.page_size}\n")
        self.config.chmod(0o600)  # it holds the simulator's token

    def run(self, listing: Listing, scenario: str, log: Path):
        result = self.meter.run([str(self.binary), "sync", "--config", str(self.config)], self.db, log)
        result["db_size_bytes"] = database_size(self.db)
        result["check"] = self.check(listing, scenario, result)
        return result

    def check(self, listing, scenario, result):
        if result["exit"] != 0:
            return f"exit status {result['exit']}"
        with read_only(self.db) as db:
            row = db.execute(LAST_RUN).fetchone()
        return check_last_run(listing, scenario, row)


# The last run's row, which check_last_run() reads.
LAST_RUN = "SELECT status, fetched, added, updated, removed, restored, unchanged FROM sync_runs ORDER BY id DESC LIMIT 1"


def check_last_run(listing, scenario, row):
    """"ok", or what is wrong with the counts of the run `row` (LAST_RUN) for `scenario`."""
    status, fetched, added, updated, removed, restored, unchanged = row
    n, c = listing.users, listing.churned
    expected = {"initial": (n, n, 0, 0), "nochange": (n, 0, 0, n), "churn": (n, 0, c, n - c)}[scenario]
    got = (fetched, added, updated, unchanged)
    if status != "ok" or got != expected or removed or restored:
        return (f"sync_runs: status {status}, fetched/added/updated/unchanged {got}, expected {expected}, "
                f"removed {removed}, restored {restored}")
    return "ok"


def floor_argv(binary: Path, listing: Listing):
    """rosterd-bench-floor's arguments for `listing`, before the mode (--database, --ndjson, --parse-only)."""
    return [str(binary), "--vendor", listing.vendor, "--url", listing.url, "--token", listing.token,
            "--page-size", str(listing.page_size)]


class Floor:
    name = "floor"
    scenarios = SCENARIOS

    def __init__(self, binary: Path, meter, work_dir: Path):
        self.binary = binary
        self.meter = meter
        self.work_dir = work_dir
        self.db = None

    def reset(self, listing: Listing):
        self.db = self.work_dir / f"floor-{listing.vendor}-{listing.users}.db"
        remove_database(self.db)

    def run(self, listing: Listing, scenario: str, log: Path):
        result = self.meter.run(floor_argv(self.binary, listing) + ["--database", str(self.db)], self.db, log)
        result["db_size_bytes"] = database_size(self.db)
        if result["exit"] != 0:
            result["check"] = f"exit status {result['exit']}"
        else:
            records = json.loads(result["stdout"])["records"]
            rows = count_rows(self.db, "users")
            result["check"] = "ok" if records == rows == listing.users else f"{records} records, {rows} rows"
        return result

    def dump(self, listing: Listing, log: Path):
        """Writes the listing's items to listing.ndjson (not measured)."""
        result = self.meter.run(floor_argv(self.binary, listing) + ["--ndjson", str(listing.ndjson)], None, log)
        if result["exit"] != 0:
            raise RuntimeError(f"the NDJSON dump failed; see {log}")


class ParseFloor:
    """The floor without SQLite: the same requests, parsing and row filling, nothing
    written. The least a resync that finds nothing new can cost, so it runs in the
    no-change scenario only."""
    name = "parse-floor"
    scenarios = ("nochange",)

    def __init__(self, binary: Path, meter):
        self.binary = binary
        self.meter = meter

    def reset(self, listing: Listing):
        pass  # no database

    def run(self, listing: Listing, scenario: str, log: Path):
        result = self.meter.run(floor_argv(self.binary, listing) + ["--parse-only"], None, log)
        result["db_size_bytes"] = None
        if result["exit"] != 0:
            result["check"] = f"exit status {result['exit']}"
        else:
            records = json.loads(result["stdout"])["records"]
            result["check"] = "ok" if records == listing.users else f"{records} records"
        return result


class SqliteUtils:
    name = "sqlite-utils"
    scenarios = SCENARIOS

    def __init__(self, meter, work_dir: Path):
        self.binary = shutil.which("sqlite-utils")
        self.meter = meter
        self.work_dir = work_dir
        self.db = None

    def available(self):
        return self.binary is not None

    def reset(self, listing: Listing):
        self.db = self.work_dir / f"sqlite-utils-{listing.vendor}-{listing.users}.db"
        remove_database(self.db)

    def run(self, listing: Listing, scenario: str, log: Path):
        argv = [self.binary, "upsert", str(self.db), "users", str(listing.ndjson), "--nl",
                "--pk", VENDOR_KEY[listing.vendor]]
        result = self.meter.run(argv, self.db, log)
        result["db_size_bytes"] = database_size(self.db)
        if result["exit"] != 0:
            result["check"] = f"exit status {result['exit']}"
        else:
            rows = count_rows(self.db, "users")
            result["check"] = "ok" if rows == listing.users else f"{rows} rows"
        return result


class RosterdPostgres(Rosterd):
    """rosterd syncing into a PostgreSQL database of its own (the benchmark's server).
    Its wall time includes the server's work; the server's CPU is reported apart
    (`server_cpu_s`), since the measured process is rosterd alone."""

    def __init__(self, binary: Path, meter, work_dir: Path, server):
        super().__init__(binary, meter, work_dir, name="rosterd-pg")
        self.server = server
        self.database = None

    def reset(self, listing: Listing):
        super().reset(listing)
        self.database = f"rosterd_{listing.vendor}_{listing.users}"
        self.server.recreate(self.database)
        text = self.config.read_text().replace(f"database: {self.db}", f"database: \"{self.server.uri(self.database)}\"")
        self.config.write_text(text)

    def run(self, listing: Listing, scenario: str, log: Path):
        cpu_before = self.server.server_cpu_seconds()
        result = self.meter.run([str(self.binary), "sync", "--config", str(self.config)], None, log)
        result["server_cpu_s"] = self.server.server_cpu_seconds() - cpu_before
        result["db_size_bytes"] = self.server.size(self.database)
        result["check"] = self.check(listing, scenario, result)
        return result

    def check(self, listing, scenario, result):
        if result["exit"] != 0:
            return f"exit status {result['exit']}"
        row = self.server.rows(LAST_RUN, self.database)[0]
        return check_last_run(listing, scenario, [row[0]] + [int(x) for x in row[1:]])


class CopyFloor:
    """The floor's COPY mode: the listing fetched and parsed as the floor does, its rows
    loaded with COPY into one emptied table of the same server, in one transaction. What
    an initial sync into PostgreSQL costs at the least."""
    name = "copy-floor"
    scenarios = ("initial",)

    def __init__(self, binary: Path, meter, server):
        self.binary = binary
        self.meter = meter
        self.server = server
        self.database = None

    def reset(self, listing: Listing):
        self.database = f"floor_{listing.vendor}_{listing.users}"
        self.server.recreate(self.database)

    def run(self, listing: Listing, scenario: str, log: Path):
        cpu_before = self.server.server_cpu_seconds()
        result = self.meter.run(floor_argv(self.binary, listing) + ["--postgresql", self.server.uri(self.database)],
                                None, log)
        result["server_cpu_s"] = self.server.server_cpu_seconds() - cpu_before
        result["db_size_bytes"] = self.server.size(self.database)
        if result["exit"] != 0:
            result["check"] = f"exit status {result['exit']}"
        else:
            records = json.loads(result["stdout"])["records"]
            rows = int(self.server.sql("SELECT count(*) FROM floor_users", self.database))
            result["check"] = "ok" if records == rows == listing.users else f"{records} records, {rows} rows"
        return result
