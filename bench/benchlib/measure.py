"""Runs one process and measures it.

rosterd-bench-measure (bench/measure/main.cpp) starts the process and reports wall
time (monotonic clock), CPU time (user + system), peak RSS (ru_maxrss) and the
block-layer write count (ru_oublock, which Linux derives from /proc/<pid>/io
write_bytes) from wait4()'s rusage of exactly that process: nothing is sampled and
nothing is missed at exit, and the peak RSS is not inflated by this Python process's
own (Linux keeps ru_maxrss across exec). Bytes written to the SQLite files come from
librosterd-bench-iocount.so (bench/io_count/io_count.cpp), preloaded: it counts what
the process wrote to the database, its -wal and its -journal at the write() calls,
which page-cache writeback timing cannot blur.
"""

import json
import os
import subprocess
from pathlib import Path


class Meter:
    def __init__(self, launcher: Path, io_count_lib, scratch: Path):
        self.launcher = launcher
        self.io_count_lib = io_count_lib  # None: no write counts
        self.scratch = scratch
        self.counter = 0

    def run(self, argv, db_path, log_path: Path, timeout_s=3600, env=None):
        """Runs argv to completion; returns the measurement dict (with its stdout)."""
        self.counter += 1
        io_out = self.scratch / f"iocount-{self.counter}.jsonl"
        rusage_out = self.scratch / f"rusage-{self.counter}.json"
        out_path = log_path.with_suffix(".stdout")
        io_out.unlink(missing_ok=True)
        child_env = dict(os.environ if env is None else env)
        if self.io_count_lib and db_path is not None:
            child_env["LD_PRELOAD"] = " ".join(filter(None, [str(self.io_count_lib), child_env.get("LD_PRELOAD")]))
            child_env["ROSTERD_IOCOUNT_DB"] = str(db_path)
            child_env["ROSTERD_IOCOUNT_OUT"] = str(io_out)
        with open(out_path, "wb") as out, open(log_path, "wb") as err:
            subprocess.run([str(self.launcher), str(rusage_out)] + [str(a) for a in argv], stdout=out, stderr=err,
                           stdin=subprocess.DEVNULL, env=child_env, timeout=timeout_s, check=True)
        result = json.loads(rusage_out.read_text())
        rusage_out.unlink()
        result["cpu_s"] = result["user_s"] + result["sys_s"]
        result["stdout"] = out_path.read_text(errors="replace")
        result.update(read_io_counts(io_out, counted=bool(self.io_count_lib and db_path is not None)))
        return result


def read_io_counts(path: Path, counted: bool):
    if not counted:
        return {"db_write_bytes": None, "wal_write_bytes": None, "journal_write_bytes": None}
    totals = {"db": 0, "wal": 0, "journal": 0}
    if path.exists():
        for line in path.read_text().splitlines():
            record = json.loads(line)
            for key in totals:
                totals[key] += record[key]
    return {f"{key}_write_bytes": value for key, value in totals.items()}


def file_size(path: Path):
    return path.stat().st_size if path.exists() else 0


def database_size(db_path: Path):
    """The database as it sits on disk: the file and whatever its -wal still holds."""
    return file_size(db_path) + file_size(Path(str(db_path) + "-wal"))


def remove_database(db_path: Path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)


def process_cpu_seconds(pid):
    """utime + stime of a running process (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def process_rss_kb(pid):
    """(VmRSS, VmHWM) of a running process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)
